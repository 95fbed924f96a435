import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { NotFound, ValidationFailed } from '@app/kernel';
import { PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';
import { CompiledPolicy, compilePolicy, PolicySet, PolicyVersionRecord, policyVersionKey, publishedPolicyDocuments } from '@app/policies';
import { ComplianceWorld, indexFacts, periodCompliance, validPeriodKey } from '../domain/compliance-compute';
import type { CommissionFacts, IncidentFacts, ItemFacts, PeriodEnd } from '../domain/compliance-compute';
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
export function complianceWorld(rows: { policies: readonly PolicyVersionRecord[]; items: readonly ItemFacts[]; commissions: readonly CommissionFacts[]; incidents: readonly IncidentFacts[]; periodEnds: readonly PeriodEnd[] }): ComplianceWorld {
  const set = new PolicySet(publishedPolicyDocuments(new Map(rows.policies.map((p) => [policyVersionKey(p.policyId, p.version), p]))));
  const cache = new Map<string, CompiledPolicy[]>();
  const compiled = new Map<string, CompiledPolicy | undefined>();
  return {
    timeZone: COMPLIANCE_TIME_ZONE,
    inForce(unitType, date) {
      const k = `${unitType}|${date}`;
      let found = cache.get(k);
      if (!found) cache.set(k, (found = set.inForce(unitType, date)));
      return found;
    },
    policyVersion(policyId, version) {
      const k = policyVersionKey(policyId, version);
      if (!compiled.has(k)) {
        const record = rows.policies.find((p) => p.policyId === policyId && p.version === version && p.status !== 'draft');
        compiled.set(k, record ? compilePolicy(record.document) : undefined);
      }
      return compiled.get(k);
    },
    ...indexFacts(rows),
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
    const unitFilter = unitId ? 'WHERE unit_id = $1' : '';
    const args = unitId ? [unitId] : [];
    const [policies, units, items, commissions, incidents, periods] = await Promise.all([
      this.pool.query<{ record: PolicyVersionRecord }>(`SELECT record FROM ${r.t('compliance_policy_versions')}`),
      this.pool.query<{ unit_id: string; name: string; unit_type: string; registered_on: string | null; dissolved_on: string | null }>(`SELECT unit_id, name, unit_type, registered_on, dissolved_on FROM ${r.t('compliance_units')} ${unitFilter}`, args),
      // consecutive misses look back at earlier periods: every item of the units asked
      this.pool.query<{ facts: ItemFacts }>(`SELECT facts FROM ${r.t('compliance_items')} ${unitFilter}`, args),
      this.pool.query<{ facts: CommissionFacts }>(`SELECT facts FROM ${r.t('compliance_commissions')}`),
      this.pool.query<{ facts: IncidentFacts }>(`SELECT facts FROM ${r.t('compliance_incidents')} ${unitFilter}`, args),
      this.pool.query<{ ended_at: string; position: string }>(`SELECT ended_at, position FROM ${r.t('compliance_periods')}`),
    ]);
    if (unitId && units.rows.length === 0) throw new NotFound('unit', unitId);
    const world = complianceWorld({
      policies: policies.rows.map((p) => p.record),
      items: items.rows.map((x) => x.facts),
      commissions: commissions.rows.map((x) => x.facts),
      incidents: incidents.rows.map((x) => x.facts),
      periodEnds: periods.rows.map((x) => ({ endedAt: x.ended_at, position: Number(x.position) })),
    });
    // a unit registered after the period, or dissolved before it, has none for it (periodCompliance)
    const asked = units.rows.map((u) => ({ unitId: u.unit_id, name: u.name, unitType: u.unit_type, since: u.registered_on ?? undefined, until: u.dissolved_on }));
    return { buildId: r.buildId ?? null, rows: periodCompliance(world, asked, period, periodKey) };
  }
}
