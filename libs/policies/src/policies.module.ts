import { Module } from '@nestjs/common';
import { PoliciesHttpController } from './http/policies.http.controller';
import { PolicyCatalog } from './read/policy-catalog';

@Module({ controllers: [PoliciesHttpController], providers: [PolicyCatalog], exports: [PolicyCatalog] })
export class PoliciesModule {}
