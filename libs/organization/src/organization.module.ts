import { Module, OnModuleInit } from '@nestjs/common';
import { PersonalDataRegistry } from '@app/kernel';
import { UpcasterRegistry } from '@app/event-store';
import { MEMBER_EVENT_SCHEMAS } from './domain/member.schemas';
import { MEMBER_PERSONAL_DATA } from './domain/member.personal-data';
import { OrgReads } from './write/org-reads';
import { RegisterUnitHandler } from './write/register-unit/register-unit.handler';
import { RegisterUnitHttpController } from './write/register-unit/register-unit.http.controller';
import { RenameUnitHandler } from './write/rename-unit/rename-unit.handler';
import { RenameUnitHttpController } from './write/rename-unit/rename-unit.http.controller';
import { ManageUnitsHttpController } from './write/manage-units/manage-units.http.controller';
import { OrgConfigHttpController } from './write/org-config/org-config.http.controller';
import { ManageMembersHttpController } from './write/manage-members/manage-members.http.controller';
import { AppointmentsHttpController } from './write/appointments/appointments.http.controller';
import { ChannelsHttpController } from './write/channels/channels.http.controller';
import { GetUnitHandler, GetUnitTreeHandler } from './read/org-tree/get-units.query';
import { OrgTreeHttpController } from './read/org-tree/org-tree.http.controller';
import { MembersHttpController } from './read/directory/members.http.controller';
import { ChannelDirectoryHttpController } from './read/directory/channels.http.controller';
import { OrgConfigReadHttpController } from './read/directory/org-config.http.controller';
import { GetReviewCoverageHandler } from './read/review-coverage/get-review-coverage.query';
import { ReviewCoverageHttpController } from './read/review-coverage/review-coverage.http.controller';

@Module({
  controllers: [
    RegisterUnitHttpController,
    RenameUnitHttpController,
    ManageUnitsHttpController,
    OrgConfigHttpController,
    ManageMembersHttpController,
    AppointmentsHttpController,
    ChannelsHttpController,
    OrgTreeHttpController,
    MembersHttpController,
    ChannelDirectoryHttpController,
    OrgConfigReadHttpController,
    ReviewCoverageHttpController,
  ],
  providers: [OrgReads, RegisterUnitHandler, RenameUnitHandler, GetUnitTreeHandler, GetUnitHandler, GetReviewCoverageHandler],
  exports: [OrgReads],
})
export class OrganizationModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly upcasters: UpcasterRegistry,
  ) {}

  /** Before any append or read: the event store seals and opens members' personal fields from here on. */
  onModuleInit(): void {
    this.personalData.register(MEMBER_PERSONAL_DATA);
    this.upcasters.register(...MEMBER_EVENT_SCHEMAS);
  }
}
