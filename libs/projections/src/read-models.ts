import { EventEmitter } from 'node:events';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { DomainError, Forbidden, ServiceUnavailable } from '@app/kernel';
import { PG_POOL, ReadSelector } from '@app/platform';
import { AccessPolicy, Actor } from '@app/access';
import { quoteIdent } from './builds';
import { ProjectionRuntime } from './projection-runtime';

/** Where one read reads: the qualified name of each of its tables, in the build it reads. */
export interface ReadScope {
  /** `rm.<table>` (the live build's view) or `"<build schema>"."<table>"` for the build named in X-Read-Build. */
  t(table: string): string;
  /** The build named in X-Read-Build, when there is one. */
  readonly buildId?: string;
}

export interface ReadModelsOptions {
  /** How long a read with X-Min-Position waits for its builds to reach it before answering 503. */
  readonly minPositionTimeoutMs: number;
  /** Re-reads positions this often while a read waits, for builds run by other instances (no progress events here). */
  readonly pollIntervalMs?: number;
}

export const READ_MODELS_OPTIONS = Symbol('READ_MODELS_OPTIONS');

interface BuildPosition {
  build_id: string;
  projection: string;
  state: string;
  position: string;
  stopped_at: Date | null;
  last_error: string | null;
}

/** One read waiting for a position: the builds it reads (by id, or the live build of a projection). */
interface Waiter {
  readonly buildIds: readonly string[];
  readonly liveOf: readonly string[];
  readonly min: bigint;
  settle(outcome: { reached: true } | { reached: false; stopped?: BuildPosition }): void;
}

/**
 * Resolves the tables a query reads for the build the request asks for (docs/adr/0016). Queries never name
 * `rm.*` themselves: they take a ReadScope and write `FROM ${r.t('drafts')}`, so the same SQL reads the live
 * build (rm.<table>) or a shadow build (its own schema). A shadow read records last_read_at (the expiry sweeper
 * drops builds nobody reads). With X-Min-Position the read waits, bounded, until every build it reads has
 * applied that position: woken by the runtime's progress events on this instance, and re-reading positions every
 * pollIntervalMs for builds that run elsewhere.
 */
@Injectable()
export class ReadModels implements OnModuleDestroy {
  private readonly owners = new Map<string, string>();
  private readonly waiters = new Set<Waiter>();
  private readonly events = new EventEmitter();
  private readonly offProgress: () => void;
  private poller: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private recheck = false;
  private readonly timeoutMs: number;
  private readonly pollIntervalMs: number;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly runtime: ProjectionRuntime,
    private readonly access: AccessPolicy,
    @Inject(READ_MODELS_OPTIONS) options: ReadModelsOptions,
  ) {
    for (const def of runtime.definitions) for (const table of def.tables) this.owners.set(table, def.name);
    this.timeoutMs = options.minPositionTimeoutMs;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.offProgress = runtime.onProgress(() => this.wake());
  }

  onModuleDestroy(): void {
    this.offProgress();
    for (const w of this.waiters) w.settle({ reached: false });
    this.stopPolling();
  }

  /** Reads waiting for X-Min-Position right now. */
  get waitingReads(): number {
    return this.waiters.size;
  }

  /** Called each time a read starts waiting for a position (observability, and tests that hold a projection back). */
  onWaiting(listener: (minPosition: bigint) => void): () => void {
    this.events.on('waiting', listener);
    return () => this.events.off('waiting', listener);
  }

  /** The projection that owns a table (rm.<table>). */
  ownerOf(table: string): string {
    const owner = this.owners.get(table);
    if (!owner) throw new Error(`No projection owns the table ${table}`);
    return owner;
  }

  /**
   * The scope of one read of `tables` under the request's selector: checks the build it names (exists, is of a
   * projection these tables belong to, the reader may read it) and waits for X-Min-Position.
   */
  async scope(selector: ReadSelector | undefined, tables: readonly string[]): Promise<ReadScope> {
    const projections = [...new Set(tables.map((table) => this.ownerOf(table)))];
    let shadow: { buildId: string; projection: string; schema: string; target: bigint | null } | undefined;
    if (selector?.build !== undefined) shadow = await this.selectBuild(selector.build, selector.reader, projections);
    if (shadow?.target !== null && shadow?.target !== undefined && selector?.minPosition !== undefined && selector.minPosition > shadow.target) {
      // An as-of build stops at its target: waiting for a later position would only end in a 503.
      throw new DomainError('rule_violation', 'read-build-below-min-position', `Build ${shadow.buildId} stops at position ${shadow.target}, below X-Min-Position ${selector.minPosition}`, {
        buildId: shadow.buildId,
        targetPosition: shadow.target.toString(),
        minPosition: selector.minPosition.toString(),
      });
    }
    if (selector?.minPosition !== undefined) {
      await this.waitFor(
        shadow ? [shadow.buildId] : [],
        projections.filter((p) => p !== shadow?.projection),
        selector.minPosition,
      );
    }
    if (!shadow) return { t: (table) => `rm.${this.live(table)}` };
    return this.buildScopeOf(shadow);
  }

  /**
   * The scope of a read of one build that the caller names itself rather than the request (a what-if reading the
   * two builds it started): no X-Read-Build, so no ops.read of a reader is checked here, the caller answers for
   * who may read it. Otherwise as with X-Read-Build: the build exists and is one of the projections owning
   * `tables` (404 read-build-unknown, 422 read-build-mismatch), and the read slides its expiry.
   */
  async scopeOfBuild(buildId: string, tables: readonly string[]): Promise<ReadScope & { readonly buildId: string }> {
    const projections = [...new Set(tables.map((table) => this.ownerOf(table)))];
    return this.buildScopeOf(await this.openBuild(buildId, projections));
  }

  private buildScopeOf({ schema, projection, buildId }: { buildId: string; projection: string; schema: string }): ReadScope & { readonly buildId: string } {
    return {
      buildId,
      t: (table) => (this.ownerOf(table) === projection ? `${quoteIdent(schema)}.${quoteIdent(table)}` : `rm.${this.live(table)}`),
    };
  }

  private live(table: string): string {
    this.ownerOf(table);
    return table;
  }

  private async selectBuild(buildId: string, reader: unknown, projections: readonly string[]) {
    if (!isActor(reader)) throw new Forbidden('Reading a build other than the live one (X-Read-Build) requires ops.read', { permission: 'ops.read' });
    await this.access.assert(reader, 'ops.read');
    return this.openBuild(buildId, projections);
  }

  /** The build a read names, checked against the projections it reads; the read slides its expiry. */
  private async openBuild(buildId: string, projections: readonly string[]) {
    const found = await this.pool.query<{ build_id: string; projection: string; schema_name: string; state: string; target_position: string | null }>(
      `SELECT build_id, projection, schema_name, state, target_position FROM projection_builds WHERE build_id = $1`,
      [buildId],
    );
    const build = found.rows[0];
    if (!build || build.state === 'retired') {
      throw new DomainError('not_found', 'read-build-unknown', `Build ${buildId} does not exist (or was dropped): X-Read-Build names no build to read`, { buildId });
    }
    if (!projections.includes(build.projection)) {
      throw new DomainError('rule_violation', 'read-build-mismatch', `Build ${buildId} is a build of ${build.projection}; this operation reads ${projections.join(', ')}`, {
        buildId,
        projection: build.projection,
        reads: projections,
      });
    }
    // Expiry slides with reads: expires_at - (last read or start) stays the build's ttl. Written at most once a
    // minute per build (the right-hand sides read the row as it was).
    await this.pool.query(
      `UPDATE projection_builds
          SET expires_at = now() + (expires_at - coalesce(last_read_at, started_at)), last_read_at = now()
        WHERE build_id = $1 AND (last_read_at IS NULL OR last_read_at < now() - interval '1 minute')`,
      [buildId],
    );
    return { buildId, projection: build.projection, schema: build.schema_name, target: build.target_position === null ? null : BigInt(build.target_position) };
  }

  /** Resolves once every build named (and the live build of every projection named) has applied `min`. */
  private async waitFor(buildIds: readonly string[], liveOf: readonly string[], min: bigint): Promise<void> {
    const outcome = await new Promise<{ reached: true } | { reached: false; stopped?: BuildPosition }>((resolve) => {
      const timers: { timeout?: NodeJS.Timeout } = {};
      const waiter: Waiter = {
        buildIds,
        liveOf,
        min,
        settle: (result) => {
          if (!this.waiters.delete(waiter)) return;
          clearTimeout(timers.timeout);
          if (this.waiters.size === 0) this.stopPolling();
          resolve(result);
        },
      };
      this.waiters.add(waiter);
      timers.timeout = setTimeout(() => waiter.settle({ reached: false }), this.timeoutMs);
      this.startPolling();
      this.wake();
      this.events.emit('waiting', min);
    });
    if (outcome.reached) return;
    const positions = await this.positions(buildIds, liveOf);
    const behind = positions.filter((p) => BigInt(p.position) < min).map((p) => ({ buildId: p.build_id, projection: p.projection, position: p.position }));
    const stopped = outcome.stopped;
    throw new ServiceUnavailable(
      'read-not-caught-up',
      stopped
        ? `Build ${stopped.build_id} is stopped on a dead letter at ${stopped.position} (${stopped.last_error ?? 'see GET /v1/ops/dead-letters'}): it will not reach position ${min} until an operator acts`
        : `The read model(s) had not reached position ${min} within ${this.timeoutMs} ms`,
      Math.max(1, Math.ceil(this.timeoutMs / 1000)),
      { minPosition: min.toString(), behind },
    );
  }

  private positions(buildIds: readonly string[], liveOf: readonly string[]): Promise<BuildPosition[]> {
    return this.pool
      .query<BuildPosition>(
        `SELECT build_id, projection, state, position, stopped_at, last_error FROM projection_builds
          WHERE build_id = ANY($1) OR (projection = ANY($2) AND state = 'live')`,
        [buildIds, liveOf],
      )
      .then((r) => r.rows);
  }

  /** Re-reads the positions of every waiting read in one query (wake-ups coalesce while a check runs). */
  private wake(): void {
    if (this.waiters.size === 0) return;
    if (this.checking) {
      this.recheck = true;
      return;
    }
    this.checking = this.check()
      .catch(() => undefined)
      .finally(() => {
        this.checking = undefined;
        if (this.recheck) {
          this.recheck = false;
          this.wake();
        }
      });
  }

  private async check(): Promise<void> {
    const waiting = [...this.waiters];
    const buildIds = [...new Set(waiting.flatMap((w) => w.buildIds))];
    const liveOf = [...new Set(waiting.flatMap((w) => w.liveOf))];
    const rows = await this.positions(buildIds, liveOf);
    for (const w of waiting) {
      const mine = rows.filter((r) => w.buildIds.includes(r.build_id) || (r.state === 'live' && w.liveOf.includes(r.projection)));
      const complete = w.buildIds.every((id) => mine.some((r) => r.build_id === id)) && w.liveOf.every((p) => mine.some((r) => r.projection === p && r.state === 'live'));
      const behind = mine.filter((r) => BigInt(r.position) < w.min);
      const stopped = behind.find((r) => r.stopped_at !== null);
      if (stopped) w.settle({ reached: false, stopped });
      else if (complete && behind.length === 0) w.settle({ reached: true });
    }
  }

  private startPolling(): void {
    if (this.poller) return;
    this.poller = setInterval(() => this.wake(), this.pollIntervalMs);
    this.poller.unref();
  }

  private stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }
}

function isActor(value: unknown): value is Actor {
  return typeof value === 'object' && value !== null && typeof (value as Actor).memberId === 'string' && Array.isArray((value as Actor).appointments);
}
