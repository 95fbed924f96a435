import { ValidationFailed } from '@app/kernel';
import { commandPosition, parseMinPosition, parseReadBuild } from './read-selector';

describe('read headers', () => {
  it('reads X-Min-Position as a bigint position; absent or empty is no wait', () => {
    expect(parseMinPosition('1042')).toBe(1042n);
    expect(parseMinPosition(' 0 ')).toBe(0n);
    expect(parseMinPosition('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseMinPosition(undefined)).toBeUndefined();
    expect(parseMinPosition('')).toBeUndefined();
  });

  it.each(['-1', '1.5', '1e3', '0x10', '01', 'abc', '9223372036854775808'])('refuses X-Min-Position %s with a 400 naming the header', (bad) => {
    expect(() => parseMinPosition(bad)).toThrow(ValidationFailed);
    try {
      parseMinPosition(bad);
    } catch (error) {
      expect((error as ValidationFailed).problems).toEqual([expect.objectContaining({ field: 'X-Min-Position' })]);
    }
  });

  it('reads X-Read-Build as a build id and refuses anything else naming the header', () => {
    expect(parseReadBuild('policies:v2:ab12cd')).toBe('policies:v2:ab12cd');
    expect(parseReadBuild(undefined)).toBeUndefined();
    for (const bad of ['policies', 'policies:v2:AB12CD', 'Policies:v2:ab12cd', 'policies:2:ab12cd', "x:v1:ab12cd'--"]) {
      expect(() => parseReadBuild(bad)).toThrow(ValidationFailed);
    }
  });

  it('answers a command\'s position as a decimal string', () => {
    expect(commandPosition({ position: 1042n })).toBe('1042');
    expect(commandPosition({ position: undefined })).toBe('0');
  });
});
