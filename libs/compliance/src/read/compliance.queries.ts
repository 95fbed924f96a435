import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { NotFound, ValidationFailed } from '@app/kernel';
import { PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';
import { CompiledPolicy, PolicySet, PolicyVersionRecord, policyVersionKey, publishedPolicyDocuments } from '@app/policies';
import { ComplianceWorld, periodBounds, periodCompliance, UnitFacts, validPeriodKey } from '../domain/compliance-compute';
import type { CommissionFacts, IncidentFacts, ItemFacts } from '../domain/compliance-compute';
import type { CompliancePeriod, UnitCompliance } from './compliance-report';
import { COMPLIANCE_TABLES, COMPLIANCE_TIME_ZONE } from './compliance.projection';

const TABLES = Object.values(COMPLIANCE_TABLES).map((s) => s.name);
export const COMPLIANCE_PERIODS: readonly CompliancePeriod[] = ['month', 'quarter', 'semester', 'year'];
const KEY_EXAMPLES: Record<CompliancePeriod, string> = { month: '2026-11', quarter: '2026-Q4', semester: '2026-H2', year: '2026' };

/** 400 naming `key` when it is not a key of the period (2026-11, 2026-Q4, 2026-H2, 2026). */
export function checkPeriodKey(period: CompliancePeriod, key: string): void {
  if (!validPeriodKey(period, key)) {
    throw new ValidationFailed([{ field: 'key', message: `key must be a ${period} such as ${KEY_EXAMPLES[period]}` }], `key ${JSON.stringify(key)} is not a ${period}`);
  }
}

/** What the compliance figures are computed from, given the projection's rows (the policy set of its folded versions). */
export function complianceWorld(rows: { policies: readonly PolicyVersionRecord[] } & Omit<ComplianceWorld, 'timeZone' | 'inForce'>): ComplianceWorld {
  const set = new PolicySet(publishedPolicyDocuments(new Map(rows.policies.map((p) => [policyVersionKey(p.policyId, p.version), p]))));
  const cache = new Map<string, CompiledPolicy[]>();
  return {
    timeZone: COMPLIANCE_TIME_ZONE,
    inForce(unitType, date) {
      const k = `${unitType}|${date}`;
      let found = cache.get(k);
      if (!found) cache.set(k, (found = set.inForce(unitType, date)));
      return found;
    },
    items: rows.items,
    commissions: rows.commissions,
    incidents: rows.incidents,
    periodsEndedAt: rows.periodsEndedAt,
  };
}

/**
 * Compliance per unit and period from the compliance read model (live, or the build X-Read-Build names). The
 * query the bulletins call: `rows(period, periodKey, unitId?)` gives UnitCompliance rows ranked by score.
 */
@Injectable()
export class ComplianceQueries {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  async rows(period: CompliancePeriod, periodKey: string, unitId?: string, read?: ReadSelector): Promise<UnitCompliance[]> {
    return (await this.report(period, periodKey, unitId, read)).rows;
  }

  async report(period: CompliancePeriod, periodKey: string, unitId?: string, read?: ReadSelector): Promise<{ buildId: string | null; rows: UnitCompliance[] }> {
    checkPeriodKey(period, periodKey);
    const r = await this.readModels.scope(read, TABLES);
    const bounds = periodBounds(period, periodKey, COMPLIANCE_TIME_ZONE);
    const unitFilter = unitId ? 'WHERE unit_id = $1' : '';
    const args = unitId ? [unitId] : [];
    const [policies, units, items, commissions, incidents, periods] = await Promise.all([
      this.pool.query<{ record: PolicyVersionRecord }>(`SELECT record FROM ${r.t('compliance_policy_versions')}`),
      this.pool.query<{ unit_id: string; name: string; unit_type: string; registered_on: string | null; dissolved_on: string | null }>(`SELECT unit_id, name, unit_type, registered_on, dissolved_on FROM ${r.t('compliance_units')} ${unitFilter}`, args),
      // consecutive misses look back at earlier periods: every item of the units asked
      this.pool.query<{ facts: ItemFacts }>(`SELECT facts FROM ${r.t('compliance_items')} ${unitFilter}`, args),
      this.pool.query<{ facts: CommissionFacts }>(`SELECT facts FROM ${r.t('compliance_commissions')}`),
      this.pool.query<{ facts: IncidentFacts }>(`SELECT facts FROM ${r.t('compliance_incidents')} ${unitFilter}`, args),
      this.pool.query<{ ended_at: string }>(`SELECT ended_at FROM ${r.t('compliance_periods')}`),
    ]);
    if (unitId && units.rows.length === 0) throw new NotFound('unit', unitId);
    const world = complianceWorld({
      policies: policies.rows.map((p) => p.record),
      items: items.rows.map((x) => x.facts),
      commissions: commissions.rows.map((x) => x.facts),
      incidents: incidents.rows.map((x) => x.facts),
      periodsEndedAt: periods.rows.map((x) => x.ended_at),
    });
    // a unit dissolved before the period began has no compliance for it (its history stays in earlier periods)
    const asked: UnitFacts[] = units.rows.filter((u) => !u.dissolved_on || u.dissolved_on >= bounds.from).map((u) => ({ unitId: u.unit_id, name: u.name, unitType: u.unit_type, since: u.registered_on ?? undefined }));
    return { buildId: r.buildId ?? null, rows: periodCompliance(world, asked, period, periodKey) };
  }
}
