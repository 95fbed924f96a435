import { DEADLINE_EVENT_TYPES } from '@app/kernel';
import type { RecordedEvent } from '@app/event-store';
import type { ProjectionContext, ProjectionDefinition } from '@app/projections';
import { INCIDENT_EVENT_TYPES, IncidentStreamEvent } from '../domain/incident.events';
import { applyIncidentEvent, IncidentView, openDues } from './incident-view';

const INCIDENT_STREAM = 'incident-';

/** The incident of an event: its stream `incident-<id>` (the deadline facts of other streams are not ours). */
const incidentOf = (e: RecordedEvent): string | null => (e.streamId.startsWith(INCIDENT_STREAM) ? e.streamId.slice(INCIDENT_STREAM.length) : null);

/** The columns lists filter on, from the view. */
function columns(v: IncidentView) {
  const dues = openDues(v);
  return {
    next_due_at: dues[0]?.dueAt ?? null,
    overdue: dues.some((d) => d.status === 'missed'),
  };
}

/**
 * The incidents read model: a row per incident (status, severity, category, unit, times, the verdict of every
 * step, what is due and when with whether it was missed, escalations, instructions with their follow-ups) and its
 * timeline. It reads only the events of incident streams (their DeadlineScheduled / Cancelled / Elapsed included:
 * the stream says whose they are). Bulk and idempotent: a batch reads the rows of the incidents it touches once,
 * folds only events past each row's revision (a redelivered event changes nothing) and writes each row once; the
 * timeline is insert-once by (incident, revision). No clock: a due is missed when its DeadlineElapsed is in the log.
 */
export const incidentsProjection: ProjectionDefinition = {
  name: 'incidents',
  version: 1,
  tables: ['incidents', 'incident_timeline'],
  eventTypes: [...INCIDENT_EVENT_TYPES, ...DEADLINE_EVENT_TYPES],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('incidents')} (
        incident_id text PRIMARY KEY,
        unit_id text NOT NULL,
        status text NOT NULL,
        severity text NOT NULL,
        category_key text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        next_due_at timestamptz,
        overdue boolean NOT NULL,
        revision bigint NOT NULL,
        view jsonb NOT NULL
      );
      CREATE INDEX ON ${t('incidents')} (occurred_at DESC, incident_id DESC);
      CREATE INDEX ON ${t('incidents')} (unit_id, occurred_at DESC);
      CREATE TABLE ${t('incident_timeline')} (
        incident_id text NOT NULL,
        revision bigint NOT NULL,
        type text NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor_id text NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (incident_id, revision)
      );
    `);
  },
  async applyBatch(events, ctx) {
    await write(events, ctx);
  },
};

async function write(events: readonly RecordedEvent[], { client, t }: ProjectionContext): Promise<void> {
  const mine = events.filter((e) => incidentOf(e) !== null);
  if (mine.length === 0) return;
  const ids = [...new Set(mine.map((e) => incidentOf(e)!))];
  const existing = await client.query<{ incident_id: string; view: IncidentView }>(`SELECT incident_id, view FROM ${t('incidents')} WHERE incident_id = ANY($1::text[])`, [ids]);
  const views = new Map<string, IncidentView | null>(existing.rows.map((r) => [r.incident_id, r.view]));
  const changed = new Set<string>();
  const timeline: { id: string; revision: string; type: string; at: string; actor: string; data: string }[] = [];
  for (const e of mine) {
    const id = incidentOf(e)!;
    const view = views.get(id) ?? null;
    if (view && BigInt(view.revision) >= e.revision) continue;
    const next = applyIncidentEvent(view, e as RecordedEvent & IncidentStreamEvent, { revision: e.revision, recordedAt: e.metadata.recordedAt });
    if (!next) continue;
    views.set(id, next);
    changed.add(id);
    timeline.push({ id, revision: e.revision.toString(), type: e.type, at: e.metadata.recordedAt, actor: e.metadata.actorId, data: JSON.stringify(e.data) });
  }
  const rows = [...changed].map((id) => views.get(id)!);
  if (rows.length > 0) {
    const c = rows.map(columns);
    await client.query(
      `INSERT INTO ${t('incidents')} (incident_id, unit_id, status, severity, category_key, occurred_at, recorded_at, next_due_at, overdue, revision, view)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::boolean[], $10::bigint[], $11::jsonb[])
       ON CONFLICT (incident_id) DO UPDATE SET unit_id = EXCLUDED.unit_id, status = EXCLUDED.status, severity = EXCLUDED.severity, category_key = EXCLUDED.category_key,
         next_due_at = EXCLUDED.next_due_at, overdue = EXCLUDED.overdue, revision = EXCLUDED.revision, view = EXCLUDED.view
       WHERE ${t('incidents')}.revision < EXCLUDED.revision`,
      [
        rows.map((r) => r.incidentId),
        rows.map((r) => r.unitId),
        rows.map((r) => r.status),
        rows.map((r) => r.severity),
        rows.map((r) => r.categoryKey),
        rows.map((r) => r.occurredAt),
        rows.map((r) => r.recordedAt),
        c.map((x) => x.next_due_at),
        c.map((x) => x.overdue),
        rows.map((r) => r.revision),
        rows.map((r) => JSON.stringify(r)),
      ],
    );
  }
  if (timeline.length > 0) {
    await client.query(
      `INSERT INTO ${t('incident_timeline')} (incident_id, revision, type, recorded_at, actor_id, data)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[]) ON CONFLICT DO NOTHING`,
      [timeline.map((x) => x.id), timeline.map((x) => x.revision), timeline.map((x) => x.type), timeline.map((x) => x.at), timeline.map((x) => x.actor), timeline.map((x) => x.data)],
    );
  }
}
