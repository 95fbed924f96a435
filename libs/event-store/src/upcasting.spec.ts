import { newId } from '@app/kernel';
import type { RecordedEvent } from './event-store.port';
import { InMemoryEventStore } from './testing/in-memory-event-store';
import { UpcasterRegistry } from './upcasting';
import { UpcastingEventStore } from './upcasting-event-store';

// DraftSubmitted v1 had `author: string`; v2 has `authors: string[]`; v3 adds `importance` (default general).
const registry = () =>
  new UpcasterRegistry().register({
    type: 'DraftSubmitted',
    currentVersion: 3,
    upcasters: {
      1: (d) => {
        const { author, ...rest } = d as { author: string };
        return { ...rest, authors: [author] };
      },
      2: (d) => ({ importance: 'general', ...(d as object) }),
    },
  });

const append = (store: InMemoryEventStore, schemaVersion: number, data: unknown) => {
  const id = newId();
  return store.appendToStream('draft-1', [
    { type: 'DraftSubmitted', data, metadata: { eventId: id, commandId: id, correlationId: id, causationId: id, actorId: 'a', schemaVersion } },
  ]);
};

describe('upcasting', () => {
  it('reads a version-1 event as version 3, step by step, without rewriting the store', async () => {
    const inner = new InMemoryEventStore();
    await append(inner, 1, { title: 't', author: '张三' });
    const store = new UpcastingEventStore(inner, registry());
    const [event] = await store.readStream('draft-1');
    expect(event!.data).toEqual({ title: 't', authors: ['张三'], importance: 'general' });
    expect(event!.metadata.schemaVersion).toBe(3);
    expect((await inner.readStream('draft-1'))[0]!.data).toEqual({ title: 't', author: '张三' });
  });

  it('leaves current-version events alone, and applies to readAll and subscriptions too', async () => {
    const inner = new InMemoryEventStore();
    await append(inner, 3, { title: 't', authors: ['李四'], importance: 'important' });
    await append(inner, 2, { title: 'u', authors: ['王五'] });
    const store = new UpcastingEventStore(inner, registry());
    const all = await store.readAll();
    expect(all.map((e) => e.data)).toEqual([
      { title: 't', authors: ['李四'], importance: 'important' },
      { importance: 'general', title: 'u', authors: ['王五'] },
    ]);
    // Collect first, then assert on what arrived: a subscription that delivers nothing must fail this test.
    const controller = new AbortController();
    const delivered: RecordedEvent[] = [];
    for await (const batch of store.subscribeToAll({ signal: controller.signal })) {
      delivered.push(...batch);
      if (delivered.length >= 2) controller.abort();
    }
    expect(delivered.map((e) => [e.metadata.schemaVersion, e.data])).toEqual([
      [3, { title: 't', authors: ['李四'], importance: 'important' }],
      [3, { importance: 'general', title: 'u', authors: ['王五'] }],
    ]);
  });

  it('applies to readLog too, keeping `through`', async () => {
    const inner = new InMemoryEventStore();
    await append(inner, 1, { title: 't', author: '张三' });
    const store = new UpcastingEventStore(inner, registry());
    const read = await store.readLog({ categories: ['draft'] });
    expect(read.events.map((e) => [e.metadata.schemaVersion, e.data])).toEqual([[3, { title: 't', authors: ['张三'], importance: 'general' }]]);
    expect(read.through).toBe(1n);
  });

  it('refuses a schema that lacks an upcaster for a version', () => {
    expect(() => new UpcasterRegistry().register({ type: 'X', currentVersion: 3, upcasters: { 1: (d) => d } })).toThrow(/no upcaster from version 2/);
  });
});
