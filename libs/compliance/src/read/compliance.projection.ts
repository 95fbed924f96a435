import type { RecordedEvent } from '@app/event-store';
import { BatchMapping, batchApplier, ProjectionDefinition, TableBuffer, TableSource, tableSpec } from '@app/projections';
import { checkPolicyWhatIf, foldPolicyVersions, PolicyFoldEvent, PolicyVersionRecord, PolicyVersions, PolicyWhatIf, policyVersionKey } from '@app/policies';
import { businessDateIn } from '../domain/compliance-compute';
import type { CommissionFacts, IncidentFacts, ItemFacts, Recorded } from '../domain/compliance-compute';

/**
 * The time zone business periods are taken in: a constant of the projection like the rewards projection's
 * (changing it is a new version and a rebuild); BusinessPeriodEnded of another zone is not read.
 */
export const COMPLIANCE_TIME_ZONE = 'Asia/Shanghai';

type PolicyRow = { policy_id: string; version: number; record: PolicyVersionRecord };
type UnitRow = { unit_id: string; unit_type: string; name: string; parent_id: string | null; registered_on: string | null; dissolved_on: string | null };
type ItemRow = { draft_id: string; unit_id: string; facts: ItemFacts };
type CommissionRow = { commission_id: string; facts: CommissionFacts };
type IncidentRow = { incident_id: string; unit_id: string; facts: IncidentFacts };
type PeriodRow = { period: string; period_key: string; ended_at: string; position: number };

export const COMPLIANCE_TABLES = {
  policies: tableSpec<PolicyRow>({ name: 'compliance_policy_versions', columns: { policy_id: 'text', version: 'int', record: 'jsonb' }, key: ['policy_id', 'version'] }),
  units: tableSpec<UnitRow>({ name: 'compliance_units', columns: { unit_id: 'uuid', unit_type: 'text', name: 'text', parent_id: 'uuid', registered_on: 'text', dissolved_on: 'text' }, key: ['unit_id'] }),
  items: tableSpec<ItemRow>({ name: 'compliance_items', columns: { draft_id: 'uuid', unit_id: 'uuid', facts: 'jsonb' }, key: ['draft_id'] }),
  commissions: tableSpec<CommissionRow>({ name: 'compliance_commissions', columns: { commission_id: 'text', facts: 'jsonb' }, key: ['commission_id'] }),
  incidents: tableSpec<IncidentRow>({ name: 'compliance_incidents', columns: { incident_id: 'text', unit_id: 'uuid', facts: 'jsonb' }, key: ['incident_id'] }),
  periods: tableSpec<PeriodRow>({ name: 'compliance_periods', columns: { period: 'text', period_key: 'text', ended_at: 'text', position: 'bigint' }, key: ['period', 'period_key'] }),
};

const POLICY_TYPES = ['PolicyDrafted', 'PolicyValidated', 'PolicyPublished', 'PolicySuperseded'];
const UNIT_TYPES = ['UnitRegistered', 'UnitRenamed', 'UnitMoved', 'UnitDissolved'];
const DRAFT_TYPES = ['DraftCreated', 'DraftEdited', 'DraftSubmitted', 'DraftAdopted', 'DraftPublished', 'DraftRetracted'];
const COMMISSION_TYPES = ['CommissionIssued', 'CommissionCancelled'];
const INCIDENT_TYPES = ['IncidentReported', 'IncidentWrittenReportFiled', 'IncidentFollowUpReported', 'IncidentCaseFiled', 'IncidentCaseReported', 'IncidentFinalReportFiled', 'IncidentClosed'];
const TIME_TYPES = ['BusinessPeriodEnded', 'DeadlineElapsed'];

interface Tables {
  policies: TableBuffer<PolicyRow>;
  units: TableBuffer<UnitRow>;
  items: TableBuffer<ItemRow>;
  commissions: TableBuffer<CommissionRow>;
  incidents: TableBuffer<IncidentRow>;
  periods: TableBuffer<PeriodRow>;
}
interface Batch {
  readonly t: Tables;
  readonly whatIf: PolicyWhatIf;
  versions?: PolicyVersions;
}

type Data = Record<string, unknown>;

/** The commission or incident a stream belongs to (`commission-<id>`, `incident-<id>`). */
function subjectOf(streamId: string): { kind: 'commission' | 'incident'; id: string } | null {
  if (streamId.startsWith('commission-')) return { kind: 'commission', id: streamId.slice('commission-'.length) };
  if (streamId.startsWith('incident-')) return { kind: 'incident', id: streamId.slice('incident-'.length) };
  return null;
}

/** Where an event is in the log: its position and when it was recorded. */
export interface LogPlace {
  readonly position: number;
  readonly recordedAt: string;
}
const fact = (at: string, place: LogPlace): Recorded => ({ at, recordedAt: place.recordedAt, position: place.position });

/**
 * A draft's facts with one more event (undefined: nothing to record, e.g. an edit of a draft not seen created).
 * An event at or before the last one folded in (a redelivery) changes nothing.
 */
export function foldItemFacts(facts: ItemFacts | undefined, type: string, d: Data, place: LogPlace): ItemFacts | undefined {
  if (facts && place.position <= facts.position) return facts;
  const content = d.content as { title: string; contentType: string; eventDate?: string | null } | undefined;
  switch (type) {
    case 'DraftCreated':
      return {
        draftId: d.draftId as string,
        unitId: d.unitId as string,
        title: content!.title,
        contentType: content!.contentType,
        eventDate: content!.eventDate ?? null,
        commissionId: (d.commissionId as string | null) ?? null,
        submitted: null,
        adoptions: [],
        publications: [],
        retracted: null,
        position: place.position,
      };
    case 'DraftEdited':
      return facts && { ...facts, title: content!.title, contentType: content!.contentType, eventDate: content!.eventDate ?? null, position: place.position };
    case 'DraftSubmitted':
      // the first submission is the one timeliness and quotas count (a resubmission after rework keeps it)
      return facts && { ...facts, unitId: d.unitId as string, commissionId: (d.commissionId as string | null) ?? facts.commissionId, submitted: facts.submitted ?? fact(d.submittedAt as string, place), position: place.position };
    case 'DraftAdopted':
      return facts && { ...facts, adoptions: [...facts.adoptions, { ...fact(d.adoptedAt as string, place), levelKey: d.levelKey as string }], position: place.position };
    case 'DraftPublished':
      return facts && { ...facts, publications: [...facts.publications, { ...fact(d.publishedAt as string, place), levelKey: d.levelKey as string }], position: place.position };
    case 'DraftRetracted':
      return facts && { ...facts, retracted: facts.retracted ?? fact(place.recordedAt, place), position: place.position };
    default:
      return facts;
  }
}

/**
 * An incident's facts with one more event of its stream (the contract: libs/incidents/src/domain/incident.events.ts):
 * its anchors and the times of its filings, not the verdicts it recorded (compliance decides them under the policy
 * in force, domain/compliance-compute.ts incidentSteps). An event at or before the last one folded in changes nothing.
 */
export function foldIncidentFacts(facts: IncidentFacts | undefined, type: string, d: Data, place: LogPlace): IncidentFacts | undefined {
  if (facts && place.position <= facts.position) return facts;
  if (type === 'IncidentReported') {
    const policy = d.policy as { policyId: string; policyVersion: number } | undefined;
    return {
      incidentId: d.incidentId as string,
      unitId: d.unitId as string,
      title: d.title as string,
      occurredAt: d.occurredAt as string,
      discoveredAt: (d.discoveredAt as string | undefined) ?? (d.occurredAt as string),
      policy: policy ? { policyId: policy.policyId, policyVersion: policy.policyVersion } : null,
      reported: fact(d.reportedAt as string, place),
      written: null,
      followUps: [],
      caseFiled: null,
      caseReported: null,
      finalReport: null,
      closed: null,
      elapsed: [],
      position: place.position,
    };
  }
  if (!facts) return facts;
  const at = { position: place.position };
  switch (type) {
    case 'IncidentWrittenReportFiled':
      return { ...facts, ...at, written: facts.written ?? fact(d.filedAt as string, place) };
    case 'IncidentFollowUpReported':
      return { ...facts, ...at, followUps: [...facts.followUps, fact(d.reportedAt as string, place)] };
    case 'IncidentCaseFiled':
      return { ...facts, ...at, caseFiled: facts.caseFiled ?? fact(d.filedAt as string, place) };
    case 'IncidentCaseReported':
      return { ...facts, ...at, caseReported: facts.caseReported ?? fact(d.reportedAt as string, place) };
    case 'IncidentFinalReportFiled':
      return { ...facts, ...at, finalReport: facts.finalReport ?? fact(d.filedAt as string, place) };
    case 'IncidentClosed':
      return { ...facts, ...at, closed: facts.closed ?? fact(d.closedAt as string, place) };
    case 'DeadlineElapsed':
      return { ...facts, ...at, elapsed: [...facts.elapsed, fact(d.dueAt as string, place)] };
    default:
      return facts;
  }
}

function mapping(whatIf: PolicyWhatIf): BatchMapping<Batch> {
  return {
    tables(table: TableSource): Batch {
      return {
        t: {
          policies: table(COMPLIANCE_TABLES.policies),
          units: table(COMPLIANCE_TABLES.units),
          items: table(COMPLIANCE_TABLES.items),
          commissions: table(COMPLIANCE_TABLES.commissions),
          incidents: table(COMPLIANCE_TABLES.incidents),
          periods: table(COMPLIANCE_TABLES.periods),
        },
        whatIf,
      };
    },
    want(events, b) {
      b.t.policies.wantAll();
      const drafts = events.filter((e) => DRAFT_TYPES.includes(e.type)).map((e) => ({ draft_id: (e.data as Data).draftId as string }));
      if (drafts.length > 0) b.t.items.want(...drafts);
      const units = events.filter((e) => UNIT_TYPES.includes(e.type)).map((e) => ({ unit_id: (e.data as Data).unitId as string }));
      if (units.length > 0) b.t.units.want(...units);
      const commissions: { commission_id: string }[] = [];
      const incidents: { incident_id: string }[] = [];
      for (const e of events) {
        const s = subjectOf(e.streamId);
        if (s?.kind === 'commission') commissions.push({ commission_id: s.id });
        if (s?.kind === 'incident') incidents.push({ incident_id: s.id });
      }
      if (commissions.length > 0) b.t.commissions.want(...commissions);
      if (incidents.length > 0) b.t.incidents.want(...incidents);
    },
    apply(event: RecordedEvent, b) {
      const d = event.data as Data;
      const type = event.type;
      const place: LogPlace = { position: Number(event.position), recordedAt: new Date(event.metadata.recordedAt).toISOString() };
      if (DRAFT_TYPES.includes(type)) {
        const row = b.t.items.get({ draft_id: d.draftId as string });
        const facts = foldItemFacts(row?.facts, type, d, place);
        if (facts && facts !== row?.facts) b.t.items.put({ draft_id: facts.draftId, unit_id: facts.unitId, facts });
        return;
      }
      if (POLICY_TYPES.includes(type)) {
        b.versions ??= new Map(b.t.policies.rows().map((r) => [policyVersionKey(r.policy_id, r.version), r.record]));
        for (const key of foldPolicyVersions(b.versions, [{ type, data: d, recordedAt: event.metadata.recordedAt } as unknown as PolicyFoldEvent], b.whatIf)) {
          const record = b.versions.get(key)!;
          b.t.policies.put({ policy_id: record.policyId, version: record.version, record });
        }
        return;
      }
      const subject = subjectOf(event.streamId);
      if (subject?.kind === 'incident' && (INCIDENT_TYPES.includes(type) || type === 'DeadlineElapsed')) {
        const row = b.t.incidents.get({ incident_id: subject.id });
        const facts = foldIncidentFacts(row?.facts, type, d, place);
        if (facts && facts !== row?.facts) b.t.incidents.put({ incident_id: subject.id, unit_id: facts.unitId, facts });
        return;
      }
      if (subject?.kind === 'commission') {
        const row = b.t.commissions.get({ commission_id: subject.id });
        if (row && place.position <= row.facts.position) return;
        if (type === 'CommissionIssued') {
          b.t.commissions.put({ commission_id: subject.id, facts: { commissionId: d.commissionId as string, unitIds: d.unitIds as string[], deadline: d.deadline as string, issuedAt: place.position, cancelled: null, elapsed: row?.facts.elapsed ?? null, position: place.position } });
        } else if (row && type === 'CommissionCancelled') {
          b.t.commissions.put({ ...row, facts: { ...row.facts, cancelled: row.facts.cancelled ?? fact(place.recordedAt, place), position: place.position } });
        } else if (row && type === 'DeadlineElapsed') {
          b.t.commissions.put({ ...row, facts: { ...row.facts, elapsed: row.facts.elapsed ?? fact(d.dueAt as string, place), position: place.position } });
        }
        return;
      }
      switch (type) {
        case 'UnitRegistered':
          b.t.units.put({ unit_id: d.unitId as string, unit_type: d.unitType as string, name: d.name as string, parent_id: (d.parentId as string | null) ?? null, registered_on: d.registeredAt ? businessDateIn(d.registeredAt as string, COMPLIANCE_TIME_ZONE) : null, dissolved_on: null });
          return;
        case 'UnitRenamed':
          b.t.units.patch({ unit_id: d.unitId as string }, { name: d.name as string });
          return;
        case 'UnitMoved':
          b.t.units.patch({ unit_id: d.unitId as string }, { parent_id: (d.toParentId as string | null) ?? null });
          return;
        case 'UnitDissolved':
          b.t.units.patch({ unit_id: d.unitId as string }, { dissolved_on: d.dissolvedOn as string });
          return;
        case 'BusinessPeriodEnded':
          if (d.timeZone !== COMPLIANCE_TIME_ZONE || d.period === 'day') return;
          b.t.periods.put({ period: d.period as string, period_key: d.key as string, ended_at: new Date(d.endedAt as string).toISOString(), position: place.position });
          return;
        default:
          return;
      }
    },
  };
}

/**
 * Compliance per unit and period (issue 11 item 4, docs/compliance.md): the facts compliance is computed from,
 * folded from the log alone (policy versions through foldPolicyVersions with the `policies` what-if parameter,
 * the unit tree, each draft's content type, event date, first submission, adoptions and publications, each
 * commission's units and deadline, each incident's step verdicts and elapsed dues, the business periods that
 * ended). The figures (quotas, timeliness, incident verdicts, penalties, grade) are a pure function of these rows
 * and the policies (domain/compliance-compute.ts), computed when asked: a policy change re-evaluates every period
 * at once, and a live build equals a rebuild. Every fact keeps its log position: a row ignores an event at or
 * before the last one it folded (a redelivered batch changes nothing), and a final period counts the facts up to
 * its BusinessPeriodEnded.
 */
export const complianceProjection: ProjectionDefinition = {
  name: 'compliance',
  // v2: facts carry their log positions (redelivery guard, final periods as of their BusinessPeriodEnded) and
  // incidents their anchors and filings instead of recorded verdicts
  version: 2,
  tables: Object.values(COMPLIANCE_TABLES).map((s) => s.name),
  eventTypes: [...POLICY_TYPES, ...UNIT_TYPES, ...DRAFT_TYPES, ...COMMISSION_TYPES, ...INCIDENT_TYPES, ...TIME_TYPES],
  parameters: { policies: checkPolicyWhatIf },
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('compliance_policy_versions')} (policy_id text NOT NULL, version int NOT NULL, record jsonb NOT NULL, PRIMARY KEY (policy_id, version));
      CREATE TABLE ${t('compliance_units')} (unit_id uuid PRIMARY KEY, unit_type text NOT NULL, name text NOT NULL, parent_id uuid, registered_on text, dissolved_on text);
      CREATE TABLE ${t('compliance_items')} (draft_id uuid PRIMARY KEY, unit_id uuid NOT NULL, facts jsonb NOT NULL);
      CREATE INDEX ON ${t('compliance_items')} (unit_id);
      CREATE TABLE ${t('compliance_commissions')} (commission_id text PRIMARY KEY, facts jsonb NOT NULL);
      CREATE TABLE ${t('compliance_incidents')} (incident_id text PRIMARY KEY, unit_id uuid NOT NULL, facts jsonb NOT NULL);
      CREATE TABLE ${t('compliance_periods')} (period text NOT NULL, period_key text NOT NULL, ended_at text NOT NULL, position bigint NOT NULL, PRIMARY KEY (period, period_key));
    `);
  },
  async applyBatch(events, ctx) {
    await batchApplier<Batch>(mapping((ctx.parameters.policies ?? {}) as PolicyWhatIf))(events, ctx);
  },
};
