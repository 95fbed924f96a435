import pino from 'pino';
import { commonCorrelationId, correlationMixin, currentCorrelationId, withCorrelationId } from './correlation';

describe('correlation scope', () => {
  it('holds the id for everything awaited inside, innermost scope first', async () => {
    expect(currentCorrelationId()).toBeUndefined();
    await withCorrelationId('outer', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentCorrelationId()).toBe('outer');
      await withCorrelationId('inner', async () => expect(currentCorrelationId()).toBe('inner'));
      await withCorrelationId(undefined, async () => expect(currentCorrelationId()).toBeUndefined());
      expect(currentCorrelationId()).toBe('outer');
    });
    expect(currentCorrelationId()).toBeUndefined();
  });

  it('a batch has the id its events share, none when they differ', () => {
    expect(commonCorrelationId(['a', 'a'])).toBe('a');
    expect(commonCorrelationId(['a', 'b'])).toBeUndefined();
    expect(commonCorrelationId([])).toBeUndefined();
    expect(commonCorrelationId(['a', undefined])).toBeUndefined();
  });

  it('the pino mixin puts it on every line written inside the scope, and nothing outside', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ mixin: correlationMixin }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    logger.info('outside');
    withCorrelationId('c-42', () => logger.child({ context: 'Projections' }).info('inside'));
    expect(lines.map((l) => [l.msg, l.correlationId])).toEqual([
      ['outside', undefined],
      ['inside', 'c-42'],
    ]);
  });
});
