import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Pool, PoolClient } from 'pg';
import { InvalidState, NotFound, RuleViolation } from '@app/kernel';
import { commonCorrelationId, withCorrelationId } from '@app/platform';
import type { EventBatch, EventStore, RecordedEvent } from '@app/event-store';
import { AnyProjection, BuildMode, BuildParameters, isReactor, ProjectionContext, ReactorContext } from './projection';
import { reactorContext } from './effects/outbox';
import { BuildRow, BuildState, createBuild, deleteBuild, inTransaction, loadBuilds, lockBuilds, pointViews, quoteIdent, tableNamer } from './builds';
import { isTransientError } from './transient-errors';

export interface ProjectionRuntimeOptions {
  /** Identifies this instance in status output (host:pid by default). */
  readonly instanceId?: string;
  /**
   * How often an instance tries to take the locks it does not hold, and probes the session holding those it does
   * (a lost lock session stops this instance's runners at once).
   */
  readonly leaseIntervalMs?: number;
  /** How long the lock session may take to answer a probe before it is taken for lost (default max(1 s, 2 leases)). */
  readonly lockProbeTimeoutMs?: number;
  /** Events per batch of a live build (500). */
  readonly batchSize?: number;
  /** Events per batch of a build catching up: rebuilds, shadow builds, a live build far behind the head (10,000). */
  readonly catchUpBatchSize?: number;
  /**
   * Where the lock session comes from (the runtime's pool by default). Session advisory locks need a real session:
   * behind a transaction-pooling PgBouncer, give a pool that connects to PostgreSQL directly.
   */
  readonly lockPool?: Pool;
  /** Backoff of a batch that failed with a transient error: initialMs doubling per failure up to maxMs (50 ms, 5 s). */
  readonly retry?: { readonly initialMs?: number; readonly maxMs?: number };
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** What startShadowBuild is given (through the ops API, or by the rewards/audit features that build what-ifs). */
export interface ShadowBuildOptions {
  /** Only keys the projection declares in `parameters`, each accepted by its check. */
  readonly parameters?: BuildParameters;
  /** Apply everything up to this position and stop there (an as-of build); absent: follow the head. */
  readonly targetPosition?: bigint;
  readonly purpose?: string;
  readonly createdBy?: string;
  /** Expires this long after creation unless read (the reader moves expires_at on); absent: never expires. */
  readonly ttlSeconds?: number;
}

interface Runner {
  readonly buildId: string;
  readonly projection: string;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

type BatchOutcome =
  | { readonly kind: 'applied'; readonly position: bigint; readonly stopped: boolean; readonly reachedTarget: boolean }
  /** The build row moved under us (another runner, a reset, a drop, a retirement): start again from it. */
  | { readonly kind: 'fenced' }
  /** The lease epoch is not ours any more: another instance took the projection over. */
  | { readonly kind: 'lost' };

const LOCK_CLASS = 4242;

/**
 * Runs projections and reactors from the store's global log. Each projection is run by exactly one instance at a
 * time: the holder of its PostgreSQL session advisory lock, which bumps the projection's lease epoch when it takes
 * the lock. Every batch checks that epoch in its own transaction (FOR SHARE: a take-over waits for the batches in
 * flight), and the checkpoint is also fenced on the previous position, so even an instance that lost its lock
 * without noticing can neither apply a batch twice nor commit one after another instance took over (ADR 0013).
 *
 * A runner reads its projection's event types only (filtered by the store) and hands each batch to the
 * projection's applyBatch; while a batch is applied the next one is already being read (one batch ahead at most).
 */
export class ProjectionRuntime {
  private readonly events = new EventEmitter();
  private readonly runners = new Map<string, Runner>();
  /** Projections whose advisory lock this instance's lock session holds. */
  private readonly locked = new Set<string>();
  /** Projections this instance runs: locked, and the lease epoch taken (its fencing token). */
  private readonly held = new Map<string, bigint>();
  private lockClient: PoolClient | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private leaseLoop: Promise<void> | undefined;
  private stopping = false;
  readonly instanceId: string;
  private readonly leaseIntervalMs: number;
  private readonly lockProbeTimeoutMs: number;
  private readonly batchSize: number;
  private readonly catchUpBatchSize: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly lockPool: Pool;
  private readonly log: NonNullable<ProjectionRuntimeOptions['log']>;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    readonly definitions: readonly AnyProjection[],
    options: ProjectionRuntimeOptions = {},
  ) {
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}`;
    this.leaseIntervalMs = options.leaseIntervalMs ?? 1000;
    this.lockProbeTimeoutMs = options.lockProbeTimeoutMs ?? Math.max(1000, 2 * this.leaseIntervalMs);
    this.batchSize = options.batchSize ?? 500;
    this.catchUpBatchSize = options.catchUpBatchSize ?? Math.max(10_000, this.batchSize);
    this.retryInitialMs = options.retry?.initialMs ?? 50;
    this.retryMaxMs = options.retry?.maxMs ?? 5000;
    this.lockPool = options.lockPool ?? pool;
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
    this.locked.clear();
    const client = this.lockClient;
    this.lockClient = undefined;
    if (client) {
      client.on('error', () => undefined);
      await withTimeout(client.query('SELECT pg_advisory_unlock_all()'), this.lockProbeTimeoutMs).catch(() => undefined);
      client.release(true);
    }
  }

  /** Which projections this instance runs now. */
  heldProjections(): string[] {
    return [...this.held.keys()].sort();
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
      const build = await this.createRebuild(client, def, builds);
      return { buildId: build.build_id, requested: true };
    });
    if (requested) {
      this.log('projection rebuild requested', { projection: name, build: buildId });
      this.wake();
    }
    return buildId;
  }

  /** A new build beside the live one, from 0 (the caller holds lockBuilds). */
  async createRebuild(client: PoolClient, def: AnyProjection, builds: readonly BuildRow[]): Promise<BuildRow> {
    const live = builds.find((b) => b.state === 'live');
    const highWater = live ? maxBig(BigInt(live.position), BigInt(live.effects_high_water)) : 0n;
    return createBuild(client, def, live ? 'rebuilding' : 'live', { position: 0n, effectsHighWater: highWater });
  }

  /**
   * Starts a shadow build: a what-if (parameters) and/or as-of (targetPosition) build of a projection's current
   * version in a schema of its own. It runs like any build (under the projection's lock, in batches, fenced) with
   * ctx.mode 'shadow' and ctx.parameters, stops exactly at targetPosition (or follows the head), never goes live
   * and never touches rm.*. Refuses a parameter the projection does not declare or whose check refuses the value.
   */
  async startShadowBuild(name: string, options: ShadowBuildOptions = {}): Promise<BuildRow> {
    const def = this.definition(name);
    if (!def) throw new NotFound('Projection', name);
    const parameters = options.parameters ?? {};
    validateParameters(def, parameters);
    if (options.targetPosition !== undefined && options.targetPosition < 0n) {
      throw new RuleViolation('build-target-invalid', 'targetPosition is a position of the log: 0 or more', { field: 'targetPosition' });
    }
    if (options.ttlSeconds !== undefined && !(Number.isInteger(options.ttlSeconds) && options.ttlSeconds > 0)) {
      throw new RuleViolation('build-ttl-invalid', 'ttlSeconds is a whole number of seconds above 0', { field: 'ttlSeconds' });
    }
    const build = await inTransaction(this.pool, async (client) => {
      await lockBuilds(client, name);
      const live = (await loadBuilds(client, name)).find((b) => b.state === 'live');
      // A shadow reactor performs no effect: every position it applies counts as already done live.
      const highWater = live ? maxBig(BigInt(live.position), BigInt(live.effects_high_water)) : 0n;
      return createBuild(client, def, 'shadow', { position: 0n, effectsHighWater: isReactor(def) ? maxBig(highWater, options.targetPosition ?? 0n) : 0n }, {
        parameters,
        targetPosition: options.targetPosition ?? null,
        purpose: options.purpose ?? null,
        createdBy: options.createdBy ?? null,
        ttlSeconds: options.ttlSeconds ?? null,
      });
    });
    this.log('shadow build started', { projection: name, build: build.build_id, target: options.targetPosition?.toString() ?? 'head' });
    this.wake();
    return build;
  }

  /** Drops a shadow build: its schema and its row. Live, rebuilding and retired builds are refused. */
  async dropBuild(buildId: string): Promise<void> {
    this.runners.get(buildId)?.controller.abort();
    await inTransaction(this.pool, async (client) => {
      const found = (await client.query<BuildRow>('SELECT * FROM projection_builds WHERE build_id = $1', [buildId])).rows[0];
      if (!found) throw new NotFound('Build', buildId);
      await lockBuilds(client, found.projection);
      // FOR UPDATE waits for a batch in flight (on any instance); its runner then finds the row gone.
      const build = (await client.query<BuildRow>('SELECT * FROM projection_builds WHERE build_id = $1 FOR UPDATE', [buildId])).rows[0];
      if (!build) throw new NotFound('Build', buildId);
      if (build.state !== 'shadow') throw new InvalidState('build-not-shadow', `Build ${buildId} is ${build.state}: only shadow builds are dropped`, { buildId, state: build.state });
      await deleteBuild(client, build);
    });
    this.log('shadow build dropped', { build: buildId });
  }

  /** Resumes a build stopped on a dead letter: it re-applies the failing event first. */
  async resume(buildId: string): Promise<void> {
    await this.pool.query('UPDATE projection_builds SET stopped_at = NULL, last_error = NULL WHERE build_id = $1', [buildId]);
    this.wake();
  }

  /** Looks for work now instead of at the next lease (a build was created, resumed or reset). */
  wake(): void {
    this.leaseDetached();
  }

  /**
   * lease() in the runtime's own async context: a wake from a request (a rebuild, a retry) must not start runners
   * that inherit the request's (its logger and correlation id would be on every line they log for good).
   */
  private readonly leaseDetached = AsyncResource.bind(() => void this.lease());

  /** Called whenever a build moves its checkpoint or a runner ends (used by waitForProjections). */
  onProgress(listener: () => void): () => void {
    this.events.on('progress', listener);
    return () => this.events.off('progress', listener);
  }

  private async ensureBuilds(def: AnyProjection): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await lockBuilds(client, def.name);
      const builds = (await loadBuilds(client, def.name)).filter((b) => b.state !== 'shadow');
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
    if (this.lockClient) {
      // Probe the lock session every lease, also when this instance holds every projection and asks it nothing
      // else: a session that broke silently (no error event, as behind a dead network path) is noticed here.
      if (!(await this.lockQuery('SELECT 1'))) return;
    } else {
      const client = await this.lockPool.connect();
      client.on('error', () => this.lostLocks(client));
      this.lockClient = client;
    }
    for (const def of this.definitions) {
      if (this.stopping) return;
      if (!this.held.has(def.name)) {
        if (!this.locked.has(def.name)) {
          const r = await this.lockQuery<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_CLASS}, hashtext($1)) AS ok`, [def.name]);
          if (!r) return;
          if (!r.rows[0]?.ok) continue;
          this.locked.add(def.name);
        }
        const epoch = await this.takeEpoch(def.name).catch((error: unknown) => {
          this.log('projection lease epoch not taken yet (a batch of the previous owner is in flight?)', { projection: def.name, error: String(error) });
          return undefined;
        });
        if (epoch === undefined || !this.locked.has(def.name)) continue;
        this.held.set(def.name, epoch);
        this.log('projection lock taken', { projection: def.name, instance: this.instanceId, epoch: epoch.toString() });
      }
      const builds = await loadBuilds(this.pool, def.name);
      for (const build of builds) {
        if (build.version !== def.version || build.stopped_at || build.reached_target_at || this.runners.has(build.build_id)) continue;
        this.startRunner(def, build);
      }
    }
  }

  /**
   * The fencing token: the lease epoch, bumped by whoever takes the lock. The update waits for every batch in
   * flight of the previous owner (they hold the lease row FOR SHARE), up to a bound after which the next lease
   * tries again (the advisory lock stays ours meanwhile).
   */
  private async takeEpoch(projection: string): Promise<bigint> {
    return inTransaction(this.pool, async (client) => {
      await client.query(`SET LOCAL lock_timeout = ${Math.max(2000, 10 * this.leaseIntervalMs)}`);
      const r = await client.query<{ epoch: string }>(
        `INSERT INTO projection_leases (projection, epoch, owner) VALUES ($1, 1, $2)
         ON CONFLICT (projection) DO UPDATE SET epoch = projection_leases.epoch + 1, owner = EXCLUDED.owner, acquired_at = now()
         RETURNING epoch`,
        [projection, this.instanceId],
      );
      return BigInt(r.rows[0]!.epoch);
    });
  }

  /** A query on the lock session, bounded by the probe timeout; undefined (and every runner stopped) when it fails. */
  private async lockQuery<R extends object>(sql: string, params: unknown[] = []): Promise<{ rows: R[] } | undefined> {
    const client = this.lockClient;
    if (!client) return undefined;
    try {
      return await withTimeout(client.query<R>(sql, params), this.lockProbeTimeoutMs);
    } catch (error) {
      this.log('projection lock session does not answer', { error: String(error) });
      this.lostLocks(client);
      return undefined;
    }
  }

  /** The lock session broke (or stopped answering): we may no longer hold anything, so stop every runner at once. */
  private lostLocks(client: PoolClient): void {
    if (this.lockClient !== client) return;
    this.lockClient = undefined;
    this.held.clear();
    this.locked.clear();
    for (const r of this.runners.values()) r.controller.abort();
    client.on('error', () => undefined);
    client.release(true);
    this.log('projection locks lost: runners stopped', { instance: this.instanceId });
  }

  /** Our batch found another instance's epoch: that instance runs the projection now. Give it up here. */
  private lostProjection(name: string): void {
    if (!this.held.delete(name)) return;
    this.locked.delete(name);
    for (const r of this.runners.values()) if (r.projection === name) r.controller.abort();
    void this.lockQuery(`SELECT pg_advisory_unlock(${LOCK_CLASS}, hashtext($1))`, [name]);
    this.log('projection taken over by another instance: runners stopped', { projection: name, instance: this.instanceId });
  }

  private startRunner(def: AnyProjection, build: BuildRow): void {
    const controller = new AbortController();
    const done = this.run(def, build.build_id, controller.signal)
      .catch((error: unknown) => this.log('projection runner failed', { build: build.build_id, error: String(error) }))
      .finally(() => {
        this.runners.delete(build.build_id);
        this.events.emit('progress');
      });
    this.runners.set(build.build_id, { buildId: build.build_id, projection: def.name, controller, done });
  }

  /**
   * Follows the log for one build. A transient error (serialization failure, deadlock, a lost connection, an
   * administrator's shutdown) anywhere in reading or applying rolls the batch back and starts again from the
   * committed checkpoint after an exponential backoff; it is never dead-lettered.
   */
  private async run(def: AnyProjection, buildId: string, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (await this.follow(def, buildId, signal, () => (failures = 0))) continue;
        return;
      } catch (error) {
        if (signal.aborted || !isTransientError(error)) throw error;
        failures++;
        const delay = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
        this.log('projection batch failed transiently: retrying', { build: buildId, failures, delayMs: Math.round(delay), error: String(error) });
        await sleep(delay, signal);
      }
    }
  }

  /**
   * Reads and applies batches until the build stops, is fenced or reaches its target. Answers true when it should
   * be followed again at once from its checkpoint (a reactor's rebuild that stopped at the live build's mark).
   */
  private async follow(def: AnyProjection, buildId: string, signal: AbortSignal, succeeded: () => void): Promise<boolean> {
    const build = (await this.pool.query<BuildRow>('SELECT * FROM projection_builds WHERE build_id = $1', [buildId])).rows[0];
    if (!build || build.state === 'retired' || build.stopped_at || build.reached_target_at) return false;
    let position = BigInt(build.position);
    let state = build.state;
    const target = build.target_position === null ? undefined : BigInt(build.target_position);
    if (state === 'rebuilding' && (await this.trySwitch(def, build.build_id, position))) state = 'live';
    const reading = new AbortController();
    const abort = () => reading.abort();
    signal.addEventListener('abort', abort, { once: true });
    const batches = this.store
      .subscribe({ after: position, types: def.eventTypes, batchSize: Math.min(await this.readSize(state, position), def.maxBatchEvents ?? Infinity), signal: reading.signal })
      [Symbol.asyncIterator]();
    try {
      if (target !== undefined && position >= target) {
        await this.applyBatch(def, build, position, { events: [], through: position }, target);
        return false;
      }
      let next = batches.next();
      for (;;) {
        const read = await next;
        if (read.done || signal.aborted) return false;
        // Read-ahead: the next batch is read while this one is applied (one batch ahead, so memory stays bounded).
        next = batches.next();
        next.catch(() => undefined);
        // A reactor's rebuild goes no further than the live build has (its effects mark): it takes over there, and
        // the events beyond are applied live, effects included. Without the cap, events that only the rebuild
        // applied (the live build stopped on a dead letter, or behind) would never have their effects recorded.
        const cap = state === 'rebuilding' && isReactor(def) ? await this.liveMark(def.name) : undefined;
        const capped = cap !== undefined && read.value.through > cap;
        const outcome = await this.applyBatch(def, build, position, read.value, target, capped ? cap : undefined);
        if (outcome.kind === 'lost') {
          this.lostProjection(def.name);
          return false;
        }
        if (outcome.kind === 'fenced') return false;
        position = outcome.position;
        succeeded();
        this.events.emit('progress');
        if (outcome.stopped || outcome.reachedTarget) return false;
        if (state === 'rebuilding' && (await this.trySwitch(def, build.build_id, position))) state = 'live';
        // The read went past the cap: follow again from the checkpoint (live now, or rebuilding to a newer mark).
        if (capped) return true;
      }
    } finally {
      signal.removeEventListener('abort', abort);
      reading.abort();
      void batches.return?.().catch(() => undefined);
    }
  }

  /**
   * How many events a read asks for: a build that catches up (a rebuild, a shadow build, and also a live build
   * that is far behind: the first build of a projection, an instance back after downtime) reads big batches, a
   * live build near the head small ones (shorter transactions, a read-your-writes wait ends sooner).
   */
  private async readSize(state: BuildState, position: bigint): Promise<number> {
    if (state !== 'live') return this.catchUpBatchSize;
    const head = await this.store.headPosition();
    return head - position > BigInt(this.catchUpBatchSize) ? this.catchUpBatchSize : this.batchSize;
  }

  /**
   * Applies one batch in one transaction with the checkpoint, after checking the lease epoch (ownership) and the
   * previous position (no overlap). The checkpoint moves to the batch's `through`, also when the batch holds no
   * event of this projection. When the projection's applyBatch fails, the batch is rolled back and applied again
   * event by event under savepoints: a failing event is dead-lettered and the build stops before it (policy stop)
   * or goes past it (policy skip). A transient error is not the event's fault: it aborts the whole batch.
   */
  private async applyBatch(def: AnyProjection, build: BuildRow, from: bigint, batch: EventBatch, target: bigint | undefined, cap?: bigint): Promise<BatchOutcome> {
    const epoch = this.held.get(def.name);
    if (epoch === undefined) return { kind: 'lost' };
    // The batch is cut at the target (a shadow build's position) or at a cap (a reactor rebuild's take-over mark).
    const limit = cap !== undefined && (target === undefined || cap < target) ? cap : target;
    const beyond = limit !== undefined && batch.through >= limit;
    const through = beyond ? limit : batch.through;
    const events = beyond ? batch.events.filter((e) => e.position <= limit) : batch.events;
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const current = await client.query<BuildRow & { lease_epoch: string | null }>(
        `WITH lease AS (SELECT epoch FROM projection_leases WHERE projection = $2 FOR SHARE)
         SELECT b.*, (SELECT epoch FROM lease) AS lease_epoch FROM projection_builds b WHERE b.build_id = $1 FOR UPDATE`,
        [build.build_id, def.name],
      );
      const row = current.rows[0];
      if (!row || row.lease_epoch === null || BigInt(row.lease_epoch) !== epoch) {
        await client.query('ROLLBACK');
        return row ? { kind: 'lost' } : { kind: 'fenced' };
      }
      if (row.state === 'retired' || row.stopped_at || row.reached_target_at || BigInt(row.position) !== from) {
        await client.query('ROLLBACK');
        return { kind: 'fenced' };
      }
      const highWater = BigInt(row.effects_high_water);
      const mode: BuildMode = row.state === 'live' ? 'live' : row.state === 'shadow' ? 'shadow' : 'rebuild';
      const types = def.eventTypes ? new Set(def.eventTypes) : undefined;
      // Events an operator skipped (POST /v1/ops/dead-letters/:id/skip) are left out in every build of the projection.
      const skipped = await skippedEvents(client, def.name, events);
      const ignored = (e: RecordedEvent) => (types !== undefined && !types.has(e.type)) || skipped.has(e.metadata.eventId);
      const relevant = events.filter((e) => !ignored(e));
      const ctxFor = (event: RecordedEvent) => this.context(def, client, row.schema_name, row.build_id, mode, row.parameters, event, highWater);

      let position = through;
      let lastApplied: RecordedEvent | undefined = events[events.length - 1];
      let stopped = false;
      const failed: string[] = [];
      await client.query('SAVEPOINT batch');
      try {
        await applyEvents(def, relevant, ctxFor);
        await client.query('RELEASE SAVEPOINT batch');
      } catch (error) {
        if (isTransientError(error)) throw error;
        await client.query('ROLLBACK TO SAVEPOINT batch');
        // Replay the batch event by event to find the culprit(s).
        position = from;
        lastApplied = undefined;
        for (const event of events) {
          if (ignored(event)) {
            position = event.position;
            lastApplied = event;
            continue;
          }
          await client.query('SAVEPOINT event');
          try {
            await applyEvents(def, [event], ctxFor);
            await client.query('RELEASE SAVEPOINT event');
          } catch (eventError) {
            if (isTransientError(eventError)) throw eventError;
            await client.query('ROLLBACK TO SAVEPOINT event');
            const policy = def.onError ?? 'stop';
            failed.push(event.metadata.eventId);
            await this.deadLetter(client, def, row.build_id, event, eventError, policy);
            if (policy === 'stop') {
              stopped = true;
              await client.query('UPDATE projection_builds SET stopped_at = now(), last_error = $2 WHERE build_id = $1', [
                row.build_id,
                `${event.type} at ${event.position}: ${errorMessage(eventError)}`,
              ]);
              this.log('projection stopped on a dead letter', { projection: def.name, position: String(event.position), correlationId: event.metadata.correlationId, error: errorMessage(eventError) });
              break;
            }
          }
          position = event.position;
          lastApplied = event;
        }
        if (!stopped) position = through;
      }
      const applied = relevant.filter((e) => e.position <= position && !failed.includes(e.metadata.eventId));
      if (position > from) {
        // The runner got past these letters' events: a build stopped on one and resumed (policy stop), or the build
        // a retry restarted (retry_build_id) applied it again in order.
        await client.query(
          `UPDATE projection_dead_letters SET status = 'resolved', resolved_at = now(), resolution = 'applied'
            WHERE status = 'open' AND position <= $2 AND position > $3 AND NOT (event_id = ANY($4::uuid[]))
              AND ((build_id = $1 AND policy = 'stop') OR retry_build_id = $1)`,
          [row.build_id, position.toString(), from.toString(), failed],
        );
      }
      const reachedTarget = !stopped && target !== undefined && position >= target;
      await client.query(
        `UPDATE projection_builds
            SET position = $2, events_done = events_done + $3, owner = $4, updated_at = now(),
                last_event_at = COALESCE($5, last_event_at),
                reached_target_at = CASE WHEN $6::boolean THEN now() ELSE reached_target_at END,
                effects_high_water = CASE WHEN state = 'live' THEN GREATEST(effects_high_water, $2) ELSE effects_high_water END
          WHERE build_id = $1`,
        [row.build_id, position.toString(), applied.length, this.instanceId, lastApplied ? lastApplied.metadata.recordedAt : null, reachedTarget],
      );
      await client.query('COMMIT');
      if (reachedTarget) this.log('build reached its target position', { build: row.build_id, position: position.toString() });
      return { kind: 'applied', position, stopped, reachedTarget };
    } catch (error) {
      broken = isTransientError(error);
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      if (broken) client.on('error', () => undefined);
      client.release(broken);
    }
  }

  private context(
    def: AnyProjection,
    client: PoolClient,
    schema: string,
    buildId: string,
    mode: BuildMode,
    parameters: BuildParameters,
    event: RecordedEvent,
    highWater: bigint,
  ): ProjectionContext | ReactorContext {
    const t = tableNamer(schema);
    const base = { client, t, mode, buildId, parameters };
    if (!isReactor(def)) return base;
    // Effects: recorded in this transaction (outbox), performed by the EffectDispatcher after commit (ADR 0014).
    return reactorContext(def, base, event, highWater);
  }

  /**
   * Records a failing event. A build that a retry restarted (retry_build_id) and that fails on the event again
   * counts another attempt on the retried letter instead of opening a second one.
   */
  private async deadLetter(client: PoolClient, def: AnyProjection, buildId: string, event: RecordedEvent, error: unknown, policy: 'stop' | 'skip'): Promise<void> {
    const retried = await client.query(
      `UPDATE projection_dead_letters SET attempts = attempts + 1, error = $3
        WHERE retry_build_id = $1 AND event_id = $2 AND status = 'open'`,
      [buildId, event.metadata.eventId, errorMessage(error)],
    );
    if (retried.rowCount) return;
    await client.query(
      `INSERT INTO projection_dead_letters (projection, build_id, position, event_id, stream_id, event_type, error, policy)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (build_id, event_id) DO UPDATE SET attempts = projection_dead_letters.attempts + 1, error = EXCLUDED.error, status = 'open'`,
      [def.name, buildId, event.position.toString(), event.metadata.eventId, event.streamId, event.type, errorMessage(error), policy],
    );
  }

  /** How far the live build of a reactor has gone (its position or effects mark, the higher); undefined without one. */
  private async liveMark(projection: string): Promise<bigint | undefined> {
    const r = await this.pool.query<{ mark: string | null }>(
      `SELECT max(GREATEST(position, effects_high_water)) AS mark FROM projection_builds WHERE projection = $1 AND state = 'live'`,
      [projection],
    );
    const mark = r.rows[0]?.mark;
    return mark === null || mark === undefined ? undefined : BigInt(mark);
  }

  /**
   * Blue/green: once a rebuilding build has reached the head, it becomes live in one transaction. A reactor's
   * rebuild takes over at the live build's mark instead (liveMark; events beyond it are then applied live): the
   * live rows are locked, so the old build has no batch in flight, and the new build's effects mark becomes theirs.
   */
  private async trySwitch(def: AnyProjection, buildId: string, position: bigint): Promise<boolean> {
    if (!isReactor(def) && position < (await this.store.headPosition())) return false;
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
      let mark = 0n;
      if (isReactor(def)) {
        const marks = await client.query<{ position: string; effects_high_water: string }>(
          `SELECT position, effects_high_water FROM projection_builds WHERE build_id = ANY($1) FOR UPDATE`,
          [old.map((b) => b.build_id)],
        );
        for (const m of marks.rows) mark = maxBig(mark, maxBig(BigInt(m.position), BigInt(m.effects_high_water)));
        if (position < mark) {
          await client.query('ROLLBACK');
          return false;
        }
      }
      await client.query(`UPDATE projection_builds SET state = 'retired', updated_at = now() WHERE build_id = ANY($1)`, [old.map((b) => b.build_id)]);
      await client.query(
        `UPDATE projection_builds SET state = 'live', caught_up_at = now(), updated_at = now(), effects_high_water = GREATEST(effects_high_water, $2)
          WHERE build_id = $1`,
        [buildId, mark.toString()],
      );
      // A retried letter of the old build that this build failed on again is now this (live) build's letter.
      await client.query(
        `UPDATE projection_dead_letters SET build_id = $1, retry_build_id = NULL WHERE retry_build_id = $1 AND status = 'open'`,
        [buildId],
      );
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

/** Refuses a parameter the projection does not declare, or a value its check refuses, naming the key. */
export function validateParameters(def: AnyProjection, parameters: BuildParameters): void {
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    throw new RuleViolation('build-parameter-invalid', 'parameters is an object of the keys the projection declares', { field: 'parameters' });
  }
  for (const [key, value] of Object.entries(parameters)) {
    const check = def.parameters?.[key];
    if (!check) {
      const known = Object.keys(def.parameters ?? {});
      throw new RuleViolation('build-parameter-unknown', `Projection ${def.name} takes no parameter ${key}${known.length ? ` (it takes ${known.join(', ')})` : ''}`, {
        field: `parameters.${key}`,
        projection: def.name,
        known,
      });
    }
    const problem = check(value);
    if (problem !== undefined) {
      throw new RuleViolation('build-parameter-invalid', `parameters.${key}: ${problem}`, { field: `parameters.${key}`, projection: def.name });
    }
  }
}

/**
 * Batch form when the projection has it; the older one-event form otherwise (reactors, not yet ported ones).
 * Whatever the projection logs while applying carries the event's correlation id (a batch's, when its events
 * share one), and so do the effects a reactor records (their deliveries log with it).
 */
export async function applyEvents(
  def: AnyProjection,
  events: readonly RecordedEvent[],
  ctxFor: (event: RecordedEvent) => ProjectionContext | ReactorContext,
): Promise<void> {
  if (!isReactor(def) && def.applyBatch) {
    const applyBatch = def.applyBatch.bind(def);
    if (events.length > 0) await withCorrelationId(commonCorrelationId(events.map((e) => e.metadata.correlationId)), () => applyBatch(events, ctxFor(events[0]!)));
    return;
  }
  const apply = (def.apply as (e: RecordedEvent, c: ProjectionContext | ReactorContext) => Promise<void>).bind(def);
  for (const event of events) await withCorrelationId(event.metadata.correlationId, () => apply(event, ctxFor(event)));
}

async function skippedEvents(client: PoolClient, projection: string, batch: readonly RecordedEvent[]): Promise<Set<string>> {
  if (batch.length === 0) return new Set();
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

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
