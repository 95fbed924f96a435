import type { RecordedEvent } from '@app/event-store';
import type { ProjectionContext, ProjectionDefinition } from '@app/projections';
import { foldPolicyVersions, PolicyFoldEvent, PolicyVersionRecord, PolicyVersions, policyVersionKey } from '@app/policies';
import { APPRAISAL_EVENT_TYPES, AppraisalEvent, AppraisalPolicyRef, AppraisalScores } from './appraisal.decider';
import type { LogOccurrence, RecordedEntry } from './appraisal-score';
import { businessDateIn } from '../domain/compliance-compute';

/** The time zone business dates are taken in (a constant of the projection, as REWARDS_TIME_ZONE is). */
export const APPRAISAL_TIME_ZONE = 'Asia/Shanghai';

const POLICY_TYPES = ['PolicyDrafted', 'PolicyValidated', 'PolicyPublished', 'PolicySuperseded'];
const DRAFT_TYPES = ['DraftCreated', 'DraftEdited', 'DraftSubmitted', 'DraftAdopted', 'LeaderInstructionRecorded'];
const INCIDENT_TYPES = ['IncidentReported', 'IncidentWrittenReportFiled', 'IncidentFollowUpReported', 'IncidentCaseReported'];
const ORG_TYPES = ['MemberRegistered', 'MemberDetailsUpdated'];

export const APPRAISAL_TABLES = ['appraisal_policy_versions', 'appraisal_members', 'appraisal_sheets', 'appraisal_drafts', 'appraisal_occurrences'];

interface Sheet {
  member_id: string;
  period_key: string;
  scores: AppraisalScores;
  entries: RecordedEntry[];
  policy: AppraisalPolicyRef | null;
}

type OccurrenceRow = LogOccurrence & { memberId: string | null };

type Data = Record<string, unknown>;
type Verdict = { verdict: string } | null | undefined;
const lateVerdict = (v: Verdict) => v?.verdict === 'late' || v?.verdict === 'concealed';

/** The occurrence an event is for the appraisal (R8.06, R8.10), or none. */
function occurrenceOf(e: RecordedEvent): OccurrenceRow | null {
  const d = e.data as Data;
  const base = { eventId: e.metadata.eventId, eventType: e.type, draftId: null, incidentId: null, memberId: null, levelKey: null };
  const date = (at: unknown) => businessDateIn(at as string, APPRAISAL_TIME_ZONE);
  switch (e.type) {
    case 'DraftAdopted':
      return { ...base, kind: 'adoption', levelKey: d.levelKey as string, draftId: d.draftId as string, businessDate: date(d.adoptedAt) };
    case 'LeaderInstructionRecorded':
      return { ...base, kind: 'instruction', levelKey: d.levelKey as string, draftId: d.draftId as string, businessDate: date(d.instructedAt) };
    case 'DraftSubmitted':
      return (d.timeliness as { late?: boolean } | undefined)?.late ? { ...base, kind: 'late_report', draftId: d.draftId as string, businessDate: date(d.submittedAt) } : null;
    case 'IncidentReported':
      return lateVerdict(d.firstReport as Verdict) ? { ...base, kind: 'late_report', incidentId: d.incidentId as string, memberId: d.reportedBy as string, businessDate: date(d.reportedAt) } : null;
    case 'IncidentWrittenReportFiled':
      return lateVerdict(d.verdict as Verdict) ? { ...base, kind: 'late_report', incidentId: d.incidentId as string, memberId: d.filedBy as string, businessDate: date(d.filedAt) } : null;
    case 'IncidentFollowUpReported':
    case 'IncidentCaseReported':
      return lateVerdict(d.verdict as Verdict) ? { ...base, kind: 'late_report', incidentId: d.incidentId as string, memberId: d.reportedBy as string, businessDate: date(d.reportedAt) } : null;
    default:
      return null;
  }
}

/** Folds one appraisal event into its sheet (recorded entries in recording order; a retraction removes the entry). */
export function foldSheet(sheet: Sheet, event: AppraisalEvent, eventId: string): Sheet {
  switch (event.type) {
    case 'AppraisalScoresRecorded':
      return { ...sheet, scores: { ...sheet.scores, ...event.data.scores }, policy: event.data.policy };
    case 'AppraisalItemRecorded': {
      const d = event.data;
      if (sheet.entries.some((x) => x.itemId === d.itemId)) return sheet;
      const entry: RecordedEntry = { itemId: d.itemId, ruleItemId: d.ruleItemId, points: d.points, reason: d.reason, evidence: d.evidence, occurredOn: d.occurredOn, recordedBy: d.recordedBy, recordedAt: d.recordedAt, eventId };
      return { ...sheet, entries: [...sheet.entries, entry], policy: d.policy };
    }
    case 'AppraisalItemRetracted':
      return { ...sheet, entries: sheet.entries.filter((x) => x.itemId !== event.data.itemId) };
  }
}

/**
 * The individual appraisal read model (R4.44, §8.1): the policy versions (folded as the rewards projection folds
 * them), members' names, each person's appraisal sheet (review scores and recorded entries, from the
 * `appraisal-…` streams), each draft's first author, and every occurrence the log gives the counted items: an
 * adoption or a leader's instruction of a draft (with its level), a draft submitted late
 * (DraftSubmitted.timeliness.late), an incident report whose verdict is late or concealed. The scores themselves are
 * computed when read (appraisalResult), from these rows alone: the same log gives the same scores. Each batch is a
 * handful of multi-row statements, each safe to apply twice.
 */
export const appraisalsProjection: ProjectionDefinition = {
  name: 'appraisals',
  version: 1,
  tables: APPRAISAL_TABLES,
  eventTypes: [...APPRAISAL_EVENT_TYPES, ...POLICY_TYPES, ...DRAFT_TYPES, ...INCIDENT_TYPES, ...ORG_TYPES],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('appraisal_policy_versions')} (policy_id text NOT NULL, version int NOT NULL, record jsonb NOT NULL, PRIMARY KEY (policy_id, version));
      CREATE TABLE ${t('appraisal_members')} (member_id text PRIMARY KEY, name text NOT NULL);
      CREATE TABLE ${t('appraisal_sheets')} (member_id text NOT NULL, period_key text NOT NULL, scores jsonb NOT NULL, entries jsonb NOT NULL, policy jsonb, PRIMARY KEY (member_id, period_key));
      CREATE TABLE ${t('appraisal_drafts')} (draft_id text PRIMARY KEY, first_author text);
      CREATE TABLE ${t('appraisal_occurrences')} (
        event_id text PRIMARY KEY, kind text NOT NULL, level_key text, business_date date NOT NULL, event_type text NOT NULL,
        draft_id text, incident_id text, member_id text);
      CREATE INDEX ON ${t('appraisal_occurrences')} (business_date);
      CREATE INDEX ON ${t('appraisal_occurrences')} (draft_id);
    `);
  },
  async applyBatch(events, ctx) {
    await applyAppraisalBatch(events, ctx);
  },
};

async function applyAppraisalBatch(events: readonly RecordedEvent[], { client, t }: ProjectionContext): Promise<void> {
  // policy versions: the whole (small) table, folded with the batch's policy events
  const policyEvents = events.filter((e) => POLICY_TYPES.includes(e.type));
  if (policyEvents.length > 0) {
    const rows = await client.query<{ record: PolicyVersionRecord }>(`SELECT record FROM ${t('appraisal_policy_versions')}`);
    const versions: PolicyVersions = new Map(rows.rows.map((r) => [policyVersionKey(r.record.policyId, r.record.version), r.record]));
    const changed = foldPolicyVersions(versions, policyEvents.map((e) => ({ type: e.type, data: e.data, recordedAt: e.metadata.recordedAt }) as unknown as PolicyFoldEvent));
    const records = [...changed].map((k) => versions.get(k)!);
    if (records.length > 0) {
      await client.query(
        `INSERT INTO ${t('appraisal_policy_versions')} (policy_id, version, record) SELECT * FROM unnest($1::text[], $2::int[], $3::jsonb[])
         ON CONFLICT (policy_id, version) DO UPDATE SET record = EXCLUDED.record`,
        [records.map((r) => r.policyId), records.map((r) => r.version), records.map((r) => JSON.stringify(r))],
      );
    }
  }
  const members = new Map<string, string>();
  const authors = new Map<string, string | null>();
  const occurrences = new Map<string, OccurrenceRow>();
  const sheetEvents: RecordedEvent[] = [];
  for (const e of events) {
    const d = e.data as Data;
    if (e.type === 'MemberRegistered' || e.type === 'MemberDetailsUpdated') members.set(d.memberId as string, d.name as string);
    else if (e.type === 'DraftCreated' || e.type === 'DraftEdited') authors.set(d.draftId as string, ((d.content as { authors?: string[] } | undefined)?.authors ?? [])[0] ?? null);
    else if ((APPRAISAL_EVENT_TYPES as readonly string[]).includes(e.type)) sheetEvents.push(e);
    const o = occurrenceOf(e);
    if (o) occurrences.set(o.eventId, o);
  }
  if (members.size > 0) {
    await client.query(`INSERT INTO ${t('appraisal_members')} SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (member_id) DO UPDATE SET name = EXCLUDED.name`, [[...members.keys()], [...members.values()]]);
  }
  if (authors.size > 0) {
    await client.query(`INSERT INTO ${t('appraisal_drafts')} SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (draft_id) DO UPDATE SET first_author = EXCLUDED.first_author`, [[...authors.keys()], [...authors.values()]]);
  }
  if (occurrences.size > 0) {
    const o = [...occurrences.values()];
    await client.query(
      `INSERT INTO ${t('appraisal_occurrences')} SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::text[], $8::text[]) ON CONFLICT (event_id) DO NOTHING`,
      [o.map((x) => x.eventId), o.map((x) => x.kind), o.map((x) => x.levelKey), o.map((x) => x.businessDate), o.map((x) => x.eventType), o.map((x) => x.draftId), o.map((x) => x.incidentId), o.map((x) => x.memberId)],
    );
  }
  if (sheetEvents.length > 0) await applySheets(sheetEvents, client, t);
}

async function applySheets(events: readonly RecordedEvent[], client: ProjectionContext['client'], t: ProjectionContext['t']): Promise<void> {
  const keyOf = (e: RecordedEvent) => {
    const d = e.data as { memberId: string; periodKey: string };
    return [d.memberId, d.periodKey] as const;
  };
  const keys = [...new Map(events.map((e) => [keyOf(e).join('\u0000'), keyOf(e)])).values()];
  const loaded = await client.query<Sheet>(
    `SELECT s.* FROM ${t('appraisal_sheets')} s JOIN unnest($1::text[], $2::text[]) AS k(m, p) ON s.member_id = k.m AND s.period_key = k.p`,
    [keys.map((k) => k[0]), keys.map((k) => k[1])],
  );
  const sheets = new Map(loaded.rows.map((s) => [`${s.member_id}\u0000${s.period_key}`, s]));
  for (const e of events) {
    const [memberId, periodKey] = keyOf(e);
    const key = `${memberId}\u0000${periodKey}`;
    const sheet = sheets.get(key) ?? { member_id: memberId, period_key: periodKey, scores: {}, entries: [], policy: null };
    sheets.set(key, foldSheet(sheet, e as unknown as AppraisalEvent, e.metadata.eventId));
  }
  const all = [...sheets.values()];
  await client.query(
    `INSERT INTO ${t('appraisal_sheets')} SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::jsonb[])
     ON CONFLICT (member_id, period_key) DO UPDATE SET scores = EXCLUDED.scores, entries = EXCLUDED.entries, policy = EXCLUDED.policy`,
    [all.map((s) => s.member_id), all.map((s) => s.period_key), all.map((s) => JSON.stringify(s.scores)), all.map((s) => JSON.stringify(s.entries)), all.map((s) => (s.policy ? JSON.stringify(s.policy) : null))],
  );
}
