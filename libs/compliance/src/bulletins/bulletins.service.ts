import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Pool } from 'pg';
import { NotFound, RuleViolation, ValidationFailed } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';
import { PolicyCatalog } from '@app/policies';
import { RewardsQueries } from '@app/rewards';
import type { UnitCompliance } from '../read/compliance-report';
import { periodDates, ReportPeriod } from '../appraisal/appraisal-periods';
import { BulletinContent, buildBulletin, bulletinChecksum } from './bulletin-content';
import { BulletinIssued, bulletinStream } from './bulletin.decider';
import { BULLETIN_TABLES } from './bulletins.projection';

/**
 * Where the compliance rows of a period come from: the compliance report's query (libs/compliance/src/read). A
 * port, so the bulletins depend on its shape (UnitCompliance) and not on its module; without a provider a bulletin
 * carries the rewards figures alone and says so (`compliance: false`).
 */
export interface ComplianceRowsSource {
  rows(period: ReportPeriod, periodKey: string, read?: ReadSelector): Promise<readonly UnitCompliance[]>;
}
export const BULLETIN_COMPLIANCE = Symbol('BULLETIN_COMPLIANCE');

/** The most units a bulletin ranks (the leaderboard's largest page). */
const MAX_UNITS = 1000;

export interface BulletinRead {
  readonly period: ReportPeriod;
  readonly key: string;
  readonly as: 'issued' | 'fresh';
  readonly edition: number | null;
  readonly bulletinId: string | null;
  readonly issuedBy: string | null;
  readonly issuedAt: string | null;
  readonly position: string;
  readonly checksum: string;
  readonly content: BulletinContent;
}

/** What an as-of bulletin reads: the position, and a read of each projection's build stopped there. */
export interface BulletinAsOf {
  readonly position: bigint;
  readonly reads: { readonly bulletins: ReadSelector; readonly rewards: ReadSelector; readonly compliance: ReadSelector };
}

@Injectable()
export class BulletinsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModels,
    private readonly catalog: PolicyCatalog,
    private readonly rewards: RewardsQueries,
    @Optional() @Inject(BULLETIN_COMPLIANCE) private readonly compliance?: ComplianceRowsSource,
  ) {}

  /**
   * The bulletin as the log stands now: every read model it reads has applied the log's head first (so an issue
   * records what was recorded before it), and that head is its position. With `asOf` (audit: as it stood at a past
   * position), the policies in force then and the as-of builds of the three projections it reads, each stopped at
   * that position.
   */
  async fresh(period: ReportPeriod, key: string, asOf?: BulletinAsOf): Promise<{ content: BulletinContent; position: string; checksum: string }> {
    const dates = periodDates(period, key);
    if (!dates) throw new ValidationFailed([{ field: 'key', message: `key is not a ${period}` }]);
    const head = asOf?.position ?? (await this.store.headPosition());
    const read = (projection: keyof BulletinAsOf['reads']): ReadSelector => asOf?.reads[projection] ?? { minPosition: head };
    const set = asOf ? await this.catalog.publishedAt(asOf.position) : await this.catalog.published();
    const policy = set.find('*', dates.to, (p) => p.document.rules.bulletins !== undefined);
    const rule = policy?.document.rules.bulletins;
    if (!policy || !rule || !rule.periods.includes(period)) {
      throw new RuleViolation('bulletin-period-not-offered', `No policy in force on ${dates.to} has a bulletin rule for a ${period}`, { period, offered: rule?.periods ?? [] });
    }
    const r = await this.readModels.scope(read('bulletins'), BULLETIN_TABLES);
    const root = await this.pool.query<{ name: string }>(`SELECT name FROM ${r.t('bulletin_units')} WHERE parent_id IS NULL ORDER BY registered LIMIT 1`);
    const [board, compliance] = await Promise.all([
      this.rewards.leaderboard({ subject: 'unit', by: 'points', range: dates, limit: MAX_UNITS }, read('rewards')),
      this.compliance ? this.compliance.rows(period, key, read('compliance')) : Promise.resolve(null),
    ]);
    const content = buildBulletin({
      institution: rule.institution ?? root.rows[0]?.name ?? '',
      title: rule.title ?? '信息工作通报',
      period,
      key,
      ...dates,
      policy: { policyId: policy.document.id, policyVersion: policy.document.version, ruleId: rule.id },
      points: board.rows,
      compliance,
    });
    return { content, position: head.toString(), checksum: bulletinChecksum(content) };
  }

  /** The latest edition (or the one asked for) as issued: its stored content, checksum verified. */
  async issued(period: ReportPeriod, key: string, edition?: number): Promise<BulletinRead> {
    const events = (await this.store.readStream(bulletinStream(period, key))).filter((e) => e.type === 'BulletinIssued') as unknown as { data: BulletinIssued['data'] }[];
    const found = edition === undefined ? events[events.length - 1] : events.find((e) => e.data.edition === edition);
    if (!found) throw new NotFound('issued bulletin', edition === undefined ? `${period} ${key}` : `${period} ${key} edition ${edition}`);
    const b = found.data;
    if (bulletinChecksum(b.content) !== b.checksum) {
      // an internal inconsistency (500): the issued text is never served unverified
      throw new Error(`The stored content of bulletin ${period} ${key} edition ${b.edition} does not match its checksum ${b.checksum}`);
    }
    return { period, key, as: 'issued', edition: b.edition, bulletinId: b.bulletinId, issuedBy: b.issuedBy, issuedAt: b.issuedAt, position: b.position, checksum: b.checksum, content: b.content };
  }

  /** Every issued edition, the latest first. */
  async list(q: { period?: ReportPeriod; key?: string }, read?: ReadSelector) {
    const r = await this.readModels.scope(read, BULLETIN_TABLES);
    const rows = await this.pool.query<{ period: ReportPeriod; key: string; edition: number; bulletin_id: string; issued_by: string; issued_at: Date; position: string; checksum: string; title: string; units: number }>(
      `SELECT * FROM ${r.t('bulletin_editions')} WHERE ($1::text IS NULL OR period = $1) AND ($2::text IS NULL OR key = $2) ORDER BY issued_at DESC, period, key, edition DESC LIMIT 1000`,
      [q.period ?? null, q.key ?? null],
    );
    return {
      buildId: r.buildId ?? null,
      items: rows.rows.map((b) => ({ period: b.period, key: b.key, edition: b.edition, bulletinId: b.bulletin_id, issuedBy: b.issued_by, issuedAt: b.issued_at.toISOString(), position: b.position, checksum: b.checksum, title: b.title, units: b.units, href: `/v1/bulletins/${b.period}/${b.key}?as=issued&edition=${b.edition}` })),
    };
  }
}
