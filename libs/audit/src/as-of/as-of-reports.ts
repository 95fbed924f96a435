import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { canonicalJson, RuleViolation, ServiceUnavailable } from '@app/kernel';
import { PG_POOL, type ReadSelector } from '@app/platform';
import { ProjectionRuntime, ShadowBuilds } from '@app/projections';
import { PayoutsService, RewardsQueries } from '@app/rewards';
import { BulletinsService, ComplianceQueries, periodDates, type CompliancePeriod } from '@app/compliance';

export const AS_OF_REPORTS = ['leaderboard', 'payout-ledger', 'compliance', 'bulletin'] as const;
export type AsOfReport = (typeof AS_OF_REPORTS)[number];

/** The projections each report reads (one as-of build of each, stopped at the position). */
const PROJECTIONS: Record<AsOfReport, readonly string[]> = {
  leaderboard: ['rewards'],
  'payout-ledger': ['payouts'],
  compliance: ['compliance'],
  bulletin: ['bulletins', 'rewards', 'compliance'],
};

export interface AsOfParameters {
  readonly subject?: 'member' | 'unit';
  readonly by?: 'points' | 'money' | 'adopted' | 'adoptionRate';
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly period?: string;
  readonly key?: string;
  readonly unitId?: string;
  readonly periodId?: string;
  readonly payeeKind?: 'member' | 'unit';
  readonly payeeId?: string;
}

export interface AsOfRequest {
  readonly report: AsOfReport;
  /** The log position; or `at`: the last position recorded at or before that instant. */
  readonly position?: bigint;
  readonly at?: string;
  readonly parameters: AsOfParameters;
  /** Who asks: reading a shadow build needs ops.read (auditors and administrators have it). */
  readonly reader: unknown;
  readonly createdBy: string;
  /** How long to wait for the builds to reach the position (default 20 s); then 503 as-of-building with Retry-After. */
  readonly waitMs?: number;
  readonly onProgress?: (done: bigint, target: bigint) => void;
  readonly signal?: AbortSignal;
}

/** The answer: canonical, so that the same question gives the same bytes; the build ids travel beside it. */
export interface AsOfAnswer {
  readonly body: {
    readonly report: AsOfReport;
    readonly parameters: AsOfParameters;
    /** The log range the result was computed from: every event after `after` and at or before `upTo`. */
    readonly positionRange: { readonly after: string; readonly upTo: string };
    /** sha256 of canonicalJson(result). */
    readonly checksum: string;
    readonly result: unknown;
  };
  readonly canonical: string;
  readonly builds: readonly { readonly projection: string; readonly buildId: string }[];
}

/**
 * Reports as they stood at a past position (docs/audit.md, "As-of reports"): each projection the report reads is
 * built afresh beside the live one, stopped at the position (a shadow build with a target, runtime v2), and the
 * report is read from those builds by the same query code as the live report; the bulletin uses the policies
 * published at that position. A build already stopped at the same position is reused. The result is canonical
 * JSON with its sha256, so two auditors asking the same question get byte-identical answers.
 */
@Injectable()
export class AsOfReports {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly builds: ShadowBuilds,
    private readonly runtime: ProjectionRuntime,
    private readonly rewards: RewardsQueries,
    private readonly payouts: PayoutsService,
    private readonly compliance: ComplianceQueries,
    private readonly bulletins: BulletinsService,
  ) {}

  /** The position a request names: `position`, or the last event recorded at or before `at`; never past the head. */
  async position(request: Pick<AsOfRequest, 'position' | 'at'>): Promise<bigint> {
    const { rows } = await this.pool.query<{ head: string; at: string | null }>(
      `SELECT es_head()::text AS head,
              (SELECT max(global_position)::text FROM es_events WHERE $1::timestamptz IS NOT NULL AND recorded_at <= $1::timestamptz AND global_position <= es_head()) AS at`,
      [request.at ?? null],
    );
    const head = BigInt(rows[0]!.head);
    const position = request.position ?? (request.at !== undefined ? BigInt(rows[0]!.at ?? '0') : head);
    if (position > head) throw new RuleViolation('as-of-beyond-head', `Position ${position} is beyond the log's settled head ${head}`, { field: 'position', position: position.toString(), head: head.toString() });
    if (position === 0n) throw new RuleViolation('as-of-beyond-head', request.at ? `Nothing was recorded at or before ${request.at}` : 'The log is empty', { field: request.at ? 'at' : 'position', head: head.toString() });
    return position;
  }

  async report(request: AsOfRequest): Promise<AsOfAnswer> {
    checkParameters(request.report, request.parameters);
    const position = await this.position(request);
    const builds = await Promise.all(PROJECTIONS[request.report].map(async (projection) => ({ projection, buildId: await this.buildAt(projection, position, request) })));
    await this.waitForBuilds(builds.map((b) => b.buildId), position, request);
    const read = (projection: string): ReadSelector => ({ build: builds.find((b) => b.projection === projection)!.buildId, reader: request.reader });
    const result = await this.compute(request.report, request.parameters, position, read);
    const canonicalResult = canonicalJson(result);
    const body = {
      report: request.report,
      parameters: request.parameters,
      positionRange: { after: '0', upTo: position.toString() },
      checksum: createHash('sha256').update(canonicalResult, 'utf8').digest('hex'),
      result: JSON.parse(canonicalResult) as unknown,
    };
    return { body, canonical: canonicalJson(body), builds };
  }

  /**
   * The reports of a period as they stood at a position, for an audit bundle: `reports/<report>.json` each (the
   * canonical answer), the leaderboards of members and units over the period's dates, the payout ledger, the
   * compliance report and the bulletin (left out, with the reason in `reports/omitted.json`, when no policy offers one).
   */
  async periodReports(position: bigint, period: 'month' | 'quarter' | 'year', key: string, who: { reader: unknown; createdBy: string; signal?: AbortSignal }): Promise<Record<string, string>> {
    const dates = periodDates(period, key);
    if (!dates) throw new RuleViolation('as-of-parameter-missing', `key ${key} is not a ${period}`, { field: 'key' });
    const asks: { name: string; report: AsOfReport; parameters: AsOfParameters }[] = [
      { name: 'leaderboard-members', report: 'leaderboard', parameters: { subject: 'member', by: 'points', ...dates, limit: 1000 } },
      { name: 'leaderboard-units', report: 'leaderboard', parameters: { subject: 'unit', by: 'points', ...dates, limit: 1000 } },
      { name: 'payout-ledger', report: 'payout-ledger', parameters: {} },
      { name: 'compliance', report: 'compliance', parameters: { period, key } },
      { name: 'bulletin', report: 'bulletin', parameters: { period, key } },
    ];
    const out: Record<string, string> = {};
    const omitted: Record<string, string> = {};
    for (const ask of asks) {
      try {
        const answer = await this.report({ report: ask.report, position, parameters: ask.parameters, reader: who.reader, createdBy: who.createdBy, waitMs: 600_000, signal: who.signal });
        out[`${ask.name}.json`] = `${answer.canonical}\n`;
      } catch (error) {
        if (!(error instanceof RuleViolation) || error.code !== 'bulletin-period-not-offered') throw error;
        omitted[ask.name] = error.message;
      }
    }
    if (Object.keys(omitted).length > 0) out['omitted.json'] = `${canonicalJson(omitted)}\n`;
    return out;
  }

  private async compute(report: AsOfReport, p: AsOfParameters, position: bigint, read: (projection: string) => ReadSelector): Promise<unknown> {
    switch (report) {
      case 'leaderboard': {
        const range = { from: required(p.from, 'from'), to: required(p.to, 'to') };
        return withoutBuild(await this.rewards.leaderboard({ subject: p.subject ?? 'member', by: p.by ?? 'points', range, limit: p.limit ?? 100 }, read('rewards')));
      }
      case 'payout-ledger': {
        const payee = p.payeeId !== undefined ? { kind: p.payeeKind ?? 'member', id: p.payeeId } : undefined;
        const rows: unknown[] = [];
        const balances: unknown[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 100; page++) {
          const answer = await this.payouts.ledger({ payee, periodId: p.periodId, limit: 500, cursor }, read('payouts'));
          rows.push(...answer.rows);
          balances.push(...answer.balances);
          if (!answer.next) return { position: answer.position, periods: answer.periods, rows, balances };
          cursor = answer.next;
        }
        throw new RuleViolation('export-too-large', 'The ledger has more than 50,000 rows: narrow it to a payee or a period', { field: 'payeeId' });
      }
      case 'compliance': {
        const period = required(p.period, 'period') as CompliancePeriod;
        const { rows } = await this.compliance.report(period, required(p.key, 'key'), p.unitId, read('compliance'));
        return { period, key: p.key, rows };
      }
      case 'bulletin': {
        const fresh = await this.bulletins.fresh(required(p.period, 'period') as never, required(p.key, 'key'), {
          position,
          reads: { bulletins: read('bulletins'), rewards: read('rewards'), compliance: read('compliance') },
        });
        return { content: fresh.content, checksum: fresh.checksum };
      }
    }
  }

  /** A shadow build of the projection stopped at the position: one already there (no parameters) or a new one. */
  private async buildAt(projection: string, position: bigint, request: AsOfRequest): Promise<string> {
    // the same code version (a build of an older version never advances), no what-if parameters, not stopped
    const version = this.runtime.definition(projection)?.version;
    const existing = (await this.builds.list({ projection })).find(
      (b) => b.version === version && b.progress.targetPosition === position.toString() && Object.keys(b.parameters).length === 0 && b.lastError === null,
    );
    if (existing) return existing.buildId;
    const started = await this.builds.start({ projection, targetPosition: position, purpose: `as-of ${request.report} at ${position}`, createdBy: request.createdBy });
    return started.buildId;
  }

  private async waitForBuilds(buildIds: readonly string[], position: bigint, request: AsOfRequest): Promise<void> {
    const deadline = Date.now() + (request.waitMs ?? 20_000);
    for (;;) {
      const views = (await this.builds.list()).filter((b) => buildIds.includes(b.buildId));
      const failed = views.find((b) => b.lastError !== null);
      if (failed) throw new RuleViolation('as-of-build-failed', `The as-of build ${failed.buildId} stopped: ${failed.lastError}`, { buildId: failed.buildId });
      const done = views.reduce((sum, b) => sum + (b.progress.reachedTarget ? position : BigInt(b.progress.position)), 0n);
      request.onProgress?.(done, position * BigInt(buildIds.length));
      if (views.length === buildIds.length && views.every((b) => b.progress.reachedTarget)) return;
      if (request.signal?.aborted) throw new Error('interrupted');
      if (Date.now() > deadline) {
        throw new ServiceUnavailable('as-of-building', `The as-of builds are not at position ${position} yet: ask again (the same request reuses them)`, 5, {
          builds: views.map((b) => ({ buildId: b.buildId, position: b.progress.position, targetPosition: b.progress.targetPosition })),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** A live read names the build it read; the as-of result must not (the same question, the same bytes). */
function withoutBuild<T extends { buildId?: unknown }>(value: T): Omit<T, 'buildId'> {
  const { buildId: _buildId, ...rest } = value;
  return rest;
}

/** The parameters each report needs, checked before any build is started. */
function checkParameters(report: AsOfReport, p: AsOfParameters): void {
  const needs: Record<AsOfReport, readonly (keyof AsOfParameters)[]> = { leaderboard: ['from', 'to'], 'payout-ledger': [], compliance: ['period', 'key'], bulletin: ['period', 'key'] };
  for (const field of needs[report]) required(p[field] as string | undefined, field);
  if ((report === 'compliance' || report === 'bulletin') && !periodDates(p.period as 'month', p.key!)) {
    throw new RuleViolation('as-of-parameter-missing', `key ${p.key} is not a ${p.period}`, { field: 'key' });
  }
}

function required(value: string | undefined, field: string): string {
  if (value === undefined) throw new RuleViolation('as-of-parameter-missing', `This report needs ${field}`, { field });
  return value;
}
