import { RuleViolation } from '@app/kernel';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/**
 * A resident identity card number (居民身份证号码, GB 11643-1999): 17 digits, the first six a region code, eight a
 * date of birth, and an ISO 7064 MOD 11-2 check character (0-9 or X). Null (not given) passes.
 */
export function checkIdCardNumber(value: string | null): void {
  if (value === null) return;
  const v = value.toUpperCase();
  const valid =
    /^\d{17}[\dX]$/.test(v) &&
    /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(v.slice(6, 14)) &&
    CHECK[WEIGHTS.reduce((sum, w, i) => sum + w * Number(v[i]), 0) % 11] === v[17];
  if (!valid) {
    throw new RuleViolation('id-card-number-invalid', 'idCardNumber is not a valid resident identity card number (18 characters, a date of birth, the GB 11643 check character)', { field: 'idCardNumber' });
  }
}
