import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Permission } from './access-matrix';

export const ACCESS_METADATA = 'baosong:access';
export const PUBLIC_METADATA = 'baosong:public';

/** Where the guard finds the target unit of a unit-scoped permission. */
export type UnitSource = { readonly param: string } | { readonly body: string } | { readonly query: string };

export interface AccessRequirement {
  readonly permission: Permission;
  /** For unit-scoped permissions whose unit is in the request; otherwise the handler checks the unit itself. */
  readonly unit?: UnitSource;
}

/** The permission an endpoint requires (see ACCESS_MATRIX). */
export function Access(permission: Permission, unit?: UnitSource): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, { permission, unit } satisfies AccessRequirement),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No valid bearer token' }),
    ApiForbiddenResponse({ description: `Requires ${permission}` }),
  );
}

/** No token needed (health). */
export function Public(): MethodDecorator & ClassDecorator {
  return SetMetadata(PUBLIC_METADATA, true);
}
