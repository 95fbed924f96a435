import { newId } from '@app/kernel';
import { handleCommand } from '@app/event-store';
import { InMemoryEventStore } from '@app/event-store/testing';
import { loadExamplePolicy } from '../testing/example-policies';
import type { PolicyDocument } from '../domain/policy-document';
import { PolicyCommand, policyDecider, policyStream } from '../domain/policy.decider';
import { PolicyCatalog } from './policy-catalog';

const now = '2026-03-02T01:00:00.000Z';
const v1 = loadExamplePolicy('culture-bureau-points-001P.json');
const v2: PolicyDocument = { ...v1, version: 2, effectiveFrom: '2026-01-01' };
const other = loadExamplePolicy('website-grading-000W.json');

describe('PolicyCatalog (folded from the log, not from rm.policy_versions)', () => {
  let store: InMemoryEventStore;
  let catalog: PolicyCatalog;
  const run = (policyId: string, command: PolicyCommand) => handleCommand(store, policyStream(policyId), policyDecider, command, { commandId: newId(), actorId: 'admin' });
  const draft = (doc: PolicyDocument) => run(doc.id, { type: 'DraftPolicy', document: doc, actorId: 'admin', now });
  const publish = (doc: PolicyDocument) => run(doc.id, { type: 'PublishPolicy', version: doc.version, actorId: 'admin', now, published: [] });
  const ids = async () => (await catalog.published()).documents().map((d) => `${d.id}@${d.version}`);
  const noise = (n: number) => store.appendToStream(`noise-${newId()}`, Array.from({ length: n }, () => ({ type: 'Noise', data: {}, metadata: { eventId: newId(), commandId: 'c', correlationId: 'c', causationId: 'c', actorId: 't', schemaVersion: 1 } })));

  beforeEach(() => {
    store = new InMemoryEventStore();
    catalog = new PolicyCatalog(store);
  });

  it('an empty log publishes nothing', async () => {
    expect(await ids()).toEqual([]);
  });

  it('a version published a moment ago is in force at the next call (no projection in between); drafts are not', async () => {
    await draft(v1);
    expect(await ids()).toEqual([]);
    await publish(v1);
    await draft(other);
    expect(await ids()).toEqual([`${v1.id}@1`]);
    await draft(v2);
    await publish(v2);
    // superseded versions stay: they still govern the dates the newer one does not cover
    expect(await ids()).toEqual([`${v1.id}@2`, `${v1.id}@1`]);
  });

  it('reads only what was appended since the last call (the store skips unrelated events), and compiles again only when the set changed', async () => {
    await draft(v1);
    await publish(v1);
    const first = await catalog.published();
    const upTo = catalog.foldedUpTo();
    expect(upTo).toBe(await store.headPosition());
    await noise(1200);
    const reads = jest.spyOn(store, 'readAll');
    expect(await catalog.published()).toBe(first);
    expect(reads.mock.calls[0]![0]).toMatchObject({ after: upTo, types: ['PolicyDrafted', 'PolicyPublished', 'PolicySuperseded'] });
    expect(catalog.foldedUpTo()).toBe(await store.headPosition());
    reads.mockClear();
    expect(await catalog.published()).toBe(first);
    expect(reads).not.toHaveBeenCalled();
    await draft(other);
    await publish(other);
    const second = await catalog.published();
    expect(second).not.toBe(first);
    expect(second.documents().map((d) => d.id).sort()).toEqual([v1.id, other.id].sort());
  });

  it('reads the policy events page by page (more than one page of them) up to the head', async () => {
    for (let i = 0; i < 620; i++) await draft({ ...v1, title: `${v1.title} ${i}` });
    await publish(v1);
    const reads = jest.spyOn(store, 'readAll');
    const [doc] = (await catalog.published()).documents();
    expect(doc!.title).toBe(`${v1.title} 619`);
    expect(reads.mock.calls.length).toBe(2);
    expect(catalog.foldedUpTo()).toBe(await store.headPosition());
  });

  it('calls made at once each see every version published before them', async () => {
    await draft(v1);
    const before = catalog.published();
    await publish(v1);
    const after = catalog.published();
    const [a, b] = await Promise.all([before, after]);
    expect(b.documents().map((d) => d.version)).toEqual([1]);
    expect(a.documents().length).toBeLessThanOrEqual(1);
  });

  it('two catalogues over the same log (two instances, or a restart) agree', async () => {
    await draft(v1);
    await publish(v1);
    await noise(10);
    await draft(v2);
    await publish(v2);
    const restarted = new PolicyCatalog(store);
    expect((await restarted.published()).documents()).toEqual((await catalog.published()).documents());
  });
});
