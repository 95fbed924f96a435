import { commissionDecider, commissionStream } from '@app/reporting';
import { TOPICS } from '../names';
import type { Rng } from '../random';
import type { Activity, World } from '../world';
import { createDraft } from './drafts.activity';

/**
 * 约稿 (commissions): every two to three weeks the office asks a few units for a draft on a topic by a deadline
 * some working days away; most units answer with a draft for the commission (a few after the deadline), and now
 * and then a commission is cancelled the next day, before anyone answers.
 */
export const commissionsActivity: Activity = {
  name: 'commissions',
  start(world) {
    const rng = world.rng('commissions');
    let at = world.time.afterWorkingDays(world.start, 5, rng);
    const last = world.end - 20 * 86_400_000;
    while (at < last) {
      const when = at;
      world.at(when, () => issue(world, rng));
      at = world.time.afterWorkingDays(when, rng.int(8, 15), rng);
    }
  },
};

function issue(world: World, rng: Rng): void {
  const office = world.staff.officeReviewer;
  const units = world.org.reportingUnits();
  const unitIds = rng.sample(units, rng.int(3, Math.min(8, units.length))).map((u) => u.unitId);
  const commissionId = world.ledger.id('commission', String(world.ledger.produced));
  const deadlineAt = world.time.closeOf(world.time.afterWorkingDays(world.now, rng.int(5, 10), rng));
  const topic = rng.pick(TOPICS);
  const events = world.run(
    commissionStream(commissionId),
    commissionDecider,
    {
      type: 'IssueCommission',
      commissionId,
      topic: `关于${topic}的约稿`,
      requirements: '突出亮点做法和成效,数据准确,1500字以内',
      purpose: rng.pick(['《信息专报》专题', '市委办公室约稿', '省厅专刊']),
      deadline: new Date(deadlineAt).toISOString(),
      contact: `办公室 ${world.org.members.get(office)!.name}`,
      unitIds,
      unknownUnitIds: unitIds.filter((u) => !world.org.units.get(u)?.active),
      actorId: office,
      now: world.nowIso(),
    },
    office,
  );
  if (!events) return;
  if (rng.chance(0.06)) {
    world.at(world.time.afterWorkingDays(world.now, 1, rng), () => {
      world.run(commissionStream(commissionId), commissionDecider, { type: 'CancelCommission', reason: '任务调整', actorId: office, now: world.nowIso() }, office);
    });
    return;
  }
  for (const unitId of unitIds) {
    if (!rng.chance(0.75)) continue;
    const onTime = rng.chance(0.85);
    const at = onTime ? world.now + rng.next() * (deadlineAt - world.now) : world.time.afterWorkingDays(deadlineAt, rng.int(1, 3), rng);
    world.at(world.time.nextOpen(at), () => createDraft(world, rng, unitId, commissionId));
  }
}
