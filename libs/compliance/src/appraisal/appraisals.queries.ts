import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { NotFound, ValidationFailed } from '@app/kernel';
import { PG_POOL, ReadSelector } from '@app/platform';
import { ReadModels } from '@app/projections';
import { PolicySet, PolicyVersionRecord, policyVersionKey, publishedPolicyDocuments } from '@app/policies';
import type { AppraisalScores } from './appraisal.decider';
import { appraisalResult, AppraisalResult, LogOccurrence, RecordedEntry } from './appraisal-score';
import { periodDates, periodOfKey, ReportPeriod } from './appraisal-periods';
import { APPRAISAL_TABLES } from './appraisals.projection';
import { appraisalRuleInForce } from './appraisal-rule';

type SheetRow = { member_id: string; scores: AppraisalScores; entries: RecordedEntry[] };
type OccurrenceRow = { member_id: string; kind: LogOccurrence['kind']; level_key: string | null; business_date: string; event_id: string; event_type: string; draft_id: string | null; incident_id: string | null };

export interface PersonAppraisal extends AppraisalResult {
  readonly memberId: string;
  readonly name: string | null;
  readonly period: ReportPeriod;
  readonly periodKey: string;
  readonly from: string;
  readonly to: string;
}

/** Appraisal scores from the `appraisals` read model (live, or the build X-Read-Build names). */
@Injectable()
export class AppraisalQueries {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly readModels: ReadModels,
  ) {}

  /** Everyone with a sheet or a counted occurrence in the period, ranked by composite (1, 2, 2, 4; ties by name, id). */
  async ranked(period: ReportPeriod, periodKey: string, read?: ReadSelector) {
    const dates = periodDates(period, periodKey);
    if (!dates) throw new ValidationFailed([{ field: 'key', message: `key is not a ${period} (e.g. ${period === 'year' ? '2026' : period === 'semester' ? '2026-H1' : period === 'quarter' ? '2026-Q1' : '2026-03'})` }]);
    const r = await this.readModels.scope(read, APPRAISAL_TABLES);
    const rule = await this.rule(r.t, period, periodKey, dates.to);
    const people = await this.people(r.t, periodKey, dates, null);
    const rows = rule ? people.map((p) => this.result(p, rule, period, periodKey, dates)) : [];
    rows.sort((a, b) => b.composite - a.composite || (a.name ?? '').localeCompare(b.name ?? '') || a.memberId.localeCompare(b.memberId));
    let rank = 0;
    const ranked = rows.map((row, i) => {
      if (i === 0 || row.composite !== rows[i - 1]!.composite) rank = i + 1;
      return { rank, ...row };
    });
    return { period, key: periodKey, from: dates.from, to: dates.to, policy: rule?.policy ?? null, buildId: r.buildId ?? null, rows: ranked };
  }

  /** One person's appraisal for a period, with every item and where it came from. */
  async person(memberId: string, periodKey: string, read?: ReadSelector): Promise<PersonAppraisal & { buildId: string | null }> {
    const period = periodOfKey(periodKey);
    const dates = period && periodDates(period, periodKey);
    if (!period || !dates) throw new ValidationFailed([{ field: 'periodKey', message: 'periodKey is a year (2026), half year (2026-H1), quarter (2026-Q1) or month (2026-03)' }]);
    const r = await this.readModels.scope(read, APPRAISAL_TABLES);
    const rule = await this.rule(r.t, period, periodKey, dates.to);
    if (!rule) throw new NotFound('appraisal rule for period', periodKey);
    const [person] = await this.people(r.t, periodKey, dates, memberId);
    const name = (await this.pool.query<{ name: string }>(`SELECT name FROM ${r.t('appraisal_members')} WHERE member_id = $1`, [memberId])).rows[0]?.name ?? null;
    if (!person && name === null) throw new NotFound('member', memberId);
    return { ...this.result(person ?? { memberId, name, scores: {}, entries: [], occurrences: [] }, rule, period, periodKey, dates), buildId: r.buildId ?? null };
  }

  private result(p: Person, rule: NonNullable<Awaited<ReturnType<AppraisalQueries['rule']>>>, period: ReportPeriod, periodKey: string, dates: { from: string; to: string }): PersonAppraisal {
    return { memberId: p.memberId, name: p.name, period, periodKey, ...dates, ...appraisalResult({ rule: rule.rule, policy: rule.policy, scores: p.scores, entries: p.entries, occurrences: p.occurrences }) };
  }

  private async rule(t: (name: string) => string, period: ReportPeriod, periodKey: string, lastDay: string) {
    const rows = await this.pool.query<{ record: PolicyVersionRecord }>(`SELECT record FROM ${t('appraisal_policy_versions')}`);
    const set = new PolicySet(publishedPolicyDocuments(new Map(rows.rows.map((r) => [policyVersionKey(r.record.policyId, r.record.version), r.record]))));
    const found = appraisalRuleInForce(set, lastDay);
    return found && found.rule.period === period ? found : null;
  }

  private async people(t: (name: string) => string, periodKey: string, dates: { from: string; to: string }, memberId: string | null): Promise<Person[]> {
    const [sheets, occurrences, names] = await Promise.all([
      this.pool.query<SheetRow>(`SELECT member_id, scores, entries FROM ${t('appraisal_sheets')} WHERE period_key = $1 AND ($2::text IS NULL OR member_id = $2)`, [periodKey, memberId]),
      this.pool.query<OccurrenceRow>(
        `SELECT COALESCE(o.member_id, d.first_author) AS member_id, o.kind, o.level_key, to_char(o.business_date, 'YYYY-MM-DD') AS business_date, o.event_id, o.event_type, o.draft_id, o.incident_id
           FROM ${t('appraisal_occurrences')} o LEFT JOIN ${t('appraisal_drafts')} d ON d.draft_id = o.draft_id
          WHERE o.business_date BETWEEN $1::date AND $2::date AND COALESCE(o.member_id, d.first_author) IS NOT NULL
            AND ($3::text IS NULL OR COALESCE(o.member_id, d.first_author) = $3)
          ORDER BY o.business_date, o.event_id`,
        [dates.from, dates.to, memberId],
      ),
      this.pool.query<{ member_id: string; name: string }>(`SELECT member_id, name FROM ${t('appraisal_members')} WHERE $1::text IS NULL OR member_id = $1`, [memberId]),
    ]);
    const nameOf = new Map(names.rows.map((n) => [n.member_id, n.name]));
    const people = new Map<string, Person>();
    const get = (id: string) => {
      let p = people.get(id);
      if (!p) people.set(id, (p = { memberId: id, name: nameOf.get(id) ?? null, scores: {}, entries: [], occurrences: [] }));
      return p;
    };
    for (const s of sheets.rows) Object.assign(get(s.member_id), { scores: s.scores, entries: s.entries });
    for (const o of occurrences.rows) {
      get(o.member_id).occurrences.push({ kind: o.kind, levelKey: o.level_key, businessDate: o.business_date, eventId: o.event_id, eventType: o.event_type, draftId: o.draft_id, incidentId: o.incident_id });
    }
    return [...people.values()];
  }
}

interface Person {
  memberId: string;
  name: string | null;
  scores: AppraisalScores;
  entries: RecordedEntry[];
  occurrences: LogOccurrence[];
}
