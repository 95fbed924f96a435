import type { PoolClient } from 'pg';
import { applyInSchema, dumpSchema, EventLog } from '@app/projections';
import type { PolicyDocument, PolicyVersionRecord } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { createTestDatabase, TestDatabase } from '@test/support';
import { periodCompliance } from '../domain/compliance-compute';
import type { CommissionFacts, IncidentFacts, ItemFacts } from '../domain/compliance-compute';
import { complianceProjection } from './compliance.projection';
import { complianceWorld } from './compliance.queries';

const uuid = (prefix: string, n: number) => `00000000-0000-4000-${prefix}-${String(n).padStart(12, '0')}`;
const SECTION = uuid('8000', 1);
const BRIGADE = uuid('8000', 2);
const policy = loadExamplePolicy('unit-compliance-000W.json');
const incidentPolicy = loadExamplePolicy('county-emergency-001I.json');

function publish(log: EventLog, document: PolicyDocument, at: string): void {
  log.append(`policy-${document.id}`, 'PolicyDrafted', { policyId: document.id, version: document.version, document, draftedBy: 'admin', draftedAt: at }, at);
  log.append(`policy-${document.id}`, 'PolicyPublished', { policyId: document.id, version: document.version, effectiveFrom: document.effectiveFrom, effectiveTo: null, retroactive: false, publishedBy: 'admin', publishedAt: at }, at);
}

let drafts = 0;
function submit(log: EventLog, unitId: string, at: string, contentType = 'news', eventDate = at.slice(0, 10)): string {
  const draftId = uuid('a000', ++drafts);
  const stream = `draft-${draftId}`;
  log.append(stream, 'DraftCreated', { draftId, unitId, createdBy: 'm1', content: { title: `稿件${drafts}`, body: '正文', contentType, eventDate }, commissionId: null, createdAt: at }, at);
  log.append(stream, 'DraftSubmitted', { draftId, unitId, round: 1, submittedBy: 'm1', submittedAt: at, commissionId: null }, at);
  return stream;
}

function adopt(log: EventLog, stream: string, adoptedAt: string, recordedAt = adoptedAt): void {
  const draftId = stream.slice('draft-'.length);
  log.append(stream, 'DraftAdopted', { draftId, adoptionId: `${draftId}-a`, publicationName: '市局信息', levelKey: 'city', issue: null, adoptedAt, recordedBy: 'm2' }, recordedAt);
}

/** Two units (the brigade registered on 1 November: its earlier months are not misses), policy 000-W compliance; the section delivers 2 in November (met), the brigade 1 of 3 and a late incident. */
function history(): EventLog {
  const log = new EventLog();
  log.append(`unit-${SECTION}`, 'UnitRegistered', { unitId: SECTION, name: '宣传科', unitType: 'section', parentId: null, registeredAt: '2026-01-01T00:00:00.000Z' });
  log.append(`unit-${BRIGADE}`, 'UnitRegistered', { unitId: BRIGADE, name: '一大队', unitType: 'brigade', parentId: SECTION, registeredAt: '2026-10-31T17:00:00.000Z' });
  publish(log, policy, '2026-01-02T00:00:00.000Z');
  publish(log, incidentPolicy, '2026-01-02T00:00:00.000Z');
  adopt(log, submit(log, SECTION, '2026-11-03T02:00:00.000Z'), '2026-11-06T02:00:00.000Z');
  submit(log, SECTION, '2026-11-04T02:00:00.000Z', 'research', '2026-11-02');
  submit(log, BRIGADE, '2026-11-05T02:00:00.000Z', 'news', '2026-11-01');
  const incident = `incident-i1`;
  log.append(incident, 'IncidentReported', {
    incidentId: 'i1', unitId: BRIGADE, title: '仓库火灾', occurredAt: '2026-11-10T01:00:00.000Z', discoveredAt: '2026-11-10T01:00:00.000Z', reportedAt: '2026-11-10T03:00:00.000Z',
    policy: { policyId: incidentPolicy.id, policyVersion: incidentPolicy.version, ruleId: 'incident-001-i' },
    firstReport: { verdict: 'late', dueAt: '2026-11-10T01:20:00.000Z', lateByMinutes: 100 },
    dues: [{ step: 'written_report', deadlineId: 'dl-written', dueAt: '2026-11-10T03:00:00.000Z', remindAt: null, provisional: null }],
  }, '2026-11-10T03:00:00.000Z');
  log.append(incident, 'DeadlineElapsed', { deadlineId: 'dl-written', dueAt: '2026-11-10T03:00:00.000Z', kind: 'incident-written_report', subject: incident }, '2026-11-10T03:00:01.000Z');
  log.append(incident, 'IncidentFollowUpReported', { incidentId: 'i1', sequence: 1, reportedBy: 'm1', reportedAt: '2026-11-10T05:00:00.000Z', progress: '已扑灭', measures: '封锁现场', causeAndConsequences: null, lessons: null, casualties: null, directLossYuan: null, verdict: null, nextDue: null }, '2026-11-10T05:00:00.000Z');
  return log;
}

const chunks = <T>(items: readonly T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

describe('compliance projection, written in bulk', () => {
  let db: TestDatabase;
  let client: PoolClient;
  let schemas = 0;
  const build = async (batches: readonly (readonly EventLog['events'][number][])[]) => {
    const schema = `compliance_${++schemas}`;
    await applyInSchema(client, complianceProjection, schema, batches);
    return dumpSchema(client, complianceProjection, schema);
  };
  const report = (dump: Record<string, unknown[]>, key = '2026-11') => {
    const world = complianceWorld({
      policies: (dump.compliance_policy_versions as { record: PolicyVersionRecord }[]).map((r) => r.record),
      items: (dump.compliance_items as { facts: ItemFacts }[]).map((r) => r.facts),
      commissions: (dump.compliance_commissions as { facts: CommissionFacts }[]).map((r) => r.facts),
      incidents: (dump.compliance_incidents as { facts: IncidentFacts }[]).map((r) => r.facts),
      periodEnds: (dump.compliance_periods as { ended_at: string; position: string }[]).map((r) => ({ endedAt: r.ended_at, position: Number(r.position) })),
    });
    const units = (dump.compliance_units as { unit_id: string; name: string; unit_type: string; registered_on: string }[]).map((u) => ({ unitId: u.unit_id, name: u.name, unitType: u.unit_type, since: u.registered_on }));
    return periodCompliance(world, units, 'month', key);
  };
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 1 });
    client = await db.pool.connect();
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  it('live in batches of 1 and 3, and a redelivered batch, equal a rebuild', async () => {
    const { events } = history();
    const whole = await build([events]);
    expect(await build(chunks(events, 3))).toEqual(whole);
    expect(await build(chunks(events, 1))).toEqual(whole);
    // redelivered from the policies on: adoptions, follow-ups and time facts are not folded twice
    expect(await build([events, events.slice(4)])).toEqual(whole);
    for (const type of ['DraftAdopted', 'DeadlineElapsed', 'IncidentFollowUpReported']) {
      const i = events.findIndex((e) => e.type === type);
      expect(await build([events.slice(0, i + 1), events.slice(i)])).toEqual(whole);
    }
  }, 60_000);

  it('a late incident and a missed written report count in the brigade\'s month; the section met its quota', async () => {
    const rows = report(await build([history().events]));
    const brigade = rows.find((r) => r.unitId === BRIGADE)!;
    const section = rows.find((r) => r.unitId === SECTION)!;
    expect(brigade.incidents).toMatchObject({ steps: 2, late: 1, missed: 1 });
    expect(section).toMatchObject({ submitted: 2, adopted: 1, adoptionRate: 0.5 });
    expect(brigade.quotas.find((q) => q.quotaId === 'monthly-3-brigade-squad')).toMatchObject({ required: 3, delivered: 1, shortfall: 2, met: false });
    expect(brigade.escalation?.action).toBe('named in the notice (点名通报)');
    // R4.20: event 11-01, submitted 11-05: late
    expect(brigade.timeliness.late).toBe(1);
    expect(section.quotas.find((q) => q.quotaId === 'monthly-2-section')?.met).toBe(true);
    expect(section.incidents.steps).toBe(0);
    expect(rows[0]!.unitId).toBe(SECTION); // ranked by score
    expect(rows.map((r) => r.status)).toEqual(['provisional', 'provisional']);
  }, 60_000);

  it('provisional until the month\'s BusinessPeriodEnded is read, then final', async () => {
    const log = history();
    const before = await build([log.events]);
    log.append('businessCalendar-month', 'BusinessPeriodEnded', { period: 'month', key: '2026-11', startedAt: '2026-10-31T16:00:00.000Z', endedAt: '2026-11-30T16:00:00.000Z', timeZone: 'Asia/Shanghai' }, '2026-11-30T16:00:01.000Z');
    const after = await build([log.events.slice(0, -1), log.events.slice(-1)]);
    expect(report(before).map((r) => r.status)).toEqual(['provisional', 'provisional']);
    expect(report(after).map((r) => r.status)).toEqual(['final', 'final']);
    expect(report(after, '2026-12').map((r) => r.status)).toEqual(['provisional', 'provisional']);
    // an adoption back-dated into November and recorded after it became final counts in December
    const section = log.events.find((e) => e.type === 'DraftSubmitted' && (e.data as { unitId: string }).unitId === SECTION && e.streamId !== log.events.find((x) => x.type === 'DraftAdopted')!.streamId)!.streamId;
    adopt(log, section, '2026-11-20T02:00:00.000Z', '2026-12-02T02:00:00.000Z');
    const dump = await build([log.events]);
    expect(report(dump).find((r) => r.unitId === SECTION)).toMatchObject({ status: 'final', adopted: 1, carriedIn: 0 });
    expect(report(dump, '2026-12').find((r) => r.unitId === SECTION)).toMatchObject({ status: 'provisional', adopted: 1, carriedIn: 1 });
  }, 60_000);
});
