import type { DeadlineElapsed } from '@app/kernel';
import { type Casualties, type IncidentCommand, incidentDecider, incidentStream, isIncidentDeadlineKind, isReminderKind, type IncidentReported } from '@app/incidents';
import { inboxDecider, notificationIdFor, type NotificationIssued, notificationsStream } from '@app/notifications';
import type { CompiledPolicy, IncidentCategory } from '@app/policies';
import type { Rng } from '../random';
import type { Activity, World } from '../world';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const PLACES = ['辖区主干道', '城东农贸市场', '城西工地', '某小区', '汽车站', '河道堤段', '学校门口', '工业园区'];
const COURSES = ['群众报警后民警迅速到场处置,现场已控制', '巡逻中发现险情,立即设置警戒并疏散群众', '接报后会同相关部门开展先期处置'];

/**
 * 突发事件 (regulations §5): a few incidents a month across the institution, at any hour. The head of the unit
 * reports it by phone (most within the first-report deadline of the policy in force, some late, a few only after
 * the concealment threshold), files the written report (most before it is due, some late, a few never: the
 * scheduler's DeadlineElapsed then makes it missed), follows it up (续报); now and then a leader instructs (批示)
 * and the unit answers, or the principal leader approves the wording and the incident is escalated to the parent
 * unit; a final report (终报) a few days later, then the leader closes it. The in-app reminders of elapsed
 * deadlines are the effects the dispatcher would perform: NotificationIssued for the reporter, with the effect's key.
 */
export const incidentsActivity: Activity = {
  name: 'incidents',
  start(world) {
    const rng = world.rng('incidents');
    world.onEvent((event) => {
      // performed after the fact, as the dispatcher performs effects after their batch (not inside another event's listeners)
      if (event.type === 'DeadlineElapsed') world.at(world.clock.now, () => notify(world, event as DeadlineElapsed));
      else if (event.type === 'IncidentReported') reporters.set((event as IncidentReported).data.incidentId, event as IncidentReported);
    });
    const reporters = new Map<string, IncidentReported>();
    const notify = (w: World, elapsed: DeadlineElapsed) => {
      const d = elapsed.data;
      if (!isIncidentDeadlineKind(d.kind)) return;
      const report = reporters.get(d.subject.slice('incident-'.length));
      if (!report) return;
      const memberId = report.data.reportedBy;
      const notification: NotificationIssued = {
        type: 'NotificationIssued',
        data: {
          notificationId: notificationIdFor(d.deadlineId, memberId),
          memberId,
          type: isReminderKind(d.kind) ? 'incident.reminder' : 'incident.overdue',
          reason: 'reporter',
          incident: { incidentId: report.data.incidentId, unitId: report.data.unitId, title: report.data.title, severity: report.data.severity },
          kind: d.kind,
          deadlineId: d.deadlineId,
          dueAt: d.dueAt,
          deliveryKey: d.deadlineId,
          issuedAt: w.nowIso(),
        },
      };
      w.record(notificationsStream(memberId), inboxDecider, [notification], 'system');
    };
    const perMonth = 2 + Math.round(world.org.units.size / 40);
    let at = world.start + rng.int(2, 10) * DAY;
    while (at < world.end - 10 * DAY) {
      const when = at;
      world.at(when, () => occur(world, rng));
      at = when + Math.max(HOUR, Math.round((30 * DAY) / Math.max(1, perMonth) * (0.3 + 1.4 * rng.next())));
    }
  },
};

function leaves(categories: readonly IncidentCategory[]): IncidentCategory[] {
  return categories.flatMap((c) => (c.children && c.children.length > 0 ? leaves(c.children) : [c]));
}

/** The incident happens now: its unit's head reports it after a delay, as the API's handler would decide it. */
function occur(world: World, rng: Rng): void {
  const units = world.org.reportingUnits();
  if (units.length === 0) return;
  const unit = rng.pick(units);
  const policy = world.policies.published().find(unit.unitType, world.today(), (p) => p.document.rules.incidentRules !== undefined);
  if (!policy) return;
  const occurredAt = world.now;
  const roll = rng.next();
  // most by phone within the first minutes; some late (迟报); a few after the concealment threshold (瞒报)
  const delay = roll < 0.82 ? rng.int(3, 9) * MINUTE : roll < 0.95 ? rng.int(25, 150) * MINUTE : rng.int(11, 20) * HOUR;
  world.at(occurredAt + delay, () => report(world, rng, unit.unitId, policy, occurredAt));
}

async function report(world: World, rng: Rng, unitId: string, policy: CompiledPolicy, occurredAt: number): Promise<void> {
  const head = world.org.holders('unit_head', unitId, world.today()).find((m) => world.org.members.get(m)!.appointments.some((a) => a.role === 'unit_head' && a.unitId === unitId));
  if (!head || !(await world.acting(head, 'incidents.report', unitId))) return;
  const rules = policy.document.rules.incidentRules!;
  const category = rng.pick(leaves(rules.categories));
  const injured = category.thresholds?.some((t) => t.metric === 'injured') ? rng.int(1, 4) : rng.chance(0.2) ? 1 : 0;
  const casualties: Casualties = { deaths: 0, injured, hospitalisedDays: injured > 0 ? rng.int(0, 5) : 0 };
  const incidentId = world.ledger.id('incident', String(world.ledger.produced));
  const stream = incidentStream(incidentId);
  const name = world.org.members.get(head)!.name;
  const at = (t: number) => new Date(t).toISOString();
  const discoveredAt = occurredAt + rng.int(0, 2) * MINUTE;
  const reported = world.run(
    stream,
    incidentDecider,
    {
      type: 'ReportIncident',
      incidentId,
      unitId,
      title: `${rng.pick(PLACES)}${category.name}`,
      categoryKey: category.key,
      occurredAt: at(occurredAt),
      discoveredAt: at(Math.min(discoveredAt, world.now)),
      reportedAt: world.nowIso(),
      channel: 'phone',
      place: rng.pick(PLACES),
      unitsInvolved: [world.org.units.get(unitId)!.name],
      peopleInvolved: injured > 0 ? [`受伤群众${injured}人`] : [],
      course: rng.pick(COURSES),
      casualties,
      directLossYuan: rng.chance(0.5) ? rng.int(1, 40) * 100 : null,
      cause: '初步判断为意外',
      measures: '已开展先期处置',
      signer: name,
      contact: { name, phone: '0632-1234567' },
      policy,
      actorId: head,
      now: world.nowIso(),
    },
    head,
  );
  if (!reported) return;
  const due = (reported[0] as IncidentReported).data.dues.find((d) => d.step === 'written_report');
  const step = (when: number, command: (now: string) => IncidentCommand, actor = head) => world.at(when, () => void world.run(stream, incidentDecider, command(world.nowIso()), actor));
  // the written report: most before it is due, some after, a few never (missed)
  let t = world.now;
  if (due) {
    const dueAt = Date.parse(due.dueAt);
    const r = rng.next();
    if (r < 0.97) {
      t = r < 0.85 ? world.now + rng.next() * Math.max(MINUTE, dueAt - world.now) : dueAt + rng.int(10, 360) * MINUTE;
      step(t, (now) => ({ type: 'FileWrittenReport', policy, course: '事件经过详见附件', casualties, directLossYuan: rng.int(0, 40) * 100, cause: '经初步调查,系意外所致', measures: '已落实整改措施', signer: name, actorId: head, now }));
    }
  }
  // 续报: one or two follow-ups
  for (let i = 0; i < rng.int(1, 2); i++) {
    t += rng.int(3, 20) * HOUR;
    step(t, (now) => ({ type: 'ReportFollowUp', policy, progress: '事态已得到控制', measures: '持续跟进处置', causeAndConsequences: null, lessons: null, casualties: null, directLossYuan: null, actorId: head, now }));
  }
  const principal = world.staff.principal;
  if (rng.chance(0.3) && principal) {
    const instructionId = world.ledger.id('incident-instruction', incidentId);
    t += rng.int(1, 6) * HOUR;
    step(t, (now) => ({ type: 'GiveInstruction', instructionId, text: '请妥善处置,及时续报', actorId: principal, now }), principal);
    t += rng.int(4, 30) * HOUR;
    step(t, (now) => ({ type: 'FollowUpInstruction', instructionId, response: '已按批示要求落实', actorId: head, now }));
  }
  const parent = world.org.units.get(unitId)?.parentId;
  if (parent && principal && rng.chance(0.2)) {
    t += rng.int(1, 5) * HOUR;
    step(t, (now) => ({ type: 'ApproveExternalReport', policy, wording: '经核实,事件已妥善处置', actorId: principal, now }), principal);
    t += rng.int(10, 60) * MINUTE;
    step(t, (now) => ({ type: 'Escalate', policy, lineage: world.org.lineage(unitId), toUnitId: parent, recipient: null, emergency: false, reason: null, actorId: head, now }));
  }
  // 终报 after a few days, then the leader closes it (a few stay open to the end of the history)
  if (rng.chance(0.9)) {
    t += rng.int(2, 7) * DAY;
    step(t, (now) => ({ type: 'FileFinalReport', summary: '事件处置完毕', cause: '意外', consequences: '无重大损失', lessons: '加强巡查', casualties, directLossYuan: null, actorId: head, now }));
    if (principal) step(t + rng.int(1, 3) * DAY, (now) => ({ type: 'CloseIncident', reason: null, actorId: principal, now }), principal);
  }
}
