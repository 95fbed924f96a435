import { Module } from '@nestjs/common';
import { RegisterUnitHandler } from './write/register-unit/register-unit.handler';
import { RegisterUnitHttpController } from './write/register-unit/register-unit.http.controller';
import { RenameUnitHandler } from './write/rename-unit/rename-unit.handler';
import { RenameUnitHttpController } from './write/rename-unit/rename-unit.http.controller';
import { GetUnitHandler, GetUnitTreeHandler } from './read/org-tree/get-units.query';
import { OrgTreeHttpController } from './read/org-tree/org-tree.http.controller';

@Module({
  controllers: [RegisterUnitHttpController, RenameUnitHttpController, OrgTreeHttpController],
  providers: [RegisterUnitHandler, RenameUnitHandler, GetUnitTreeHandler, GetUnitHandler],
})
export class OrganizationModule {}
