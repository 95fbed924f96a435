import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '@app/event-store';
import type { PolicyDocument } from '../domain/policy-document';
import type { PolicyEvent } from '../domain/policy.decider';
import { PolicySet } from '../domain/policy-set';

/** The events the catalogue folds (the store filters by type in its query where it can). */
export const POLICY_EVENT_TYPES: readonly string[] = ['PolicyDrafted', 'PolicyPublished', 'PolicySuperseded'];

const PAGE = 500;

/**
 * The published policies (superseded versions included: they still govern the dates the newer version does not
 * cover) as a compiled PolicySet, folded from the log itself, not from a read model: every call first reads the
 * policy events appended since the last one, up to the store's head at the time of the call, so a command that
 * asks for the policies in force gets every version published before it was sent, and its decision depends on the
 * log alone (never on how far the policies projection has got). The fold is kept in memory and extended
 * incrementally; the PolicySet is compiled again only when the published set changed: compile once, evaluate
 * many times.
 */
@Injectable()
export class PolicyCatalog {
  private position = 0n;
  private readonly versions = new Map<string, { document: PolicyDocument; status: 'draft' | 'published' | 'superseded' }>();
  private compiled: PolicySet | undefined;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async published(): Promise<PolicySet> {
    await this.refresh();
    if (!this.compiled) {
      const docs = [...this.versions.values()].filter((v) => v.status !== 'draft').map((v) => v.document);
      this.compiled = new PolicySet(docs);
    }
    return this.compiled;
  }

  /**
   * The published set as it stood when the log ended at `position` (as-of reports: the policies in force then),
   * folded afresh from the policy events at or below it; not cached (policy events are few).
   */
  async publishedAt(position: bigint): Promise<PolicySet> {
    const versions = new Map<string, { document: PolicyDocument; status: 'draft' | 'published' | 'superseded' }>();
    for (let after = 0n; after < position; ) {
      const batch = await this.store.readAll({ after, maxCount: PAGE, types: POLICY_EVENT_TYPES });
      for (const event of batch) {
        if (event.position > position) break;
        foldInto(versions, event);
      }
      if (batch.length < PAGE) break;
      after = batch[batch.length - 1]!.position;
    }
    return new PolicySet([...versions.values()].filter((v) => v.status !== 'draft').map((v) => v.document));
  }

  /** The log position the catalogue has folded up to. */
  foldedUpTo(): bigint {
    return this.position;
  }

  /** Calls queue: each one catches up to the head as it was when that call was made (or later). */
  private refresh(): Promise<void> {
    const run = this.refreshing.catch(() => undefined).then(() => this.catchUp());
    this.refreshing = run;
    return run;
  }

  private async catchUp(): Promise<void> {
    const head = await this.store.headPosition();
    while (this.position < head) {
      // the store filters by type in its query: a page holds policy events only, however long the log
      const batch = await this.store.readAll({ after: this.position, maxCount: PAGE, types: POLICY_EVENT_TYPES });
      for (const event of batch) {
        if (event.position > head) break;
        this.fold(event);
        this.position = event.position;
      }
      const more = batch.length === PAGE && batch[batch.length - 1]!.position < head;
      if (!more) this.position = head;
    }
  }

  private fold(event: RecordedEvent): void {
    if (foldInto(this.versions, event)) this.compiled = undefined;
  }
}

/** Folds one policy event into the versions; true when the published set changed. */
function foldInto(versions: Map<string, { document: PolicyDocument; status: 'draft' | 'published' | 'superseded' }>, event: RecordedEvent): boolean {
  const e = event as RecordedEvent & PolicyEvent;
  switch (e.type) {
    case 'PolicyDrafted':
      // a redraft of a draft version replaces its document; a published version is never redrafted (the
      // decider refuses it), so a draft never changes the published set
      versions.set(key(e.data.policyId, e.data.version), { document: e.data.document, status: 'draft' });
      return false;
    case 'PolicyPublished':
    case 'PolicySuperseded': {
      const v = versions.get(key(e.data.policyId, e.data.version));
      if (!v) return false;
      v.status = e.type === 'PolicyPublished' ? 'published' : 'superseded';
      return true;
    }
    case 'PolicyValidated':
      return false;
    default:
      return false;
  }
}

const key = (policyId: string, version: number): string => `${policyId}\u0000${version}`;
