import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Pool, PoolClient } from 'pg';
import type { EventStore, RecordedEvent } from '@app/event-store';
import { AnyProjection, isReactor, ProjectionContext, ReactorContext } from './projection';
import { reactorContext } from './effects/outbox';
import { BuildRow, createBuild, inTransaction, loadBuilds, lockBuilds, pointViews, quoteIdent, tableNamer } from './builds';

export interface ProjectionRuntimeOptions {
  /** Identifies this instance in status output (host:pid by default). */
  readonly instanceId?: string;
  /** How often an instance that does not hold a projection's lock tries to take it over. */
  readonly leaseIntervalMs?: number;
  readonly batchSize?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

interface Runner {
  readonly buildId: string;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/**
 * Runs projections and reactors from the store's global log. Each projection is run by exactly one instance at a
 * time: the holder of its PostgreSQL session advisory lock. When that instance dies its connection closes, the
 * lock is released and another instance takes over within `leaseIntervalMs`. Every checkpoint update is also
 * fenced on the previous position, so even an overlap could not apply a batch twice.
 */
export class ProjectionRuntime {
  private readonly events = new EventEmitter();
  private readonly runners = new Map<string, Runner>();
  private readonly held = new Set<string>();
  private lockClient: PoolClient | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private leaseLoop: Promise<void> | undefined;
  private stopping = false;
  readonly instanceId: string;
  private readonly leaseIntervalMs: number;
  private readonly batchSize: number;
  private readonly log: NonNullable<ProjectionRuntimeOptions['log']>;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    readonly definitions: readonly AnyProjection[],
    options: ProjectionRuntimeOptions = {},
  ) {
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}`;
    this.leaseIntervalMs = options.leaseIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.log = options.log ?? (() => undefined);
    this.events.setMaxListeners(0);
    const names = new Set<string>();
    const tables = new Set<string>();
    for (const def of definitions) {
      if (!/^[a-z][a-z0-9-]*$/.test(def.name)) throw new Error(`Projection name must be kebab-case: ${def.name}`);
      if (names.has(def.name)) throw new Error(`Two projections are named ${def.name}`);
      names.add(def.name);
      for (const table of def.tables) {
        if (tables.has(table)) throw new Error(`Table ${table} is owned by two projections`);
        tables.add(table);
      }
    }
  }

  definition(name: string): AnyProjection | undefined {
    return this.definitions.find((d) => d.name === name);
  }

  /** Creates missing builds (first builds, or new versions to rebuild) and starts competing for the locks. */
  async start(): Promise<void> {
    this.stopping = false;
    for (const def of this.definitions) await this.ensureBuilds(def);
    this.leaseTimer = setInterval(() => void this.lease(), this.leaseIntervalMs);
    this.leaseTimer.unref();
    await this.lease();
  }

  /** Graceful stop: the batch in flight commits or rolls back, locks are released. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.leaseTimer = undefined;
    await this.leaseLoop;
    const runners = [...this.runners.values()];
    for (const r of runners) r.controller.abort();
    await Promise.allSettled(runners.map((r) => r.done));
    this.runners.clear();
    this.held.clear();
    const client = this.lockClient;
    this.lockClient = undefined;
    if (client) {
      await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      client.release();
    }
  }

  /** Which projections this instance runs now. */
  heldProjections(): string[] {
    return [...this.held].sort();
  }

  /** Starts a rebuild of the current version beside the live build; returns the new build's id. */
  async requestRebuild(name: string): Promise<string> {
    const def = this.definition(name);
    if (!def) throw new Error(`Unknown projection ${name}`);
    const { buildId, requested } = await inTransaction(this.pool, async (client) => {
      await lockBuilds(client, name);
      const builds = await loadBuilds(client, name);
      const inProgress = builds.find((b) => b.state === 'rebuilding');
      if (inProgress) return { buildId: inProgress.build_id, requested: false };
      const live = builds.find((b) => b.state === 'live');
      const highWater = live ? maxBig(BigInt(live.position), BigInt(live.effects_high_water)) : 0n;
      const build = await createBuild(client, def, live ? 'rebuilding' : 'live', { position: 0n, effectsHighWater: highWater });
      return { buildId: build.build_id, requested: true };
    });
    if (requested) {
      this.log('projection rebuild requested', { projection: name, build: buildId });
      void this.lease();
    }
    return buildId;
  }

  /** Resumes a build stopped on a dead letter: it re-applies the failing event first. */
  async resume(buildId: string): Promise<void> {
    await this.pool.query('UPDATE projection_builds SET stopped_at = NULL, last_error = NULL WHERE build_id = $1', [buildId]);
    void this.lease();
  }

  /** Called whenever a build moves its checkpoint or a runner ends (used by waitForProjections). */
  onProgress(listener: () => void): () => void {
    this.events.on('progress', listener);
    return () => this.events.off('progress', listener);
  }

  private async ensureBuilds(def: AnyProjection): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await lockBuilds(client, def.name);
      const builds = await loadBuilds(client, def.name);
      const live = builds.find((b) => b.state === 'live');
      if (!live) {
        // A new reactor never performs effects for history: from 'head' it skips it, from 'beginning' it replays
        // it with ctx.live = false up to today's head.
        const head = isReactor(def) ? await this.store.headPosition() : 0n;
        const start = isReactor(def) && (def.startFrom ?? 'head') === 'head' ? head : 0n;
        await createBuild(client, def, 'live', { position: start, effectsHighWater: head });
        this.log('projection created', { projection: def.name, version: def.version });
      } else if (live.version < def.version && !builds.some((b) => b.version === def.version)) {
        const highWater = maxBig(BigInt(live.position), BigInt(live.effects_high_water));
        await createBuild(client, def, 'rebuilding', { position: 0n, effectsHighWater: highWater });
        this.log('projection version rebuild started', { projection: def.name, from: live.version, to: def.version });
      } else if (live.version > def.version) {
        this.log('projection is at a newer version than this code: not run here', { projection: def.name, live: live.version, code: def.version });
      }
    });
  }

  /** Take the locks we can, start runners for builds that need one (only once started: RUN_PROJECTIONS). */
  private lease(): Promise<void> {
    if (this.stopping || !this.leaseTimer) return Promise.resolve();
    this.leaseLoop ??= this.leaseOnce()
      .catch((error: unknown) => this.log('projection lease failed', { error: String(error) }))
      .finally(() => {
        this.leaseLoop = undefined;
      });
    return this.leaseLoop;
  }

  private async leaseOnce(): Promise<void> {
    if (!this.lockClient) {
      const client = await this.pool.connect();
      client.on('error', () => this.lostLocks(client));
      this.lockClient = client;
    }
    for (const def of this.definitions) {
      if (this.stopping) return;
      if (!this.held.has(def.name)) {
        const r = await this.lockClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(4242, hashtext($1)) AS ok', [def.name]);
        if (!r.rows[0]?.ok) continue;
        this.held.add(def.name);
        this.log('projection lock taken', { projection: def.name, instance: this.instanceId });
      }
      const builds = await loadBuilds(this.pool, def.name);
      for (const build of builds) {
        if (build.version !== def.version || build.stopped_at || this.runners.has(build.build_id)) continue;
        this.startRunner(def, build);
      }
    }
  }

  /** The lock connection broke: we may no longer hold anything, so stop every runner at once. */
  private lostLocks(client: PoolClient): void {
    if (this.lockClient !== client) return;
    this.lockClient = undefined;
    this.held.clear();
    for (const r of this.runners.values()) r.controller.abort();
    client.release(true);
    this.log('projection locks lost: runners stopped', { instance: this.instanceId });
  }

  private startRunner(def: AnyProjection, build: BuildRow): void {
    const controller = new AbortController();
    const done = this.run(def, build, controller.signal)
      .catch((error: unknown) => this.log('projection runner failed', { build: build.build_id, error: String(error) }))
      .finally(() => {
        this.runners.delete(build.build_id);
        this.events.emit('progress');
      });
    this.runners.set(build.build_id, { buildId: build.build_id, controller, done });
  }

  private async run(def: AnyProjection, initial: BuildRow, signal: AbortSignal): Promise<void> {
    let position = BigInt(initial.position);
    let state = initial.state;
    const types = def.eventTypes ? new Set(def.eventTypes) : undefined;
    if (state === 'rebuilding' && (await this.trySwitch(def, initial.build_id, position))) state = 'live';
    const subscription = this.store.subscribeToAll({ after: position, batchSize: this.batchSize, signal });
    for await (const batch of subscription) {
      if (signal.aborted) break;
      const outcome = await this.applyBatch(def, initial, position, batch, types);
      if (outcome === 'fenced') return;
      position = outcome.position;
      this.events.emit('progress');
      if (outcome.stopped) return;
      if (state === 'rebuilding' && (await this.trySwitch(def, initial.build_id, position))) state = 'live';
    }
  }

  /**
   * Applies one batch in one transaction with the checkpoint. A failing event is isolated with savepoints and
   * dead-lettered; the build then stops before it (policy stop) or goes past it (policy skip).
   */
  private async applyBatch(
    def: AnyProjection,
    build: BuildRow,
    from: bigint,
    batch: readonly RecordedEvent[],
    types: Set<string> | undefined,
  ): Promise<'fenced' | { position: bigint; stopped: boolean }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const current = await client.query<BuildRow>('SELECT * FROM projection_builds WHERE build_id = $1 FOR UPDATE', [build.build_id]);
      const row = current.rows[0];
      if (!row || row.state === 'retired' || row.stopped_at || BigInt(row.position) !== from) {
        await client.query('ROLLBACK');
        return 'fenced';
      }
      const highWater = BigInt(row.effects_high_water);
      const mode = row.state === 'live' ? 'live' : 'rebuild';
      // Events an operator skipped (POST /v1/ops/dead-letters/:id/skip) are left out in every build of the projection.
      const skipped = await skippedEvents(client, def.name, batch);
      const ignored = (e: RecordedEvent) => (types !== undefined && !types.has(e.type)) || skipped.has(e.metadata.eventId);
      const relevant = batch.filter((e) => !ignored(e));
      const ctxFor = (event: RecordedEvent) => this.context(def, client, build.schema_name, build.build_id, mode, event, highWater);

      let position = batch[batch.length - 1]!.position;
      let lastApplied: RecordedEvent | undefined = batch[batch.length - 1];
      let stopped = false;
      await client.query('SAVEPOINT batch');
      try {
        await applyEvents(def, relevant, ctxFor);
        await client.query('RELEASE SAVEPOINT batch');
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT batch');
        // Replay the batch event by event to find the culprit(s).
        position = from;
        lastApplied = undefined;
        for (const event of batch) {
          if (ignored(event)) {
            position = event.position;
            lastApplied = event;
            continue;
          }
          await client.query('SAVEPOINT event');
          try {
            await applyEvents(def, [event], ctxFor);
            await client.query('RELEASE SAVEPOINT event');
          } catch (error) {
            await client.query('ROLLBACK TO SAVEPOINT event');
            const policy = def.onError ?? 'stop';
            await this.deadLetter(client, def, build.build_id, event, error, policy);
            if (policy === 'stop') {
              stopped = true;
              await client.query('UPDATE projection_builds SET stopped_at = now(), last_error = $2 WHERE build_id = $1', [
                build.build_id,
                `${event.type} at ${event.position}: ${errorMessage(error)}`,
              ]);
              this.log('projection stopped on a dead letter', { projection: def.name, position: String(event.position), error: errorMessage(error) });
              break;
            }
          }
          position = event.position;
          lastApplied = event;
        }
      }
      const applied = batch.filter((e) => e.position <= position);
      if (applied.length > 0) {
        await client.query(
          `UPDATE projection_dead_letters SET status = 'resolved', resolved_at = now()
            WHERE build_id = $1 AND status = 'open' AND position <= $2 AND position > $3 AND policy = 'stop'`,
          [build.build_id, position.toString(), from.toString()],
        );
      }
      await client.query(
        `UPDATE projection_builds
            SET position = $2, events_done = events_done + $3, owner = $4, updated_at = now(),
                last_event_at = COALESCE($5, last_event_at),
                effects_high_water = CASE WHEN state = 'live' THEN GREATEST(effects_high_water, $2) ELSE effects_high_water END
          WHERE build_id = $1`,
        [build.build_id, position.toString(), applied.length, this.instanceId, lastApplied ? lastApplied.metadata.recordedAt : null],
      );
      await client.query('COMMIT');
      return { position, stopped };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private context(
    def: AnyProjection,
    client: PoolClient,
    schema: string,
    buildId: string,
    mode: 'live' | 'rebuild',
    event: RecordedEvent,
    highWater: bigint,
  ): ProjectionContext | ReactorContext {
    const t = tableNamer(schema);
    const base = { client, t, mode, buildId, parameters: {} };
    if (!isReactor(def)) return base;
    // Effects: recorded in this transaction (outbox), performed by the EffectDispatcher after commit (ADR 0014).
    return reactorContext(def, base, event, highWater);
  }

  private async deadLetter(
    client: PoolClient,
    def: AnyProjection,
    buildId: string,
    event: RecordedEvent,
    error: unknown,
    policy: 'stop' | 'skip',
  ): Promise<void> {
    await client.query(
      `INSERT INTO projection_dead_letters (projection, build_id, position, event_id, stream_id, event_type, error, policy)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (build_id, event_id) DO UPDATE SET attempts = projection_dead_letters.attempts + 1, error = EXCLUDED.error, status = 'open'`,
      [def.name, buildId, event.position.toString(), event.metadata.eventId, event.streamId, event.type, errorMessage(error), policy],
    );
  }

  /** Blue/green: once a rebuilding build has reached the head, it becomes live in one transaction. */
  private async trySwitch(def: AnyProjection, buildId: string, position: bigint): Promise<boolean> {
    const head = await this.store.headPosition();
    if (position < head) return false;
    const client = await this.pool.connect();
    let retired: BuildRow[] = [];
    try {
      await client.query('BEGIN');
      await lockBuilds(client, def.name);
      const builds = await loadBuilds(client, def.name);
      const me = builds.find((b) => b.build_id === buildId);
      if (!me || me.state !== 'rebuilding') {
        await client.query('ROLLBACK');
        return me?.state === 'live';
      }
      const old = builds.filter((b) => b.state === 'live');
      await client.query(`UPDATE projection_builds SET state = 'retired', updated_at = now() WHERE build_id = ANY($1)`, [old.map((b) => b.build_id)]);
      await client.query(`UPDATE projection_builds SET state = 'live', caught_up_at = now(), updated_at = now() WHERE build_id = $1`, [buildId]);
      await pointViews(client, def, me.schema_name);
      await client.query('COMMIT');
      retired = old;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    for (const old of retired) {
      this.runners.get(old.build_id)?.controller.abort();
      await this.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(old.schema_name)} CASCADE`);
    }
    this.log('projection switched to new build', { projection: def.name, build: buildId });
    return true;
  }
}

/** Batch form when the projection has it; the older one-event form otherwise (reactors, not yet ported ones). */
export async function applyEvents(
  def: AnyProjection,
  events: readonly RecordedEvent[],
  ctxFor: (event: RecordedEvent) => ProjectionContext | ReactorContext,
): Promise<void> {
  if (!isReactor(def) && def.applyBatch) {
    if (events.length > 0) await def.applyBatch(events, ctxFor(events[0]!));
    return;
  }
  for (const event of events) await (def.apply as (e: RecordedEvent, c: ProjectionContext | ReactorContext) => Promise<void>)(event, ctxFor(event));
}

async function skippedEvents(client: PoolClient, projection: string, batch: readonly RecordedEvent[]): Promise<Set<string>> {
  const rows = await client.query<{ event_id: string }>(
    'SELECT event_id FROM projection_skipped_events WHERE projection = $1 AND event_id = ANY($2::uuid[])',
    [projection, batch.map((e) => e.metadata.eventId)],
  );
  return new Set(rows.rows.map((r) => r.event_id));
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
