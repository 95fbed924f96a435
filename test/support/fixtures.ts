import { CommandRunner } from '@app/event-store';
import { demoHistoryStart, DemoOrganization, seedDemoOrganization } from '@app/organization';
import { BusinessDates } from '@app/access';
import { DEMO_POLICY_FILES, PolicyCatalog, publishPolicies } from '@app/policies';
import { type DemoIncidentsSummary, seedDemoIncidents } from '@app/incidents';
import { BulletinsService, seedDemoBulletin } from '@app/compliance';
import { seedDemoTimeFacts } from '@app/scheduler';
import { loadExamplePolicy } from '@app/policies/testing';
import { REPORTING_POLICY, type ReportingPolicy } from '@app/reporting';
import { type DemoActivitySummary, type DemoPayoutsSummary, PayoutsService, seedDemoActivity, seedDemoPayouts } from '@app/rewards';
import type { Response } from 'supertest';
import { startTestApp, type TestApp } from './test-app';

/** The headers that authenticate a request with a bearer token. */
export type AuthHeaders = { Authorization: string };
export const bearer = (token: string): AuthHeaders => ({ Authorization: `Bearer ${token}` });

/** The demo institution (seedDemoOrganization), seeded into the app's store. */
export const seedDemo = (t: TestApp): Promise<DemoOrganization> => seedDemoOrganization(t.app.get(CommandRunner), t.clock.now(), t.app.get(BusinessDates).timeZone);

/**
 * What `npm run cli -- seed demo` seeds on top of the institution, by the same functions: the demo policies
 * (DEMO_POLICY_FILES), then the demo reporting history with publications, metrics and adoptions (seedDemoActivity).
 * Opt-in: seedDemo alone stays the bare institution the other specs count on.
 */
export async function seedDemoActivityOf(t: TestApp, demo: DemoOrganization): Promise<DemoActivitySummary> {
  const runner = t.app.get(CommandRunner);
  await publishPolicies(runner, DEMO_POLICY_FILES.map(loadExamplePolicy), demo.byRole.administrator.memberId, t.clock.now());
  const policy = t.app.get<symbol, ReportingPolicy>(REPORTING_POLICY, { strict: false });
  return seedDemoActivity({ runner, policy, timeZone: t.app.get(BusinessDates).timeZone }, demo, t.clock.now());
}

/**
 * The demo payout ledger `seed demo` writes after the activity, by the same function (seedDemoPayouts): a period
 * per month of `activity.months`, the older closed (its statement from the live rewards build at the head) and
 * partly paid, the newest open.
 */
export function seedDemoPayoutsOf(t: TestApp, demo: DemoOrganization, activity: Pick<DemoActivitySummary, 'months'>): Promise<DemoPayoutsSummary> {
  return seedDemoPayouts({ runner: t.app.get(CommandRunner), payouts: t.app.get(PayoutsService), timeZone: t.app.get(BusinessDates).timeZone }, demo, activity.months, t.clock.now());
}

/**
 * What `seed demo` writes after the activity, by the same functions and in the same order: last month's three
 * incidents (seedDemoIncidents), the time facts of the demo's months and deadlines (seedDemoTimeFacts, once the
 * scheduler's read model knows the incidents' deadlines), the payout ledger, then last month's bulletin.
 */
export async function seedDemoIncidentsOf(t: TestApp, demo: DemoOrganization): Promise<DemoIncidentsSummary> {
  return seedDemoIncidents({ runner: t.app.get(CommandRunner), policies: await t.app.get(PolicyCatalog).published(), timeZone: t.app.get(BusinessDates).timeZone }, demo, t.clock.now());
}

export async function seedDemoTimeFactsOf(t: TestApp): Promise<{ periods: number; elapsed: number }> {
  await t.settle();
  const timeZone = t.app.get(BusinessDates).timeZone;
  const from = demoHistoryStart(t.clock.now(), timeZone);
  return seedDemoTimeFacts({ pool: t.pool, store: t.store, clock: t.clock, timeZone }, from);
}

export async function seedDemoBulletinOf(t: TestApp, demo: DemoOrganization, month: string): Promise<{ issued: boolean; checksum: string }> {
  await t.settle();
  return seedDemoBulletin({ runner: t.app.get(CommandRunner), bulletins: t.app.get(BulletinsService) }, demo, month, t.clock.now());
}

/**
 * A token for every member of the demo institution: by role (one member each, `demo.byRole`) and by
 * `role@unitName` (the first member holding that role in that unit).
 */
export async function demoTokens(t: TestApp, demo: DemoOrganization): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const [role, m] of Object.entries(demo.byRole)) tokens[role] = await t.tokenFor(m.memberId);
  for (const m of demo.members) tokens[`${m.role}@${m.unitName}`] ??= await t.tokenFor(m.memberId);
  return tokens;
}

/** demoTokens as request headers. */
export async function demoAuth(t: TestApp, demo: DemoOrganization): Promise<Record<string, AuthHeaders>> {
  return Object.fromEntries(Object.entries(await demoTokens(t, demo)).map(([who, token]) => [who, bearer(token)]));
}

/** A draft's content that every check accepts (an external general item on WeChat); `extra` adds or replaces fields. */
export const draftContent = <E extends Record<string, unknown> = Record<string, never>>(authorId: string, extra: E = {} as E) => ({
  title: '我局开展夏季治安打击整治行动',
  body: '3月1日,我局组织开展夏季治安打击整治行动。',
  contentType: 'general',
  source: 'original' as const,
  firstRelease: 'exclusive' as const,
  targetPlatforms: ['wechat'],
  authors: [authorId],
  eventDate: '2026-03-01',
  importance: 'general' as const,
  destination: 'external' as const,
  ...extra,
});

/**
 * Registers a policy document (or an example policy by file name, loadExamplePolicy) and publishes it, as the
 * given administrator; waits until the projections have it. Returns the publish answer.
 */
export async function publishPolicy<D extends { id: string; version: number }>(t: TestApp, as: AuthHeaders, policy: string | D): Promise<Response> {
  const doc: { id: string; version: number } = typeof policy === 'string' ? loadExamplePolicy(policy) : policy;
  await t.http.post('/v1/policies').set(as).send(doc).expect(201);
  const res = await t.http.post(`/v1/policies/${doc.id}/versions/${doc.version}/publish`).set(as).expect(200);
  await t.settle();
  return res;
}

/** Sends a request that must answer `expected` and append nothing; returns the body. */
export async function expectUnchanged(t: TestApp, expected: number, send: () => PromiseLike<{ status: number; body: Record<string, unknown> }>): Promise<Record<string, unknown>> {
  const head = await t.store.headPosition();
  const res = await send();
  expect({ status: res.status, body: res.body }).toMatchObject({ status: expected });
  expect(await t.store.headPosition()).toBe(head);
  return res.body;
}

/** An app with the demo institution seeded and settled, the administrator's and the demo reporter's headers. */
export async function startDemoApp(): Promise<{ t: TestApp; demo: DemoOrganization; admin: AuthHeaders; reporter: AuthHeaders }> {
  const t = await startTestApp();
  const demo = await seedDemo(t);
  const reporter = bearer(await t.tokenFor(demo.byRole.reporter.memberId));
  await t.settle();
  return { t, demo, admin: bearer(t.adminToken), reporter };
}

/** A draft of the demo office by the demo reporter (draftContent); `extra` adds or replaces fields. */
export const officeDraft = (demo: DemoOrganization, extra: Record<string, unknown> = {}) => ({
  unitId: demo.units.office,
  ...draftContent(demo.byRole.reporter.memberId, extra),
});

/** The demo institution under the law-enforcement bureau's review chains (001-C) and its new-media reward policy. */
export async function startRewardsDemoApp(): Promise<{ t: TestApp; demo: DemoOrganization; auth: Record<string, AuthHeaders> }> {
  const t = await startTestApp();
  const demo = await seedDemo(t);
  const auth = await demoAuth(t, demo);
  await publishPolicy(t, auth.administrator!, 'law-enforcement-bureau-001C.json');
  await publishPolicy(t, auth.administrator!, 'city-police-new-media-rewards.json');
  return { t, demo, auth };
}

/**
 * A draft of the demo office's reporter walked through the 001-C chain (初审, 保密审查, 分管局领导) and published on
 * the demo WeChat account at `publishedAt`: its draft and publication ids.
 */
export async function publishedDemoDraft(
  t: TestApp,
  demo: DemoOrganization,
  auth: Record<string, AuthHeaders>,
  publishedAt: string,
  options: { exclusiveFirstRelease?: boolean } = {},
): Promise<{ draftId: string; publicationId: string }> {
  const draftId = (await t.http.post('/v1/drafts').set(auth.reporter!).send({ unitId: demo.units.office, ...draftContent(demo.byRole.reporter.memberId) }).expect(201)).body.draftId as string;
  await t.http.post(`/v1/drafts/${draftId}/submit`).set(auth.reporter!).expect(200);
  await t.http.post(`/v1/drafts/${draftId}/steps/0/approve`).set(auth['unit_head@办公室']!).send({ comment: '同意' }).expect(200);
  await t.http.post(`/v1/drafts/${draftId}/steps/1/approve`).set(auth.confidentiality_reviewer!).send({ verdict: 'may_publish' }).expect(200);
  await t.http.post(`/v1/drafts/${draftId}/steps/2/approve`).set(auth['leader_in_charge@某市公安局']!).send({}).expect(200);
  await t.http
    .post(`/v1/drafts/${draftId}/publications`)
    .set(auth.office_reviewer!)
    .send({ channelId: demo.channels.wechat, url: `https://mp.weixin.qq.com/s/${draftId}`, publishedAt, exclusiveFirstRelease: options.exclusiveFirstRelease ?? false })
    .expect(201);
  const events = await t.store.readStream(`draft-${draftId}`);
  return { draftId, publicationId: (events.find((e) => e.type === 'DraftPublished')!.data as { publicationId: string }).publicationId };
}

/** The demo WeChat account's follower count in force at an instant, as the organisation recorded it. */
async function demoWechatFollowersAt(t: TestApp, demo: DemoOrganization, at: string): Promise<number> {
  const events = await t.store.readStream(`channel-${demo.channels.wechat}`);
  const counts = events.filter((e) => e.type === 'FollowerCountRecorded').map((e) => e.data as { count: number; asOf: string });
  return counts.filter((c) => c.asOf <= at).sort((a, b) => (a.asOf < b.asOf ? -1 : 1)).at(-1)!.count;
}

/**
 * Records (POST /v1/metrics, as the office reviewer) one reading of a demo WeChat publication: reads at `share` of
 * the account's followers at `publishedAt`, observed at `observedAt`; then waits for the read models.
 */
export async function recordDemoWechatReads(
  t: TestApp,
  demo: DemoOrganization,
  auth: Record<string, AuthHeaders>,
  publication: { draftId: string; publicationId: string },
  reading: { publishedAt: string; observedAt: string; share: number },
): Promise<void> {
  const followers = await demoWechatFollowersAt(t, demo, reading.publishedAt);
  await t.http
    .post('/v1/metrics')
    .set(auth.office_reviewer!)
    .send({ observations: [{ ...publication, observedAt: reading.observedAt, source: 'wechat-mp-api', reads: Math.ceil(followers * reading.share), reposts: 0, interactions: 0 }] })
    .expect(200);
  await t.settle();
}
