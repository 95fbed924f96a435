import type { ProjectionStatus } from './projection-status';
import { projectionSamples } from './projection-metrics';

const status = (builds: ProjectionStatus['builds']): ProjectionStatus => ({ name: 'org-directory', kind: 'projection', codeVersion: 2, tables: [], headPosition: '400', deadLetters: 0, builds });

describe('projectionSamples (the lag and rebuild gauges)', () => {
  it('a live build: its lag as the status gives it, no progress', () => {
    const [live] = projectionSamples([status([{ buildId: 'b1', version: 1, state: 'live', position: '390', lagEvents: 10, lagSeconds: 2.5, owner: 'h:1', lastError: null }])]);
    expect(live).toEqual({ labels: { projection: 'org-directory', kind: 'projection', build: 'b1', state: 'live' }, lagEvents: 10, lagSeconds: 2.5, position: 390 });
  });

  it('a rebuild a quarter of the way to the head: ratio 0.25 and the events done', () => {
    const [, rebuild] = projectionSamples([
      status([
        { buildId: 'b1', version: 1, state: 'live', position: '400', lagEvents: 0, lagSeconds: 0, owner: null, lastError: null },
        { buildId: 'b2', version: 2, state: 'rebuilding', position: '100', lagEvents: 300, lagSeconds: 60, owner: null, lastError: null, progress: { eventsDone: 80, eventsPerSecond: 10, estimatedSecondsLeft: 30 } },
      ]),
    ]);
    expect(rebuild!.progress).toEqual({ ratio: 0.25, eventsDone: 80 });
    expect(rebuild!.labels.state).toBe('rebuilding');
  });

  it('a shadow build at its target (no lag left) is done: ratio 1, also on an empty log', () => {
    const shadow = (position: string) =>
      projectionSamples([status([{ buildId: 's1', version: 2, state: 'shadow', position, lagEvents: 0, lagSeconds: 0, owner: null, lastError: null, progress: { eventsDone: 5, eventsPerSecond: 1, estimatedSecondsLeft: 0 } }])])[0]!;
    expect(shadow('250').progress!.ratio).toBe(1);
    expect(shadow('0').progress!.ratio).toBe(1);
  });
});
