import { IsOptional } from 'class-validator';
import { FieldProblem, ValidationFailed } from '@app/kernel';
import { IsCalendarDate, IsOnOrAfter, validationPipe } from './validation';

class OptionalRange {
  @IsOptional() @IsCalendarDate() from?: string;
  @IsOptional() @IsCalendarDate() @IsOnOrAfter('from') to?: string;
}

class RequiredRange {
  @IsCalendarDate() from!: string;
  @IsCalendarDate() @IsOnOrAfter('from') to!: string;
}

/** The problems the global validation pipe reports for `value` as a body of `type` ([] when it passes). */
async function problems(type: new () => object, value: Record<string, unknown>): Promise<readonly FieldProblem[]> {
  try {
    await validationPipe().transform(value, { type: 'body', metatype: type });
    return [];
  } catch (error) {
    if (error instanceof ValidationFailed) return error.problems;
    throw error;
  }
}

describe('IsOnOrAfter (the end of a date range)', () => {
  it('refuses a to before from with a 400 naming to, like any other field error', async () => {
    expect(await problems(RequiredRange, { from: '2026-03-01', to: '2026-02-28' })).toEqual([{ field: 'to', message: 'to is before from' }]);
    expect(await problems(OptionalRange, { from: '2026-03-01', to: '2026-02-28' })).toEqual([{ field: 'to', message: 'to is before from' }]);
    expect(await problems(RequiredRange, { from: '2027-01-01', to: '2026-12-31' })).toEqual([{ field: 'to', message: 'to is before from' }]);
  });

  it('takes both ends as included: from = to is one day', async () => {
    expect(await problems(RequiredRange, { from: '2026-03-01', to: '2026-03-01' })).toEqual([]);
    expect(await problems(RequiredRange, { from: '2026-02-28', to: '2026-03-01' })).toEqual([]);
  });

  it('checks only when both are given; an absent or malformed end is left to its own validators (one problem each)', async () => {
    expect(await problems(OptionalRange, { to: '2026-02-01' })).toEqual([]);
    expect(await problems(OptionalRange, { from: '2026-02-01' })).toEqual([]);
    expect(await problems(OptionalRange, {})).toEqual([]);
    expect(await problems(RequiredRange, { from: '2026-02-30', to: '2026-02-01' })).toEqual([{ field: 'from', message: 'from must be a calendar date YYYY-MM-DD' }]);
    expect(await problems(RequiredRange, { from: '2026-03-01', to: 'soon' })).toEqual([{ field: 'to', message: 'to must be a calendar date YYYY-MM-DD' }]);
  });
});
