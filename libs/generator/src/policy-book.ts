import { BusinessDates } from '@app/access';
import type { DomainEvent } from '@app/kernel';
import { PolicyCatalog, PolicyDocument, PolicySet } from '@app/policies';
import { PolicyEngineReportingPolicy } from '@app/reporting';
import { BUSINESS_TIME_ZONE, BusinessTime } from './business-time';

/** BusinessDates answering from the generator's business time (the same dates, without a time-zone lookup per call). */
class SimulatedBusinessDates extends BusinessDates {
  constructor(private readonly time: BusinessTime) {
    super(BUSINESS_TIME_ZONE);
  }

  override of(instant: Date): string {
    return this.time.date(instant.getTime());
  }
}

/**
 * The policy versions of the generated history, folded from its policy events: what the API's policy catalogue
 * would answer at this point of the log (published and superseded versions). The reporting workflow asks the real
 * policy engine adapter over it, so review chains, form checks and deadlines are those the system would record.
 */
export class PolicyBook {
  private readonly documents = new Map<string, { document: PolicyDocument; status: 'draft' | 'published' | 'superseded' }>();
  private set: PolicySet | undefined;
  readonly reporting: PolicyEngineReportingPolicy;

  constructor(time: BusinessTime) {
    this.reporting = new PolicyEngineReportingPolicy({ published: async () => this.published() } as unknown as PolicyCatalog, new SimulatedBusinessDates(time));
  }

  observe(event: DomainEvent): void {
    const d = event.data as { policyId: string; version: number; document?: PolicyDocument };
    const key = `${d.policyId}:${d.version}`;
    switch (event.type) {
      case 'PolicyDrafted':
        this.documents.set(key, { document: d.document!, status: 'draft' });
        return;
      case 'PolicyPublished':
        this.documents.get(key)!.status = 'published';
        this.set = undefined;
        return;
      case 'PolicySuperseded':
        this.documents.get(key)!.status = 'superseded';
        this.set = undefined;
        return;
      default:
        return;
    }
  }

  /** Published and superseded documents, as the catalogue lists them (the tie check and the engine use these). */
  publishedDocuments(): PolicyDocument[] {
    return [...this.documents.values()].filter((v) => v.status !== 'draft').map((v) => v.document);
  }

  latestVersion(policyId: string): number {
    let latest = 0;
    for (const { document } of this.documents.values()) if (document.id === policyId) latest = Math.max(latest, document.version);
    return latest;
  }

  document(policyId: string, version: number): PolicyDocument | undefined {
    return this.documents.get(`${policyId}:${version}`)?.document;
  }

  published(): PolicySet {
    this.set ??= new PolicySet(this.publishedDocuments());
    return this.set;
  }
}
