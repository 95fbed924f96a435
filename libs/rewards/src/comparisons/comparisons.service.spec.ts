import { DomainError } from '@app/kernel';
import type { EventStore } from '@app/event-store';
import type { BuildView, ReadModels, ShadowBuilds } from '@app/projections';
import type { CommandBus } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { RewardComparisons } from './comparisons.service';

const view = (buildId: string): BuildView =>
  ({ buildId, projection: 'rewards', state: 'shadow', progress: { position: '10', targetPosition: '10', headPosition: '12', reachedTarget: true } }) as unknown as BuildView;

describe('RewardComparisons.get', () => {
  const started = {
    type: 'RewardComparisonStarted',
    data: { runId: 'r1', beforeBuildId: 'b-before', afterBuildId: 'b-after', beforePosition: '10', afterPosition: '10', from: null, to: null, requestedBy: 'm', requestedAt: '2026-03-01T00:00:00.000Z' },
  };
  const store = { readStream: () => Promise.resolve([started]) } as unknown as EventStore;

  it('answers expired, not 404 read-build-unknown, when the sweeper drops a build between builds.get and the diff', async () => {
    const live = new Set(['b-before', 'b-after']);
    const builds = { get: (id: string) => (live.has(id) ? Promise.resolve(view(id)) : Promise.reject(new DomainError('not_found', 'not-found', `Build ${id}`))) } as unknown as ShadowBuilds;
    const readModels = {
      scopeOfBuild: (id: string) => {
        live.delete('b-after'); // the sweeper ran: the after build is gone
        return Promise.reject(new DomainError('not_found', 'read-build-unknown', `Build ${id} does not exist`, { buildId: id }));
      },
    } as unknown as ReadModels;
    const comparisons = new RewardComparisons({} as Pool, store, builds, readModels, {} as CommandBus);
    const answer = await comparisons.get('r1');
    expect(answer).toMatchObject({ status: 'expired', diff: null, builds: { before: { buildId: 'b-before' }, after: null } });
  });

  it('still fails when both builds are there (the error is not an expiry)', async () => {
    const builds = { get: (id: string) => Promise.resolve(view(id)) } as unknown as ShadowBuilds;
    const readModels = { scopeOfBuild: () => Promise.reject(new Error('boom')) } as unknown as ReadModels;
    const comparisons = new RewardComparisons({} as Pool, store, builds, readModels, {} as CommandBus);
    await expect(comparisons.get('r1')).rejects.toThrow('boom');
  });
});
