/**
 * Policy evaluation throughput: a policy is compiled once, then evaluated per fact (as a rebuild or a what-if
 * over millions of events does). Prints evaluations per second for each rule family.
 */
import { performance } from 'node:perf_hooks';
import { compilePolicy } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';

export function benchPolicyEvaluation(scale: number, report: (name: string, count: number, ms: number, unit?: string) => void): void {
  const college = compilePolicy(loadExamplePolicy('college-new-media-000A.json'));
  const district = compilePolicy(loadExamplePolicy('district-office-scoring-003A.json'));
  const fees = compilePolicy(loadExamplePolicy('discipline-fees-004-07.json'));
  const law = compilePolicy(loadExamplePolicy('law-enforcement-bureau-001C.json'));
  const n = Math.round(1_000_000 * scale);
  const facts = ['e1'];
  const publications = [
    { platform: 'wechat', followersAtPublication: 10000, daysSincePublication: 3, reads: 0, reposts: 0, interactions: 0 },
    { platform: 'weibo', followersAtPublication: 20000, daysSincePublication: 3, reads: 0, reposts: 9000, interactions: 0 },
  ];
  let sink = 0;
  const run = (name: string, f: (i: number) => number) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) sink += f(i);
    report(name, n, performance.now() - t, 'evaluations');
  };
  run('policy: engagement tiers (2 platforms, no stacking)', (i) => {
    publications[0]!.reads = i % 12000;
    return college.engagementRewards({ facts, source: 'original', publications }).length;
  });
  run('policy: item fee (type x level x length band)', (i) =>
    fees.itemRewards({ facts, platform: 'newspaper', levelKey: 'city', contentType: 'news', source: 'original', length: 150 + (i % 100), formComplete: true, published: true, exclusiveFirstRelease: false, excellent: i % 7 === 0 }).length,
  );
  run('policy: adoption ladder (cumulative)', () => district.adoptionPoints({ facts, submitted: true, adopted: ['district', 'city'], excellent: ['city'], instructed: [] }).length);
  run('policy: review chain resolution', (i) => (law.resolveChain({ unitType: 'squad', contentType: 'general', importance: 'general', destination: i % 2 ? 'external' : 'internal' })?.steps.length ?? 0));
  if (sink < 0) throw new Error('unreachable');
}
