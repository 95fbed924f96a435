import { ValidationFailed } from '@app/kernel';
import { CommandContextPipe, commandIdForKey, parseIdempotencyKey } from './command-context';
import type { IdempotencyKeyBinding, IdempotencyKeys } from './idempotency-keys';

describe('Idempotency-Key on the command path', () => {
  describe('parseIdempotencyKey', () => {
    it('accepts a bare key and the draft\'s Structured Field string form ("key") as the same key', () => {
      expect(parseIdempotencyKey('approve-0001')).toBe('approve-0001');
      expect(parseIdempotencyKey('"approve-0001"')).toBe('approve-0001');
      expect(parseIdempotencyKey(undefined)).toBeUndefined();
    });
    it('refuses anything else with a 400 naming the header', () => {
      for (const bad of ['short', 'with space key', '"unterminated', 'x'.repeat(129), '"a"b"-000000']) {
        expect(() => parseIdempotencyKey(bad)).toThrow(ValidationFailed);
      }
    });
  });

  describe('commandIdForKey', () => {
    it('scopes the command id to the member: two members sending one key get two command ids', () => {
      expect(commandIdForKey('member-a', 'create-0001')).not.toBe(commandIdForKey('member-b', 'create-0001'));
      expect(commandIdForKey('member-a', 'create-0001')).toBe(commandIdForKey('member-a', 'create-0001'));
    });
  });

  describe('CommandContextPipe', () => {
    const bound: IdempotencyKeyBinding[] = [];
    const keys = { bind: (b: IdempotencyKeyBinding) => (bound.push(b), Promise.resolve()) } as unknown as IdempotencyKeys;
    beforeEach(() => (bound.length = 0));

    it('binds a keyed request once, however often the command path asks', async () => {
      const context = new CommandContextPipe(keys).transform(
        {
          context: { commandId: commandIdForKey('m-1', 'key-00001'), actorId: 'm-1', requestFingerprint: 'v1:f' },
          idempotency: { key: 'key-00001', method: 'POST', path: '/v1/drafts', fingerprint: 'v1:f' },
        },
      );
      await Promise.all([context.bindIdempotencyKey!(), context.bindIdempotencyKey!(), { ...context }.bindIdempotencyKey!()]);
      expect(bound).toEqual([{ memberId: 'm-1', key: 'key-00001', method: 'POST', path: '/v1/drafts', fingerprint: 'v1:f', commandId: commandIdForKey('m-1', 'key-00001') }]);
    });
    it('leaves a request without the header unbound', () => {
      const context = new CommandContextPipe(keys).transform({ context: { commandId: 'random', actorId: 'm-1' } });
      expect(context.bindIdempotencyKey).toBeUndefined();
    });
  });
});
