import type { DynamicModule, Type } from '@nestjs/common';
import type { AnyProjection } from '@app/projections';
import type { AppConfig } from '@app/platform';
import { OrganizationModule, orgDirectoryProjection, orgTreeProjection } from '@app/organization';

/** The bounded contexts served by the API and the projections they bring. */
export function contextModules(_config: AppConfig): (Type | DynamicModule)[] {
  return [OrganizationModule];
}
export const CONTEXT_PROJECTIONS: AnyProjection[] = [orgTreeProjection, orgDirectoryProjection];
