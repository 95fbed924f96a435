import type { RecordedEvent } from '@app/event-store';
import type { BusinessPeriodEnded, DeadlineEvent } from '@app/kernel';
import type { ProjectionContext, ProjectionDefinition } from '@app/projections';

type SchedulerEvent = RecordedEvent & (DeadlineEvent | BusinessPeriodEnded);

interface NewDeadline {
  deadlineId: string;
  subject: string;
  stream: string;
  kind: string;
  dueAt: string;
  eventId: string;
  position: string;
}
interface Settled {
  deadlineId: string;
  status: 'cancelled' | 'elapsed';
  at: string;
  position: string;
}

/** The row changes of a batch, in memory (pure): new deadlines, settled ones (first settlement wins), ended periods. */
export function schedulerChanges(events: readonly RecordedEvent[]) {
  const added = new Map<string, NewDeadline>();
  const settled = new Map<string, Settled>();
  const periods = new Map<string, BusinessPeriodEnded['data'] & { position: string }>();
  for (const e of events as readonly SchedulerEvent[]) {
    switch (e.type) {
      case 'DeadlineScheduled':
        if (!added.has(e.data.deadlineId)) {
          added.set(e.data.deadlineId, { ...e.data, stream: e.streamId, eventId: e.metadata.eventId, position: e.position.toString() });
        }
        break;
      case 'DeadlineCancelled':
      case 'DeadlineElapsed':
        if (!settled.has(e.data.deadlineId)) {
          const status = e.type === 'DeadlineCancelled' ? 'cancelled' : 'elapsed';
          // the fact's own time: when it was cancelled, or the due time (not when the scheduler noticed it)
          const at = e.type === 'DeadlineCancelled' ? e.data.cancelledAt : e.data.dueAt;
          settled.set(e.data.deadlineId, { deadlineId: e.data.deadlineId, status, at, position: e.position.toString() });
        }
        break;
      case 'BusinessPeriodEnded': {
        const key = `${e.data.timeZone} ${e.data.period} ${e.data.key}`;
        if (!periods.has(key)) periods.set(key, { ...e.data, position: e.position.toString() });
        break;
      }
      default:
        break;
    }
  }
  return { added: [...added.values()], settled: [...settled.values()], periods: [...periods.values()] };
}

/**
 * The scheduler's own read model (what it must wake for, and what operators list): every deadline deciders
 * registered, with its state, and every business period whose end was recorded. It folds only the scheduler's
 * facts; each batch is three multi-row statements at most, each safe to apply twice (insert once; settle only a
 * deadline still scheduled; the first of cancel/elapse wins, as in the subject's own stream).
 */
export const schedulerProjection: ProjectionDefinition = {
  name: 'scheduler',
  version: 1,
  tables: ['deadlines', 'business_periods'],
  eventTypes: ['DeadlineScheduled', 'DeadlineCancelled', 'DeadlineElapsed', 'BusinessPeriodEnded'],
  async setup(client, t) {
    await client.query(`
      CREATE TABLE ${t('deadlines')} (
        deadline_id uuid PRIMARY KEY,
        -- the stream DeadlineElapsed goes to: the stream that scheduled it
        stream text NOT NULL,
        subject text NOT NULL,
        kind text NOT NULL,
        due_at timestamptz NOT NULL,
        status text NOT NULL,
        scheduled_event_id uuid NOT NULL,
        scheduled_position bigint NOT NULL,
        settled_at timestamptz,
        settled_position bigint
      );
      -- the scheduler's question: the next pending deadlines by due time
      CREATE INDEX ON ${t('deadlines')} (due_at, deadline_id) WHERE status = 'scheduled';
      CREATE TABLE ${t('business_periods')} (
        time_zone text NOT NULL,
        period text NOT NULL,
        key text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (time_zone, period, key)
      );
      CREATE INDEX ON ${t('business_periods')} (ended_at);
    `);
  },
  async applyBatch(events, ctx) {
    await write(schedulerChanges(events), ctx);
  },
};

async function write({ added, settled, periods }: ReturnType<typeof schedulerChanges>, { client, t }: ProjectionContext): Promise<void> {
  if (added.length > 0) {
    await client.query(
      `INSERT INTO ${t('deadlines')} (deadline_id, stream, subject, kind, due_at, status, scheduled_event_id, scheduled_position)
       SELECT d, s, su, k, due, 'scheduled', ev, pos FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::uuid[], $7::bigint[]) AS x(d, s, su, k, due, ev, pos)
       ON CONFLICT (deadline_id) DO NOTHING`,
      [added.map((a) => a.deadlineId), added.map((a) => a.stream), added.map((a) => a.subject), added.map((a) => a.kind), added.map((a) => a.dueAt), added.map((a) => a.eventId), added.map((a) => a.position)],
    );
  }
  if (settled.length > 0) {
    await client.query(
      `UPDATE ${t('deadlines')} AS d SET status = x.st, settled_at = x.at, settled_position = x.pos
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::bigint[]) AS x(id, st, at, pos)
        WHERE d.deadline_id = x.id AND d.status = 'scheduled'`,
      [settled.map((s) => s.deadlineId), settled.map((s) => s.status), settled.map((s) => s.at), settled.map((s) => s.position)],
    );
  }
  if (periods.length > 0) {
    await client.query(
      `INSERT INTO ${t('business_periods')} (time_zone, period, key, started_at, ended_at, position)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::bigint[])
       ON CONFLICT DO NOTHING`,
      [periods.map((p) => p.timeZone), periods.map((p) => p.period), periods.map((p) => p.key), periods.map((p) => p.startedAt), periods.map((p) => p.endedAt), periods.map((p) => p.position)],
    );
  }
}
