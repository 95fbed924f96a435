import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@app/platform';
import type { PolicyDocument } from '../domain/policy-document';
import { PolicySet } from '../domain/policy-set';

/**
 * The published policies (superseded versions included: they still govern the dates the newer version does not
 * cover) as a compiled PolicySet, rebuilt only when that set changes: compile once, evaluate many times.
 */
@Injectable()
export class PolicyCatalog {
  private cached: { key: string; set: PolicySet } | undefined;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async published(): Promise<PolicySet> {
    const versions = await this.pool.query<{ key: string }>(
      `SELECT coalesce(string_agg(policy_id || ':' || version, ',' ORDER BY policy_id, version), '') AS key FROM rm.policy_versions WHERE status IN ('published', 'superseded')`,
    );
    const key = versions.rows[0]!.key;
    if (this.cached?.key !== key) {
      const docs = await this.pool.query<{ document: PolicyDocument }>(`SELECT document FROM rm.policy_versions WHERE status IN ('published', 'superseded')`);
      this.cached = { key, set: new PolicySet(docs.rows.map((r) => r.document)) };
    }
    return this.cached.set;
  }
}
