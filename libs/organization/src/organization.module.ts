import { Module } from '@nestjs/common';
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
export class OrganizationModule {}
