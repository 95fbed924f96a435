import type { PoolClient } from 'pg';
import { fold } from '@app/kernel';
import { applyInSchema, dumpSchema, EventLog } from '@app/projections';
import { compilePolicy } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { createTestDatabase, TestDatabase } from '@test/support';
import { IncidentCommand, incidentDeadlineId, incidentDecider, ReportIncidentCommand } from '../domain/incident.decider';
import { incidentStream, IncidentStreamEvent } from '../domain/incident.events';
import type { IncidentView } from './incident-view';
import { incidentsProjection } from './incidents.projection';

const lawEnforcement = compilePolicy(loadExamplePolicy('law-enforcement-bureau-001C.json')); // R5.13: written within 1 working day
const friday = '2026-04-03T02:00:00.000Z';
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const report = (incidentId: string, reportedAfter: number): ReportIncidentCommand => ({
  type: 'ReportIncident',
  incidentId,
  unitId: 'u-squad',
  title: '交通事故',
  categoryKey: 'casualty',
  occurredAt: friday,
  discoveredAt: friday,
  reportedAt: plus(friday, reportedAfter),
  channel: 'phone',
  place: '人民路',
  unitsInvolved: [],
  peopleInvolved: [],
  course: '两车相撞',
  casualties: { deaths: 0, injured: 1, hospitalisedDays: 2 },
  directLossYuan: 100,
  cause: null,
  measures: null,
  signer: null,
  contact: { name: '王', phone: '1' },
  policy: lawEnforcement,
  actorId: 'duty-1',
  now: plus(friday, reportedAfter),
});
const written = (now: string): IncidentCommand => ({ type: 'FileWrittenReport', policy: lawEnforcement, course: '经过', casualties: null, directLossYuan: 100, cause: '原因', measures: '措施', signer: '签发', actorId: 'duty-1', now });
const DUE = '2026-04-07T15:59:59.999Z';

/**
 * Two incidents of the same Friday (R5.13: written report due on Tuesday 7 April after the Qingming holiday): i1's
 * written report is missed (the scheduler's DeadlineElapsed), then filed late; i2's is filed on time and the incident
 * runs to its close; a commission's DeadlineElapsed in its own stream is not the incidents' business.
 */
function incidentLog(elapseUpTo = Infinity): EventLog {
  const log = new EventLog();
  const streams = new Map<string, IncidentStreamEvent[]>();
  const run = (id: string, c: IncidentCommand) => {
    const history = streams.get(id) ?? [];
    for (const e of incidentDecider.decide(c, fold(incidentDecider, history))) {
      history.push(e);
      log.append(incidentStream(id), e.type, e.data);
    }
    streams.set(id, history);
  };
  const elapse = (id: string, kind: string, dueAt: string) => {
    const e: IncidentStreamEvent = { type: 'DeadlineElapsed', data: { deadlineId: incidentDeadlineId(id, kind), dueAt, kind, subject: incidentStream(id) } };
    streams.get(id)!.push(e);
    log.append(incidentStream(id), e.type, e.data);
  };
  run('i1', report('i1', 30));
  run('i2', report('i2', 200));
  log.append('commission-c1', 'DeadlineElapsed', { deadlineId: 'x', dueAt: friday, kind: 'commission-deadline', subject: 'commission-c1' });
  run('i2', written('2026-04-07T03:00:00.000Z'));
  run('i2', { type: 'GiveInstruction', instructionId: 'ins-1', text: '妥善处置', actorId: 'leader', now: '2026-04-07T04:00:00.000Z' });
  run('i2', { type: 'FollowUpInstruction', instructionId: 'ins-1', response: '已落实', actorId: 'duty-1', now: '2026-04-07T05:00:00.000Z' });
  elapse('i1', 'incident-written_report:reminder', '2026-04-07T13:59:59.999Z');
  if (elapseUpTo > 0) elapse('i1', 'incident-written_report', DUE);
  if (elapseUpTo > 1) run('i1', written('2026-04-08T01:00:00.000Z'));
  run('i2', { type: 'FileFinalReport', summary: '终报', cause: '原因', consequences: '后果', lessons: '教训', casualties: null, directLossYuan: 100, actorId: 'duty-1', now: '2026-04-08T02:00:00.000Z' });
  run('i2', { type: 'CloseIncident', reason: null, actorId: 'leader', now: '2026-04-08T03:00:00.000Z' });
  return log;
}

const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

describe('incidents projection (the incident read model)', () => {
  let db: TestDatabase;
  let client: PoolClient;
  let schemas = 0;
  const build = async (batches: readonly (readonly EventLog['events'][number][])[]) => {
    const schema = `incidents_${++schemas}`;
    await applyInSchema(client, incidentsProjection, schema, batches);
    return dumpSchema(client, incidentsProjection, schema);
  };
  const views = (dump: Record<string, unknown[]>) => new Map((dump.incidents as { incident_id: string; view: IncidentView; overdue: boolean }[]).map((r) => [r.incident_id, r]));

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, poolSize: 1 });
    client = await db.pool.connect();
  });
  afterAll(async () => {
    client.release();
    await db.drop();
  });

  it('live in any batching, event by event and with a redelivered batch, equals a rebuild in one batch (replaying the log gives the same verdicts)', async () => {
    const { events } = incidentLog();
    const rebuilt = await build([events]);
    expect(await build(chunks(events, 3))).toEqual(rebuilt);
    expect(await build(chunks(events, 1))).toEqual(rebuilt);
    expect(await build([events.slice(0, 8), events.slice(3), events.slice(5, 12)])).toEqual(rebuilt);
    // a redelivered batch that overlaps the next (instructions, filings already folded) adds nothing twice
    expect(await build([events.slice(0, 12), events.slice(8)])).toEqual(rebuilt);
    expect(await build([events.slice(0, 12), events.slice(9, 12), events.slice(12)])).toEqual(rebuilt);
    const rows = views(rebuilt);
    expect(rows.get('i1')!.view.steps.map((s) => [s.key, s.status, s.lateByMinutes])).toEqual([
      ['first_report', 'on_time', 0],
      ['written_report', 'late', 541],
    ]);
    expect(rows.get('i2')!.view).toMatchObject({ status: 'closed', instructions: [{ instructionId: 'ins-1', followUps: [{ response: '已落实' }] }] });
    expect(rows.get('i2')!.view.steps.map((s) => [s.key, s.status])).toEqual([
      ['first_report', 'late'],
      ['written_report', 'on_time'],
    ]);
    // the timeline holds every event of both incident streams, none of the commission's
    expect(rebuilt.incident_timeline).toHaveLength(events.filter((e) => e.streamId.startsWith('incident-')).length);
  });

  it('DeadlineElapsed turns a due into missed (overdue) until it is filed; before it, the due is pending with its time', async () => {
    const before = views(await build([incidentLog(0).events]));
    expect(before.get('i1')).toMatchObject({ overdue: false, view: { steps: [{ key: 'first_report' }, { key: 'written_report', status: 'pending', dueAt: DUE, remindedAt: '2026-04-07T13:59:59.999Z' }] } });
    const missed = views(await build([incidentLog(1).events]));
    expect(missed.get('i1')).toMatchObject({ overdue: true, next_due_at: expect.stringContaining('2026-04-07T15:59:59.999'), view: { steps: [{}, { key: 'written_report', status: 'missed' }] } });
    const filed = views(await build([incidentLog(2).events]));
    expect(filed.get('i1')).toMatchObject({ overdue: false, next_due_at: null });
  });
});
