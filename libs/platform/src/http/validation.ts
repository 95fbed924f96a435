import { applyDecorators, ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsObject, isISO8601, registerDecorator, ValidateNested, ValidationArguments, ValidationOptions } from 'class-validator';
import { FieldProblem, isUuid, ValidationFailed } from '@app/kernel';
import { unstorableText } from './input-guard';

export const ARRAY_OF_OBJECTS = 'arrayOfObjects';
const isPlainObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).flatMap(([constraint, message]) =>
      // name each element that is not an object (levels.0), not only the array
      constraint === ARRAY_OF_OBJECTS && Array.isArray(error.value)
        ? (error.value as unknown[]).flatMap((item, i) => (isPlainObject(item) ? [] : [{ field: `${field}.${i}`, message: `${field}.${i} must be an object` }]))
        : [{ field, message }],
    );
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Whitelisting, transforming validation whose failures name each field (400 problem+json). */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationFailed(flatten(errors)),
  });
}

/**
 * Path parameters are not seen by the input guard (Express binds them at routing): the same check of storable
 * text runs here, as the first global pipe, on the raw text. They are not trimmed: the access guard has already
 * read them.
 */
@Injectable()
export class PathParamGuardPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' || typeof value !== 'string') return value;
    const name = metadata.data ?? 'path';
    const why = unstorableText(value);
    if (why) throw new ValidationFailed([{ field: name, message: `${name} ${why}` }]);
    // A numeric parameter is decimal digits: the validation pipe after this one would read 0x10, 1e3 or ' 5' as numbers.
    if (metadata.metatype === Number && !/^-?\d+$/.test(value)) throw new ValidationFailed([{ field: name, message: `${name} must be a whole number` }]);
    return value;
  }
}

/** An integer path parameter within bounds (`version`, `stepIndex`, a dead letter's id); the 400 names it. */
export class IntParamPipe implements PipeTransform<unknown, number> {
  constructor(readonly bounds: { readonly min: number; readonly max: number } = { min: 0, max: 2_147_483_647 }) {}

  transform(value: unknown, metadata: ArgumentMetadata): number {
    const name = metadata.data ?? 'parameter';
    // (the global ValidationPipe has already turned a numeric path segment into a number)
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < this.bounds.min || n > this.bounds.max) {
      throw new ValidationFailed([{ field: name, message: `${name} must be an integer from ${this.bounds.min} to ${this.bounds.max}` }]);
    }
    return n;
  }
}

/** A UUID path parameter (`unitId`, `draftId` …); the 400 names it. */
export class UuidParamPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    const name = metadata.data ?? 'parameter';
    if (typeof value !== 'string' || !isUuid(value)) throw new ValidationFailed([{ field: name, message: `${name} must be a UUID` }]);
    return value;
  }
}

/**
 * An array whose every element is validated as `type()`. `@ValidateNested({ each: true })` alone lets an element
 * that is itself an array through (its elements are validated instead, so `[[]]` passes), and lets a string or
 * number element through as well: every DTO with nested objects uses this instead (lint forbids the bare one).
 */
export function ValidateNestedObjects(type: () => new () => object): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    predicate(ARRAY_OF_OBJECTS, (value) => !Array.isArray(value) || value.every(isPlainObject), 'must hold only objects'),
    ValidateNested({ each: true }),
    Type(type),
  );
}

/** One nested object (not an array, not a scalar) validated as `type()`. */
export function ValidateNestedObject(type: () => new () => object): PropertyDecorator {
  return applyDecorators(IsObject({ message: ({ property }) => `${property} must be an object` }), ValidateNested(), Type(type));
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day, YYYY-MM-DD, in years 1900-9999 (2026-02-30 is not one). */
export function isCalendarDate(value: unknown): boolean {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * An ISO 8601 date or date-time (`2026-03-01`, `2026-03-01T08:00:00+08:00`) on a real calendar day in years
 * 1900-9999, that both JavaScript and PostgreSQL read the same way.
 */
export function isInstant(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    isISO8601(value, { strict: true, strictSeparator: true }) &&
    isCalendarDate(value.slice(0, 10)) &&
    !Number.isNaN(Date.parse(value))
  );
}

/** `constraints` are kept in the validation metadata (the OpenAPI document reads them, see openapi.ts). */
function predicate(name: string, test: (value: unknown, args: ValidationArguments) => boolean, message: string, options?: ValidationOptions, constraints: unknown[] = []): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      constraints,
      options: { message: ({ property }) => `${property} ${message}`, ...options },
      validator: { validate: test },
    });
}

export const IsCalendarDate = (options?: ValidationOptions) => predicate('isCalendarDate', isCalendarDate, 'must be a calendar date YYYY-MM-DD', options);
export const IsInstant = (options?: ValidationOptions) =>
  predicate('isInstant', isInstant, 'must be an ISO 8601 date or date-time on a real calendar day, e.g. 2026-03-01T08:00:00+08:00', options);

/**
 * The end of a date range: a calendar date (YYYY-MM-DD) on or after the calendar date in `start`, another property
 * of the same object (`@IsOnOrAfter('from') to`), checked when both are given. The 400 names this property (`to is
 * before from`), like every other field error; an absent or malformed date is left to the properties' own
 * validators (IsOptional, IsCalendarDate). Both ends are included: from = to is one day.
 */
export const IsOnOrAfter = (start: string, options?: ValidationOptions) =>
  predicate(
    'isOnOrAfter',
    (value, args) => {
      const first = (args.object as Record<string, unknown>)[start];
      return !isCalendarDate(value) || !isCalendarDate(first) || (value as string) >= (first as string);
    },
    `is before ${start}`,
    options,
    [start],
  );

/** A flat object of text values (报送表 form fields): at most `maxKeys` keys of 1-50 characters, values of at most `maxLength`. */
export function IsTextMap(limits: { maxKeys: number; maxLength: number }, options?: ValidationOptions): PropertyDecorator {
  return predicate(
    'isTextMap',
    (value) =>
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.keys(value).length <= limits.maxKeys &&
      Object.entries(value).every(([k, v]) => k.length >= 1 && k.length <= 50 && typeof v === 'string' && v.length <= limits.maxLength),
    `must be an object of at most ${limits.maxKeys} text fields (keys of 1-50 characters, values of at most ${limits.maxLength})`,
    options,
    [limits],
  );
}
