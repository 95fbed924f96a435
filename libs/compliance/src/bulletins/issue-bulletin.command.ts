import type { ReportPeriod } from '../appraisal/appraisal-periods';
import type { IssueBulletin } from './bulletin.decider';
import type { BulletinsService } from './bulletins.service';

/**
 * The command that issues a period's bulletin: its content as the log stands now (every read model it reads caught
 * up with the head), that position and the content's checksum. One function for POST /v1/bulletins and for
 * `seed demo`, so the seeded bulletin is what the route would have issued.
 */
export async function issueBulletinCommand(bulletins: BulletinsService, input: { bulletinId: string; period: ReportPeriod; key: string; actorId: string; now: string }): Promise<IssueBulletin> {
  const built = await bulletins.fresh(input.period, input.key);
  return { type: 'IssueBulletin', bulletinId: input.bulletinId, period: input.period, key: input.key, position: built.position, checksum: built.checksum, content: built.content, actorId: input.actorId, now: input.now };
}
