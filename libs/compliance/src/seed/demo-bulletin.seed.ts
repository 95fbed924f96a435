import { deterministicUuid } from '@app/kernel';
import type { CommandRunner } from '@app/event-store';
import type { DemoOrganization } from '@app/organization';
import { bulletinDecider, bulletinStream } from '../bulletins/bulletin.decider';
import type { BulletinsService } from '../bulletins/bulletins.service';
import { issueBulletinCommand } from '../bulletins/issue-bulletin.command';

export interface DemoBulletinPorts {
  readonly runner: CommandRunner;
  readonly bulletins: BulletinsService;
}

/**
 * The office (孙主任) issues the bulletin (通报) of `month` (YYYY-MM), a past month whose end is a fact, by the same
 * command as POST /v1/bulletins: a new user sees an issued bulletin at once. The command id is fixed: a second
 * run issues no second edition.
 */
export async function seedDemoBulletin(ports: DemoBulletinPorts, demo: DemoOrganization, month: string, now: Date): Promise<{ issued: boolean; checksum: string }> {
  const office = demo.byRole.office_reviewer.memberId;
  const command = await issueBulletinCommand(ports.bulletins, { bulletinId: deterministicUuid('demo', 'bulletin', month), period: 'month', key: month, actorId: office, now: now.toISOString() });
  const result = await ports.runner.run(bulletinStream('month', month), bulletinDecider, command, { commandId: `demo-bulletin:month:${month}`, actorId: office, correlationId: 'seed-demo-bulletin' });
  const issued = result.events[0]?.data as { checksum?: string } | undefined;
  return { issued: !result.duplicate, checksum: issued?.checksum ?? command.checksum };
}
