import { Scheduler } from '@app/scheduler';
import { loadExamplePolicy } from '@app/policies/testing';
import type { DemoOrganization } from '@app/organization';
import { AuthHeaders, bearer, demoAuth, publishPolicy, seedDemo, startTestApp, TestApp } from '@test/support';

/**
 * Incidents through HTTP on the embedded default (regulations §5). The policy is county-emergency-001I (R5.12:
 * phone within 20 minutes, written within 2 hours; R5.27: the leader approves an external report with one unified
 * wording) with the first-report elements of county-government-002B and a reminder 30 minutes before each due.
 * The test clock stands still: the scheduler appends DeadlineElapsed only when the spec calls tick().
 */
describe('incidents (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let auth: Record<string, AuthHeaders>;
  let scheduler: Scheduler;
  const now = '2026-03-02T01:00:00.000Z'; // the test clock: Monday 09:00 in Beijing
  const occurredAt = '2026-03-02T00:45:00.000Z';

  beforeAll(async () => {
    t = await startTestApp();
    demo = await seedDemo(t);
    auth = await demoAuth(t, demo);
    const base = loadExamplePolicy('county-emergency-001I.json');
    const government = loadExamplePolicy('county-government-002B.json');
    await publishPolicy(t, bearer(t.adminToken), {
      ...base,
      id: 'incidents-e2e',
      rules: { incidentRules: { ...base.rules.incidentRules!, requiredElements: government.rules.incidentRules!.requiredElements, remindBefore: { unit: 'minutes', amount: 30 } } },
    });
    scheduler = t.app.get(Scheduler);
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  const firstReport = (extra: Record<string, unknown> = {}) => ({
    unitId: demo.units.command,
    title: '辖区路口两车相撞致一人受伤',
    categoryKey: 'casualty',
    occurredAt,
    reportedAt: '2026-03-02T00:55:00.000Z',
    channel: 'phone',
    place: '人民路与解放路交叉口',
    course: '两车相撞,一人受伤送医',
    casualties: { deaths: 0, injured: 1, hospitalisedDays: 2 },
    directLossYuan: 8000,
    measures: '现场已疏导',
    contact: { name: '冯值班长', phone: '0632-1234567' },
    ...extra,
  });
  const get = async (id: string) => (await t.http.get(`/v1/incidents/${id}`).set(auth.duty_officer!).expect(200)).body;

  it('report -> written -> follow-up -> approval -> escalation -> instruction -> follow-up -> final -> close', async () => {
    const duty = auth.duty_officer!;
    const created = await t.http.post('/v1/incidents').set(duty).send(firstReport()).expect(201);
    const id = created.body.incidentId as string;
    expect(created.headers.location).toBe(`/v1/incidents/${id}`);
    await t.settle();
    let detail = await get(id);
    expect(detail).toMatchObject({ status: 'open', severity: 'major', thresholdsReached: ['injured>=1', 'hospitalisedDays>=1'], policy: { policyId: 'incidents-e2e' } });
    // R5.12: reported 10 minutes after the event (on time: within 20); written due 2 hours after it, reminder 30 minutes before
    expect(detail.steps[0]).toMatchObject({ key: 'first_report', status: 'on_time' });
    expect(detail.dues).toEqual([{ step: 'written_report', key: 'written_report', deadlineId: expect.any(String), dueAt: '2026-03-02T02:45:00.000Z', remindAt: '2026-03-02T02:15:00.000Z', missed: false, provisional: null }]);

    await t.http.post(`/v1/incidents/${id}/written-report`).set(duty).send({ course: '经过', cause: '闯红灯', measures: '已送医', signer: '李科长', casualties: { deaths: 0, injured: 1, hospitalisedDays: 2 }, directLossYuan: 8000 }).expect(200);
    await t.http.post(`/v1/incidents/${id}/follow-ups`).set(duty).send({ progress: '伤员已脱离危险', measures: '调查中' }).expect(200);
    // R5.27: the report leaves the institution only after the principal leader approves one wording
    await t.http.post(`/v1/incidents/${id}/escalations`).set(duty).send({ toUnitId: demo.units.bureau }).expect(200);
    const refused = await t.http.post(`/v1/incidents/${id}/escalations`).set(duty).send({ recipient: '市委办公室' }).expect(409);
    expect(refused.body.type).toBe('urn:baosong:problem:incident-external-approval-required');
    await t.http.post(`/v1/incidents/${id}/external-approval`).set(auth.principal_leader!).send({ wording: '3月2日8时45分,人民路发生一起交通事故,1人受伤,已送医救治。' }).expect(200);
    await t.http.post(`/v1/incidents/${id}/escalations`).set(duty).send({ recipient: '市委办公室' }).expect(200);
    const instruction = await t.http.post(`/v1/incidents/${id}/instructions`).set(auth.leader_in_charge!).send({ text: '全力救治伤员,查明原因' }).expect(200);
    const instructionId = instruction.body.instructionId as string;
    await t.http.post(`/v1/incidents/${id}/instructions/${instructionId}/follow-up`).set(duty).send({ response: '已落实' }).expect(200);
    await t.http.post(`/v1/incidents/${id}/close`).set(auth.principal_leader!).send({}).expect(409);
    await t.http.post(`/v1/incidents/${id}/final-report`).set(duty).send({ summary: '终报', cause: '闯红灯', consequences: '一人受伤', lessons: '加强路口管控' }).expect(200);
    await t.http.post(`/v1/incidents/${id}/close`).set(auth.principal_leader!).send({ reason: '处置完毕' }).expect(200);
    await t.settle();

    detail = await get(id);
    expect(detail).toMatchObject({ status: 'closed', dues: [], levelUnitId: demo.units.bureau, approval: { approvedBy: demo.byRole.principal_leader.memberId } });
    expect(detail.steps.map((s: { key: string; status: string }) => [s.key, s.status])).toEqual([
      ['first_report', 'on_time'],
      ['written_report', 'on_time'],
      ['follow_up-1', 'on_time'],
    ]);
    expect(detail.escalations).toMatchObject([
      { fromUnitId: demo.units.command, toUnitId: demo.units.bureau, skippedUnitIds: [], external: false },
      { fromUnitId: demo.units.bureau, external: true, recipient: '市委办公室' },
    ]);
    expect(detail.instructions).toMatchObject([{ instructionId, followUps: [{ response: '已落实' }] }]);
    const history = (await t.http.get(`/v1/incidents/${id}/history`).set(auth.auditor!).expect(200)).body;
    expect(history.map((h: { type: string }) => h.type)).toEqual([
      'IncidentReported',
      'DeadlineScheduled',
      'DeadlineScheduled',
      'IncidentWrittenReportFiled',
      'DeadlineCancelled',
      'DeadlineCancelled',
      'IncidentFollowUpReported',
      'IncidentEscalated',
      'IncidentExternalReportApproved',
      'IncidentEscalated',
      'IncidentInstructionGiven',
      'IncidentInstructionFollowedUp',
      'IncidentFinalReportFiled',
      'IncidentClosed',
    ]);
    const listed = (await t.http.get(`/v1/incidents?unitId=${demo.units.command}&status=closed`).set(duty).expect(200)).body;
    expect(listed.items.map((i: { incidentId: string }) => i.incidentId)).toContain(id);
  });

  it('403 for a duty officer reporting for another unit; 400 and 422 problem+json name the fields', async () => {
    const forbidden = await t.http.post('/v1/incidents').set(auth.duty_officer!).send(firstReport({ unitId: demo.units.criminal })).expect(403);
    expect(forbidden.headers['content-type']).toMatch(/application\/problem\+json/);
    const invalid = await t.http.post('/v1/incidents').set(auth.duty_officer!).send(firstReport({ occurredAt: 'yesterday', channel: 'fax' })).expect(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['channel', 'occurredAt']);
    // the policy's requiredElements.firstReport (R5.25): occurredAt, place, course, measures
    const missing = await t.http.post('/v1/incidents').set(auth.duty_officer!).send(firstReport({ place: null, course: '', measures: undefined })).expect(422);
    expect(missing.body).toMatchObject({ type: 'urn:baosong:problem:incident-elements-missing', fields: ['place', 'course', 'measures'] });
    const unknown = await t.http.post('/v1/incidents').set(auth.duty_officer!).send(firstReport({ categoryKey: 'flood' })).expect(422);
    expect(unknown.body.type).toBe('urn:baosong:problem:incident-category-unknown');
    const future = await t.http.post('/v1/incidents').set(auth.duty_officer!).send(firstReport({ reportedAt: '2026-03-02T02:00:00.000Z' })).expect(422);
    expect(future.body).toMatchObject({ type: 'urn:baosong:problem:incident-times-out-of-order', field: 'reportedAt' });
    // level by level (001-I): from the command centre, the bureau is the parent; skipping is refused
    const id = (await t.http.post('/v1/incidents').set(auth.duty_officer!).send(firstReport()).expect(201)).body.incidentId;
    const notUp = await t.http.post(`/v1/incidents/${id}/escalations`).set(auth.duty_officer!).send({ toUnitId: demo.units.criminal, emergency: true }).expect(422);
    expect(notUp.body.type).toBe('urn:baosong:problem:incident-escalation-not-upward');
    // the head of the criminal brigade is not the reporting unit's: 403 on its incident
    await t.http.post(`/v1/incidents/${id}/follow-ups`).set(auth['unit_head@刑侦大队']!).send({ progress: 'x', measures: 'y' }).expect(403);
    await t.http.post(`/v1/incidents/${id}/instructions`).set(auth.duty_officer!).send({ text: '批示' }).expect(403);
  });

  it('the scheduler\'s DeadlineElapsed makes the written report\'s due missed: the incident is overdue', async () => {
    t.clock.set(now);
    const id = (await t.http.post('/v1/incidents').set(auth.duty_officer!).send(firstReport()).expect(201)).body.incidentId as string;
    await t.settle();
    expect((await get(id)).dues[0]).toMatchObject({ missed: false });
    t.clock.set('2026-03-02T02:44:59.000Z'); // the reminder (02:15) has gone, the due (02:45) not yet
    await scheduler.tick();
    await t.settle();
    expect((await get(id)).dues[0]).toMatchObject({ missed: false });
    t.clock.set('2026-03-02T03:00:00.000Z');
    await scheduler.tick();
    await t.settle();
    const detail = await get(id);
    expect(detail.dues[0]).toMatchObject({ step: 'written_report', dueAt: '2026-03-02T02:45:00.000Z', missed: true });
    expect(detail.steps[1]).toMatchObject({ status: 'missed', remindedAt: '2026-03-02T02:15:00.000Z' });
    const overdue = (await t.http.get(`/v1/incidents?unitId=${demo.units.command}&overdue=true`).set(auth.duty_officer!).expect(200)).body;
    expect(overdue.items.map((i: { incidentId: string }) => i.incidentId)).toContain(id);
    // the written report carries the elements county-government-002B asks of it (casualties and direct loss among them)
    const incomplete = await t.http.post(`/v1/incidents/${id}/written-report`).set(auth.duty_officer!).send({ course: '经过', cause: '原因', measures: '措施', signer: '李科长' }).expect(422);
    expect(incomplete.body).toMatchObject({ type: 'urn:baosong:problem:incident-elements-missing', fields: ['casualties', 'directLossYuan'] });
    // filed late: 15 minutes after its due; no longer overdue
    const complete = { course: '经过', cause: '原因', measures: '措施', signer: '李科长', casualties: { deaths: 0, injured: 1, hospitalisedDays: 2 }, directLossYuan: 8000 };
    await t.http.post(`/v1/incidents/${id}/written-report`).set(auth.duty_officer!).send(complete).expect(200);
    await t.settle();
    expect((await get(id)).steps[1]).toMatchObject({ status: 'late', lateByMinutes: 15 });
    const after = (await t.http.get(`/v1/incidents?unitId=${demo.units.command}&overdue=true`).set(auth.duty_officer!).expect(200)).body;
    expect(after.items.map((i: { incidentId: string }) => i.incidentId)).not.toContain(id);
    t.clock.set(now);
  });
});
