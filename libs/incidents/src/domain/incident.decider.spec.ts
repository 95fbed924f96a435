import { DeadlineElapsed, fold, InvalidState, NotFound, RuleViolation } from '@app/kernel';
import { spec } from '@app/kernel/testing';
import { compilePolicy, PolicyDocument } from '@app/policies';
import { loadExamplePolicy } from '@app/policies/testing';
import { IncidentCommand, incidentDeadlineId, incidentDecider, ReportIncidentCommand } from './incident.decider';
import { incidentReminderKind, incidentStream, IncidentStreamEvent } from './incident.events';

const policy = (file: string) => compilePolicy(loadExamplePolicy(file));
const school = policy('school-accident-000I.json'); // R5.11: 10 minutes / 1 hour, skipping allowed in emergencies
const emergency = policy('county-emergency-001I.json'); // R5.12: 20 minutes / 2 hours, external report approved
const government = policy('county-government-002B.json'); // R5.35: late after 2 h, concealed after 10 h
const lawEnforcement = policy('law-enforcement-bureau-001C.json'); // R5.13: written within 1 working day
const discipline = policy('discipline-case-report-004-07.json'); // R4.28: case report within 3 days of 立案

const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const occurredAt = '2026-03-02T01:00:00.000Z'; // Monday 09:00 in Beijing

const reportCmd = (over: Partial<ReportIncidentCommand> = {}): ReportIncidentCommand => ({
  type: 'ReportIncident',
  incidentId: 'i1',
  unitId: 'u-squad',
  title: '某路段交通事故',
  categoryKey: 'casualty',
  occurredAt,
  discoveredAt: occurredAt,
  reportedAt: plus(occurredAt, 5),
  channel: 'phone',
  place: '人民路与解放路交叉口',
  unitsInvolved: ['交警大队一中队'],
  peopleInvolved: ['张某'],
  course: '两车相撞,一人受伤送医',
  casualties: { deaths: 0, injured: 1, hospitalisedDays: 1 },
  directLossYuan: 3000,
  cause: '闯红灯',
  measures: '现场已疏导',
  signer: '李中队长',
  contact: { name: '王值班', phone: '0632-1234567' },
  policy: school,
  actorId: 'duty-1',
  now: plus(occurredAt, 6),
  ...over,
});

/** The events a report appends, as the stream would hold them. */
const reported = (over: Partial<ReportIncidentCommand> = {}): IncidentStreamEvent[] => incidentDecider.decide(reportCmd(over), incidentDecider.initialState());
const first = (over: Partial<ReportIncidentCommand> = {}) => {
  const e = reported(over)[0]!;
  if (e.type !== 'IncidentReported') throw new Error('expected IncidentReported');
  return e.data;
};
const after = (history: IncidentStreamEvent[], command: IncidentCommand) => [...history, ...incidentDecider.decide(command, fold(incidentDecider, history))];

describe('incident decider (突发事件, regulations §5)', () => {
  describe('deadline variants of the sources', () => {
    it('R5.11 (school-accident-000I): first report within 10 minutes, written draft within 1 hour', () => {
      expect(first({ reportedAt: plus(occurredAt, 10), now: plus(occurredAt, 10) }).firstReport).toEqual({ verdict: 'on_time', dueAt: plus(occurredAt, 10), lateByMinutes: 0 });
      expect(first({ reportedAt: plus(occurredAt, 11), now: plus(occurredAt, 11) }).firstReport).toEqual({ verdict: 'late', dueAt: plus(occurredAt, 10), lateByMinutes: 1 });
      expect(first({ reportedAt: plus(occurredAt, 61), now: plus(occurredAt, 61) }).firstReport.verdict).toBe('concealed');
      expect(first().dues).toEqual([{ step: 'written_report', deadlineId: incidentDeadlineId('i1', 'incident-written_report'), dueAt: plus(occurredAt, 60), remindAt: null, provisional: null }]);
    });

    it('R5.12 (county-emergency-001I): phone within 20 minutes, written within 2 hours', () => {
      const d = first({ policy: emergency, reportedAt: plus(occurredAt, 20), now: plus(occurredAt, 20) });
      expect(d.firstReport).toEqual({ verdict: 'on_time', dueAt: plus(occurredAt, 20), lateByMinutes: 0 });
      expect(d.dues[0]!.dueAt).toBe(plus(occurredAt, 120));
      expect(first({ policy: emergency, reportedAt: plus(occurredAt, 21), now: plus(occurredAt, 21) }).firstReport).toMatchObject({ verdict: 'late', lateByMinutes: 1 });
    });

    it.each([
      [120, 'on_time', 0],
      [121, 'late', 1],
      [600, 'late', 480],
      [601, 'concealed', 481],
    ])('R5.35 (county-government-002B): reported %i minutes after the event is %s (late after 2 h, concealed after 10 h)', (minutes, verdict, lateBy) => {
      const at = plus(occurredAt, minutes);
      expect(first({ policy: government, reportedAt: at, now: at }).firstReport).toEqual({ verdict, dueAt: plus(occurredAt, 120), lateByMinutes: lateBy });
    });

    it('R5.13 (law-enforcement-bureau-001C): written within 1 working day; an incident on the Friday before the Qingming Monday (2026-04-06) is due on Tuesday', () => {
      const friday = '2026-04-03T02:00:00.000Z'; // Friday 10:00 in Beijing; Sat 4, Sun 5, Mon 6 April are holidays
      const d = first({ policy: lawEnforcement, occurredAt: friday, discoveredAt: friday, reportedAt: plus(friday, 30), now: plus(friday, 30) });
      expect(d.dues[0]!.dueAt).toBe('2026-04-07T15:59:59.999Z'); // Tuesday 7 April, end of day in Beijing
    });

    it('R5.13: across the Dragon Boat holiday (Friday 2026-06-19) and the weekend, an incident on Thursday is due on Monday 22 June', () => {
      const thursday = '2026-06-18T02:00:00.000Z';
      expect(first({ policy: lawEnforcement, occurredAt: thursday, discoveredAt: thursday, reportedAt: plus(thursday, 30), now: plus(thursday, 30) }).dues[0]!.dueAt).toBe('2026-06-22T15:59:59.999Z');
    });

    it('R4.28 (discipline-case-report-004-07): the case report is due within 3 days of 立案; a report on the fourth day is late', () => {
      const history = reported({ policy: discipline, categoryKey: 'discipline-case', reportedAt: plus(occurredAt, 30), now: plus(occurredAt, 30) });
      const filedAt = '2026-03-02T02:00:00.000Z'; // Monday 10:00 in Beijing
      const withCase = after(history, { type: 'FileCase', policy: discipline, caseNumber: '纪立〔2026〕3号', filedAt, actorId: 'duty-1', now: plus(filedAt, 60) });
      const caseFiled = withCase.find((e) => e.type === 'IncidentCaseFiled')!;
      const dueAt = '2026-03-05T15:59:59.999Z'; // Thursday 5 March, end of day in Beijing
      expect(caseFiled.data).toMatchObject({ due: { step: 'case_report', dueAt } });
      expect(withCase.filter((e) => e.type === 'DeadlineScheduled').map((e) => (e.data as { kind: string }).kind)).toContain('incident-case_report');
      const onTime = after(withCase, { type: 'ReportCase', summary: '案件基本情况', actorId: 'duty-1', now: '2026-03-05T15:00:00.000Z' });
      expect(onTime.find((e) => e.type === 'IncidentCaseReported')!.data).toMatchObject({ verdict: { verdict: 'on_time', dueAt, lateByMinutes: 0 } });
      const late = after(withCase, { type: 'ReportCase', summary: '案件基本情况', actorId: 'duty-1', now: '2026-03-05T17:00:00.000Z' });
      expect(late.find((e) => e.type === 'IncidentCaseReported')!.data).toMatchObject({ verdict: { verdict: 'late', lateByMinutes: 61 } });
    });
  });

  describe('severity from the category thresholds (R5.01)', () => {
    it.each([
      ['casualty', { deaths: 0, injured: 1, hospitalisedDays: 1 }, 0, 'major', ['injured>=1', 'hospitalisedDays>=1']],
      ['casualty', { deaths: 0, injured: 1, hospitalisedDays: 0 }, 0, 'general', ['injured>=1']],
      ['casualty', { deaths: 0, injured: 0, hospitalisedDays: 0 }, 0, 'general', []],
      ['property', null, 500, 'major', ['lossYuan>=500']],
      ['property', null, 499, 'general', []],
    ] as const)('%s with casualties %j and loss %i yuan (inclusive boundaries): %s', (categoryKey, casualties, loss, severity, reached) => {
      const d = first({ policy: government, categoryKey, casualties: casualties as never, directLossYuan: loss, reportedAt: plus(occurredAt, 30), now: plus(occurredAt, 30) });
      expect([d.severity, d.thresholdsReached, d.categoryPath]).toEqual([severity, reached, [categoryKey]]);
    });

    it('under an exclusive boundary 500 yuan is general and 501 major', () => {
      const doc = loadExamplePolicy('county-government-002B.json') as PolicyDocument & { rules: { incidentRules: { categories: { key: string; thresholds?: { boundary: string }[] }[] } } };
      for (const c of doc.rules.incidentRules.categories) for (const th of c.thresholds ?? []) th.boundary = 'exclusive';
      const exclusive = compilePolicy(doc);
      const at = { reportedAt: plus(occurredAt, 30), now: plus(occurredAt, 30), policy: exclusive, categoryKey: 'property' };
      expect(first({ ...at, directLossYuan: 500 }).severity).toBe('general');
      expect(first({ ...at, directLossYuan: 501 })).toMatchObject({ severity: 'major', thresholdsReached: ['lossYuan>500'] });
    });

    it('refuses a category that is not in the policy\'s tree', () => {
      spec(incidentDecider).given([]).when(reportCmd({ categoryKey: 'flood' })).thenThrows(RuleViolation, 'incident-category-unknown');
    });
  });

  describe('required elements and times', () => {
    it('a first report without the elements county-government-002B requires is a 422 naming each field', () => {
      let caught: RuleViolation | undefined;
      try {
        incidentDecider.decide(reportCmd({ policy: government, place: '', course: null, measures: ' ', reportedAt: plus(occurredAt, 30), now: plus(occurredAt, 30) }), { status: 'none' });
      } catch (e) {
        caught = e as RuleViolation;
      }
      expect(caught).toBeInstanceOf(RuleViolation);
      expect(caught!.code).toBe('incident-elements-missing');
      expect(caught!.details).toMatchObject({ fields: ['place', 'course', 'measures'] });
    });

    it('a written report without the elements county-government-002B requires of it (casualties, direct loss, signer) names them', () => {
      const history = reported({ policy: government, reportedAt: plus(occurredAt, 30), now: plus(occurredAt, 30) });
      const cmd: IncidentCommand = { type: 'FileWrittenReport', policy: government, course: '经过', casualties: null, directLossYuan: null, cause: '原因', measures: '措施', signer: '', actorId: 'duty-1', now: plus(occurredAt, 60) };
      spec(incidentDecider).given(history).when(cmd).thenThrows(RuleViolation, 'incident-elements-missing');
      try {
        incidentDecider.decide(cmd, fold(incidentDecider, history));
      } catch (e) {
        expect((e as RuleViolation).details).toMatchObject({ fields: ['casualties', 'directLossYuan', 'signer'] });
      }
    });

    it('the school policy requires none: the same report is accepted', () => {
      expect(first({ place: '', course: null, measures: null }).place).toBe('');
    });

    it.each([
      ['discoveredAt before occurredAt', { discoveredAt: plus(occurredAt, -1) }, 'discoveredAt'],
      ['reportedAt before discoveredAt', { discoveredAt: plus(occurredAt, 10), reportedAt: plus(occurredAt, 5) }, 'reportedAt'],
      ['reportedAt after now', { reportedAt: plus(occurredAt, 30), now: plus(occurredAt, 20) }, 'reportedAt'],
    ])('refuses %s', (_, over, field) => {
      let caught: RuleViolation | undefined;
      try {
        incidentDecider.decide(reportCmd(over), { status: 'none' });
      } catch (e) {
        caught = e as RuleViolation;
      }
      expect([caught?.code, caught?.details.field]).toEqual(['incident-times-out-of-order', field]);
    });

    it('counts from discovery when the policy says countFrom: discovered', () => {
      const doc = { ...loadExamplePolicy('county-government-002B.json') };
      const fromDiscovery = compilePolicy({ ...doc, rules: { ...doc.rules, incidentRules: { ...doc.rules.incidentRules!, countFrom: 'discovered' } } });
      const d = first({ policy: fromDiscovery, discoveredAt: plus(occurredAt, 300), reportedAt: plus(occurredAt, 400), now: plus(occurredAt, 400) });
      expect(d.firstReport).toEqual({ verdict: 'on_time', dueAt: plus(occurredAt, 420), lateByMinutes: 0 });
    });
  });

  describe('deadlines registered, withdrawn and elapsed', () => {
    const friday = '2026-04-03T02:00:00.000Z';
    const base = { policy: lawEnforcement, occurredAt: friday, discoveredAt: friday, reportedAt: plus(friday, 30), now: plus(friday, 30) };
    const writtenKind = 'incident-written_report';
    const dueId = incidentDeadlineId('i1', writtenKind);
    const reminderId = incidentDeadlineId('i1', incidentReminderKind(writtenKind));
    const written = (now: string): IncidentCommand => ({ type: 'FileWrittenReport', policy: lawEnforcement, course: '经过', casualties: null, directLossYuan: 0, cause: '原因', measures: '措施', signer: '签发人', actorId: 'duty-1', now });

    it('reporting registers the written report\'s due and its reminder (remindBefore 2 h) in the incident\'s stream', () => {
      const events = reported(base);
      expect(events.slice(1)).toEqual([
        { type: 'DeadlineScheduled', data: { deadlineId: dueId, dueAt: '2026-04-07T15:59:59.999Z', kind: writtenKind, subject: incidentStream('i1') } },
        { type: 'DeadlineScheduled', data: { deadlineId: reminderId, dueAt: '2026-04-07T13:59:59.999Z', kind: 'incident-written_report:reminder', subject: incidentStream('i1') } },
      ]);
    });

    it('no reminder when its time is already past when the report is recorded', () => {
      const late = { ...base, reportedAt: '2026-04-07T14:30:00.000Z', now: '2026-04-07T14:30:00.000Z' };
      expect(reported(late).filter((e) => e.type === 'DeadlineScheduled')).toHaveLength(1);
      expect(first(late).dues[0]!.remindAt).toBeNull();
    });

    it('filing the written report on time withdraws its due and reminder', () => {
      const events = after(reported(base), written('2026-04-07T10:00:00.000Z'));
      expect(events.slice(3)).toEqual([
        expect.objectContaining({ type: 'IncidentWrittenReportFiled', data: expect.objectContaining({ verdict: { verdict: 'on_time', dueAt: '2026-04-07T15:59:59.999Z', lateByMinutes: 0 } }) }),
        { type: 'DeadlineCancelled', data: { deadlineId: dueId, kind: writtenKind, subject: incidentStream('i1'), reason: 'written-report-filed', cancelledAt: '2026-04-07T10:00:00.000Z' } },
        { type: 'DeadlineCancelled', data: { deadlineId: reminderId, kind: 'incident-written_report:reminder', subject: incidentStream('i1'), reason: 'written-report-filed', cancelledAt: '2026-04-07T10:00:00.000Z' } },
      ]);
    });

    it('after DeadlineElapsed the filing is late, and only what is still scheduled is withdrawn', () => {
      const history = reported(base);
      const elapsed = (deadlineId: string, kind: string, dueAt: string): DeadlineElapsed => ({ type: 'DeadlineElapsed', data: { deadlineId, kind, dueAt, subject: incidentStream('i1') } });
      const withElapsed = [...history, elapsed(reminderId, 'incident-written_report:reminder', '2026-04-07T13:59:59.999Z'), elapsed(dueId, writtenKind, '2026-04-07T15:59:59.999Z')];
      const events = after(withElapsed, written('2026-04-08T01:00:00.000Z')).slice(withElapsed.length);
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toMatchObject({ verdict: { verdict: 'late', lateByMinutes: 541 } });
    });

    it('a second written report is refused', () => {
      spec(incidentDecider).given(after(reported(base), written('2026-04-07T10:00:00.000Z'))).when(written('2026-04-07T11:00:00.000Z')).thenThrows(InvalidState, 'incident-written-report-filed');
    });

    it('closing withdraws whatever is still scheduled, and only after the final report (终报)', () => {
      const history = reported(base);
      const close: IncidentCommand = { type: 'CloseIncident', reason: null, actorId: 'leader', now: plus(friday, 90) };
      spec(incidentDecider).given(history).when(close).thenThrows(InvalidState, 'incident-final-report-missing');
      const final = after(history, { type: 'FileFinalReport', summary: '终报', cause: '原因', consequences: '后果', lessons: '教训', casualties: null, directLossYuan: 0, actorId: 'duty-1', now: plus(friday, 60) });
      const closed = after(final, close).slice(final.length);
      expect(closed.map((e) => [e.type, (e.data as { deadlineId?: string }).deadlineId])).toEqual([
        ['IncidentClosed', undefined],
        ['DeadlineCancelled', dueId],
        ['DeadlineCancelled', reminderId],
      ]);
      spec(incidentDecider).given([...final, ...closed]).when(written(plus(friday, 100))).thenThrows(InvalidState, 'incident-closed');
    });

    it('an incident that does not exist is a 404', () => {
      spec(incidentDecider).given([]).when(written(plus(friday, 100))).thenThrows(NotFound);
    });
  });

  describe('escalation (R5.32) and the external report (R5.27)', () => {
    const lineage = ['u-squad', 'u-brigade', 'u-bureau'];
    const escalate = (policy: typeof school, toUnitId: string | null, emergency: boolean, extra: Partial<{ lineage: string[]; recipient: string }> = {}): IncidentCommand => ({
      type: 'Escalate',
      policy,
      lineage: extra.lineage ?? lineage,
      toUnitId,
      recipient: extra.recipient ?? null,
      emergency,
      reason: null,
      actorId: 'head-1',
      now: plus(occurredAt, 30),
    });

    it('level by level: the parent is accepted; skipping is refused even in an emergency (county-government-002B: 越级 forbidden)', () => {
      const history = reported({ policy: government, reportedAt: plus(occurredAt, 20), now: plus(occurredAt, 20) });
      spec(incidentDecider).given(history).when(escalate(government, 'u-brigade', false)).thenMatches((events) => expect(events[0]!.data).toMatchObject({ fromUnitId: 'u-squad', toUnitId: 'u-brigade', skippedUnitIds: [] }));
      spec(incidentDecider).given(history).when(escalate(government, 'u-bureau', true)).thenThrows(RuleViolation, 'incident-escalation-skips-levels');
    });

    it('skip_allowed_in_emergencies (school-accident-000I): skipping needs emergency; with it the skipped units are recorded', () => {
      const history = reported();
      spec(incidentDecider).given(history).when(escalate(school, 'u-bureau', false)).thenThrows(RuleViolation, 'incident-escalation-skips-levels');
      spec(incidentDecider).given(history).when(escalate(school, 'u-bureau', true)).thenMatches((events) => expect(events[0]!.data).toMatchObject({ toUnitId: 'u-bureau', skippedUnitIds: ['u-brigade'], emergency: true }));
    });

    it('refuses a target that is not above the current level, and a lineage that does not start at the current level', () => {
      const history = reported();
      spec(incidentDecider).given(history).when(escalate(school, 'u-elsewhere', true)).thenThrows(RuleViolation, 'incident-escalation-not-upward');
      const atBrigade = after(history, escalate(school, 'u-brigade', false));
      spec(incidentDecider).given(atBrigade).when(escalate(school, 'u-bureau', false)).thenThrows(InvalidState, 'incident-level-changed');
      spec(incidentDecider).given(atBrigade).when(escalate(school, 'u-bureau', false, { lineage: ['u-brigade', 'u-bureau'] })).thenMatches((events) => expect(events[0]!.data).toMatchObject({ fromUnitId: 'u-brigade', skippedUnitIds: [] }));
    });

    it('county-emergency-001I: a report that leaves the institution needs the leader\'s approval with a unified wording first', () => {
      const history = reported({ policy: emergency, reportedAt: plus(occurredAt, 10), now: plus(occurredAt, 10) });
      const atTop = after(after(history, escalate(emergency, 'u-brigade', false)), escalate(emergency, 'u-bureau', false, { lineage: ['u-brigade', 'u-bureau'] }));
      const out = escalate(emergency, null, false, { lineage: ['u-bureau'], recipient: '县委办公室信息调研室' });
      spec(incidentDecider).given(atTop).when(out).thenThrows(InvalidState, 'incident-external-approval-required');
      spec(incidentDecider).given(atTop).when({ type: 'ApproveExternalReport', policy: emergency, wording: ' ', actorId: 'principal', now: plus(occurredAt, 40) }).thenThrows(RuleViolation, 'incident-wording-required');
      const approved = after(atTop, { type: 'ApproveExternalReport', policy: emergency, wording: '统一口径:…', actorId: 'principal', now: plus(occurredAt, 40) });
      spec(incidentDecider).given(approved).when(out).thenMatches((events) => expect(events[0]!.data).toMatchObject({ external: true, recipient: '县委办公室信息调研室', fromUnitId: 'u-bureau', toUnitId: 'u-bureau', skippedUnitIds: [] }));
    });
  });

  describe('instructions (批示) and follow-ups (续报)', () => {
    it('an instruction is answered by its id; an unknown one is a 404', () => {
      const history = after(reported(), { type: 'GiveInstruction', instructionId: 'ins-1', text: '全力救治伤员', actorId: 'leader', now: plus(occurredAt, 20) });
      spec(incidentDecider).given(history).when({ type: 'FollowUpInstruction', instructionId: 'ins-1', response: '已落实', actorId: 'duty-1', now: plus(occurredAt, 30) }).thenMatches((e) => expect(e[0]!.type).toBe('IncidentInstructionFollowedUp'));
      spec(incidentDecider).given(history).when({ type: 'FollowUpInstruction', instructionId: 'ins-2', response: '已落实', actorId: 'duty-1', now: plus(occurredAt, 30) }).thenThrows(NotFound);
    });

    it('follow-ups are numbered; with followUpEvery each registers the next one\'s due and is judged against its own', () => {
      const doc = loadExamplePolicy('school-accident-000I.json');
      const every = compilePolicy({ ...doc, rules: { ...doc.rules, incidentRules: { ...doc.rules.incidentRules!, followUpEvery: { unit: 'hours', amount: 4 } } } });
      const history = reported({ policy: every });
      expect(first({ policy: every }).dues.map((d) => [d.step, d.dueAt])).toEqual([
        ['written_report', plus(occurredAt, 60)],
        ['follow_up', plus(occurredAt, 5 + 240)],
      ]);
      const cmd = (now: string): IncidentCommand => ({ type: 'ReportFollowUp', policy: every, progress: '进展', measures: '措施', causeAndConsequences: null, lessons: null, casualties: null, directLossYuan: null, actorId: 'duty-1', now });
      const one = after(history, cmd(plus(occurredAt, 300)));
      const f1 = one.find((e) => e.type === 'IncidentFollowUpReported')!;
      expect(f1.data).toMatchObject({ sequence: 1, verdict: { verdict: 'late', lateByMinutes: 55 }, nextDue: { step: 'follow_up', dueAt: plus(occurredAt, 540) } });
      expect(one.filter((e) => e.type === 'DeadlineScheduled').map((e) => (e.data as { kind: string }).kind)).toEqual(['incident-written_report', 'incident-follow_up-1', 'incident-follow_up-2']);
      const two = after(one, cmd(plus(occurredAt, 500)));
      expect(two.filter((e) => e.type === 'IncidentFollowUpReported').map((e) => (e.data as { sequence: number }).sequence)).toEqual([1, 2]);
    });
  });
});
