import { DateTime } from 'luxon';
import { deterministicUuid, fold } from '@app/kernel';
import type { CommandRunner } from '@app/event-store';
import { type DemoOrganization, unitDecider, unitStream } from '@app/organization';
import type { PolicySet } from '@app/policies';
import { type IncidentCommand, incidentDecider } from '../domain/incident.decider';
import { type Casualties, incidentStream } from '../domain/incident.events';

export interface DemoIncidentsPorts {
  readonly runner: CommandRunner;
  /** The published policies (PolicyCatalog.published()): the incident rules in force for the unit's type. */
  readonly policies: PolicySet;
  readonly timeZone: string;
}

export interface DemoIncidentsSummary {
  /** The business month (YYYY-MM) the incidents happened in: the month before the seed's date. */
  readonly month: string;
  readonly incidents: readonly { readonly incidentId: string; readonly title: string; readonly unitName: string; readonly firstReport: string }[];
  readonly appended: number;
}

interface Story {
  readonly key: string;
  readonly unitKey: string;
  readonly title: string;
  readonly categoryKey: string;
  /** Day of the month and hour (local) it happened; minutes after which it was reported by phone. */
  readonly day: number;
  readonly hour: number;
  readonly reportedAfterMinutes: number;
  readonly casualties: Casualties;
  readonly directLossYuan: number | null;
  /** Minutes after the phone report the written report was filed; null: never (the scheduler makes it missed). */
  readonly writtenAfterMinutes: number | null;
  readonly closed: boolean;
}

/**
 * Three incidents (突发事件) in the month before the seed's date, under the incident rules in force for their units
 * (county-government-002B in the demo: phone within 2 h, late after 2 h, concealed after 10 h, written within 2 h):
 * one reported and written up on time, followed up, finally reported and closed; one reported late (迟报) with a
 * late written report; one reported only after the concealment threshold (瞒报) whose written report never comes,
 * so the scheduler's DeadlineElapsed makes it missed. The commands go through the incident decider with fixed
 * command ids: a second run appends nothing.
 */
export async function seedDemoIncidents(ports: DemoIncidentsPorts, demo: DemoOrganization, now: Date): Promise<DemoIncidentsSummary> {
  const monthStart = DateTime.fromJSDate(now, { zone: ports.timeZone }).startOf('month').minus({ months: 1 });
  const month = monthStart.toFormat('yyyy-MM');
  const stories: Story[] = [
    { key: 'fall', unitKey: 'command', title: '城东农贸市场顶棚坠落致一人受伤', categoryKey: 'casualty', day: 6, hour: 10, reportedAfterMinutes: 12, casualties: { deaths: 0, injured: 1, hospitalisedDays: 3 }, directLossYuan: 2000, writtenAfterMinutes: 80, closed: true },
    { key: 'fire', unitKey: 'traffic', title: '停车场车辆自燃', categoryKey: 'property', day: 13, hour: 15, reportedAfterMinutes: 180, casualties: { deaths: 0, injured: 0, hospitalisedDays: 0 }, directLossYuan: 8000, writtenAfterMinutes: 150, closed: false },
    { key: 'flood', unitKey: 'criminal', title: '暴雨致办案区进水', categoryKey: 'property', day: 20, hour: 22, reportedAfterMinutes: 11 * 60, casualties: { deaths: 0, injured: 0, hospitalisedDays: 0 }, directLossYuan: 1500, writtenAfterMinutes: null, closed: false },
  ];
  let appended = 0;
  const out: DemoIncidentsSummary['incidents'][number][] = [];
  for (const story of stories) {
    const unitId = demo.units[story.unitKey];
    const head = demo.members.find((m) => m.role === 'unit_head' && m.unitId === unitId) ?? demo.members.find((m) => m.role === 'duty_officer' && m.unitId === unitId);
    if (!unitId || !head) continue;
    const occurred = monthStart.set({ day: story.day, hour: story.hour });
    const reportedAt = occurred.plus({ minutes: story.reportedAfterMinutes });
    if (reportedAt.toMillis() > now.getTime()) continue;
    // the unit's type from its stream (the write model), as the report handler reads it
    const unit = fold(unitDecider, (await ports.runner.store.readStream(unitStream(unitId))) as never[]) as { unitType?: string };
    const unitType = unit.unitType ?? 'unknown';
    const policy = ports.policies.find(unitType, occurred.toISODate()!, (p) => p.document.rules.incidentRules !== undefined);
    if (!policy) continue;
    const incidentId = deterministicUuid('demo', 'incident', story.key, month);
    const stream = incidentStream(incidentId);
    const principal = demo.byRole.principal_leader.memberId;
    const at = (t: DateTime) => t.toUTC().toISO()!;
    const run = async (step: string, command: IncidentCommand, actorId: string) => {
      const r = await ports.runner.run(stream, incidentDecider, command, { commandId: `demo-incident:${story.key}:${month}:${step}`, actorId, correlationId: 'seed-demo-incidents' });
      if (!r.duplicate) appended += r.events.length;
      return r;
    };
    const contact = { name: head.name, phone: '0632-1234567' };
    const first = await run(
      'report',
      {
        type: 'ReportIncident',
        incidentId,
        unitId,
        title: story.title,
        categoryKey: story.categoryKey,
        occurredAt: at(occurred),
        discoveredAt: at(occurred.plus({ minutes: 2 })),
        reportedAt: at(reportedAt),
        channel: 'phone',
        place: '辖区',
        unitsInvolved: [head.unitName],
        peopleInvolved: story.casualties.injured > 0 ? ['受伤群众1人'] : [],
        course: '接报后立即到场处置,现场已控制',
        casualties: story.casualties,
        directLossYuan: story.directLossYuan,
        cause: '初步判断为意外',
        measures: '已开展先期处置',
        signer: head.name,
        contact,
        policy,
        actorId: head.memberId,
        now: at(reportedAt),
      },
      head.memberId,
    );
    const verdict = (first.events[0]?.data as { firstReport?: { verdict: string } } | undefined)?.firstReport?.verdict ?? 'on_time';
    out.push({ incidentId, title: story.title, unitName: head.unitName, firstReport: verdict });
    if (story.writtenAfterMinutes === null) continue;
    const written = reportedAt.plus({ minutes: story.writtenAfterMinutes });
    await run('written', { type: 'FileWrittenReport', policy, course: '事件经过:接报后立即到场处置', casualties: story.casualties, directLossYuan: story.directLossYuan, cause: '经初步调查,系意外所致', measures: '已落实整改措施', signer: head.name, actorId: head.memberId, now: at(written) }, head.memberId);
    if (!story.closed) continue;
    const followUp = written.plus({ hours: 20 });
    await run('follow-up', { type: 'ReportFollowUp', policy, progress: '伤者病情稳定', measures: '已排查同类隐患', causeAndConsequences: '顶棚固定件老化', lessons: '加强巡查', casualties: null, directLossYuan: null, actorId: head.memberId, now: at(followUp) }, head.memberId);
    const instructionId = deterministicUuid('demo', 'incident-instruction', story.key, month);
    await run('instruction', { type: 'GiveInstruction', instructionId, text: '请妥善处置,举一反三', actorId: principal, now: at(followUp.plus({ hours: 2 })) }, principal);
    await run('instruction-follow-up', { type: 'FollowUpInstruction', instructionId, response: '已按批示开展全面排查', actorId: head.memberId, now: at(followUp.plus({ days: 1 })) }, head.memberId);
    const final = followUp.plus({ days: 3 });
    await run('final', { type: 'FileFinalReport', summary: '事件处置完毕', cause: '顶棚固定件老化', consequences: '一人轻伤,直接损失2000元', lessons: '定期检查公共设施', casualties: story.casualties, directLossYuan: story.directLossYuan, actorId: head.memberId, now: at(final) }, head.memberId);
    await run('close', { type: 'CloseIncident', reason: null, actorId: principal, now: at(final.plus({ days: 1 })) }, principal);
  }
  return { month, incidents: out, appended };
}
