import { Logger } from '@nestjs/common';
import { deterministicUuid } from '@app/kernel';
import type { CommandRunner } from '@app/event-store';
import type { BusinessDates } from '@app/access';
import { memberDecider, memberStream, ORG_CONFIG_STREAM, orgConfigDecider, unitDecider, unitStream } from '@app/organization';

/** The administrator created on the first start of an empty system (`npm run cli -- token admin`). */
export const BOOTSTRAP_ADMIN_ID = deterministicUuid('baosong', 'bootstrap', 'administrator');
export const BOOTSTRAP_ROOT_UNIT_ID = deterministicUuid('baosong', 'bootstrap', 'root-unit');

/**
 * On an empty log: an institution root unit and an administrator appointed there, so someone can sign in and
 * build the organization. Command ids are fixed, so instances starting together create it once.
 */
export async function bootstrapAdministrator(runner: CommandRunner, now: Date, dates: BusinessDates, log: Logger): Promise<boolean> {
  if ((await runner.store.headPosition()) > 0n) return false;
  const at = now.toISOString();
  // the business date, not the UTC one: else the administrator is not in force for hours west of UTC
  const today = dates.of(now);
  const ctx = (step: string) => ({ commandId: `bootstrap-${step}`, actorId: 'system', correlationId: 'bootstrap' });
  await runner.run(ORG_CONFIG_STREAM, orgConfigDecider, { type: 'DefineUnitType', key: 'institution', name: '机构', description: 'The institution itself (root of the unit tree)', now: at }, ctx('unit-type'));
  await runner.run(
    unitStream(BOOTSTRAP_ROOT_UNIT_ID),
    unitDecider,
    { type: 'RegisterUnit', unitId: BOOTSTRAP_ROOT_UNIT_ID, name: '本机构', unitType: 'institution', parentId: null, parent: { exists: false, dissolved: false }, unitTypeDefined: true, now: at },
    ctx('root-unit'),
  );
  await runner.run(memberStream(BOOTSTRAP_ADMIN_ID), memberDecider, { type: 'RegisterMember', memberId: BOOTSTRAP_ADMIN_ID, name: '系统管理员', phone: null, email: null, now: at }, ctx('admin'));
  await runner.run(
    memberStream(BOOTSTRAP_ADMIN_ID),
    memberDecider,
    {
      type: 'AppointMember',
      appointmentId: deterministicUuid('baosong', 'bootstrap', 'administrator-appointment'),
      role: 'administrator',
      unitId: BOOTSTRAP_ROOT_UNIT_ID,
      startsOn: today,
      endsOn: null,
      oversees: [],
      unit: { exists: true, dissolved: false },
      overseenUnknown: [],
      now: at,
    },
    ctx('admin-appointment'),
  );
  log.log(`Empty system: administrator ${BOOTSTRAP_ADMIN_ID} bootstrapped. Get its token with: npm run cli -- token admin`);
  return true;
}
