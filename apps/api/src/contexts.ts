import type { AnyProjection } from '@app/projections';
import { OrganizationModule, orgTreeProjection } from '@app/organization';

/** The bounded contexts served by the API and the projections they bring. */
export const CONTEXT_MODULES = [OrganizationModule];
export const CONTEXT_PROJECTIONS: AnyProjection[] = [orgTreeProjection];
