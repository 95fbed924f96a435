import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { InvalidState, NotFound } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { PG_POOL } from '@app/platform';
import type { BuildRow } from './builds';
import { ProjectionRuntime } from './projection-runtime';

export interface ShadowBuildsOptions {
  /** This instance runs projections (RUN_PROJECTIONS): only then does it sweep expired shadow builds. */
  readonly run: boolean;
  /** A shadow build nobody reads for this long is dropped (ttlSeconds of a start request overrides it). */
  readonly defaultTtlSeconds: number;
  readonly sweepIntervalMs: number;
}

export const SHADOW_BUILDS_OPTIONS = Symbol('SHADOW_BUILDS_OPTIONS');

export interface StartShadowBuild {
  readonly projection: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly targetPosition?: bigint;
  readonly purpose?: string;
  readonly ttlSeconds?: number;
  readonly createdBy?: string;
}

/** A build as operations see it: where it is, where it goes, how fast, and when it expires. */
export interface BuildView {
  readonly buildId: string;
  readonly projection: string;
  readonly version: number;
  readonly state: string;
  readonly parameters: Record<string, unknown>;
  readonly purpose: string | null;
  readonly createdBy: string | null;
  readonly startedAt: string;
  readonly expiresAt: string | null;
  readonly lastReadAt: string | null;
  readonly lastError: string | null;
  readonly progress: {
    readonly position: string;
    readonly targetPosition: string | null;
    readonly headPosition: string;
    readonly eventsDone: number;
    readonly eventsPerSecond: number;
    readonly reachedTarget: boolean;
    readonly reachedTargetAt: string | null;
  };
}

type ShadowRow = BuildRow;

/**
 * Shadow builds over HTTP (/v1/ops/builds): start one with parameters and/or a target position, list them with
 * their progress, drop them. The runtime builds them (ProjectionRuntime.startShadowBuild); this is the operations
 * side: checking the parameters against what the projection declares, and expiry (a build unread for its ttl is
 * dropped by the sweeper below, from its last read or its start).
 */
@Injectable()
export class ShadowBuilds {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionRuntime,
    @Inject(SHADOW_BUILDS_OPTIONS) private readonly options: ShadowBuildsOptions,
  ) {}

  async start(request: StartShadowBuild): Promise<BuildView> {
    // the runtime checks the parameters against the ones the projection declares (422 naming them)
    const def = this.projections.definition(request.projection);
    if (!def) throw new NotFound('Projection', request.projection);
    const ttlSeconds = request.ttlSeconds ?? this.options.defaultTtlSeconds;
    const build = await this.projections.startShadowBuild(def.name, {
      parameters: { ...(request.parameters ?? {}) },
      targetPosition: request.targetPosition,
      purpose: request.purpose,
      createdBy: request.createdBy,
      ttlSeconds,
    });
    // Expiry slides with reads (ReadModels): expires_at - (last read or start) is the build's ttl.
    await this.pool.query(`UPDATE projection_builds SET expires_at = started_at + make_interval(secs => $2) WHERE build_id = $1`, [build.build_id, ttlSeconds]);
    return this.get(build.build_id);
  }

  async list(filter: { projection?: string } = {}): Promise<BuildView[]> {
    const rows = await this.pool.query<ShadowRow>(
      `SELECT * FROM projection_builds WHERE state = 'shadow' AND ($1::text IS NULL OR projection = $1) ORDER BY started_at, build_id`,
      [filter.projection ?? null],
    );
    const head = await this.store.headPosition();
    return rows.rows.map((r) => view(r, head));
  }

  /** Any build that is not retired (shadow, live or rebuilding): its progress. */
  async get(buildId: string): Promise<BuildView> {
    const row = await this.row(buildId);
    return view(row, await this.store.headPosition());
  }

  /** Drops a shadow build; answers it as it was when dropped. */
  async drop(buildId: string): Promise<BuildView> {
    const row = await this.row(buildId);
    if (row.state !== 'shadow') {
      throw new InvalidState('build-not-shadow', `Build ${buildId} is ${row.state}: only shadow builds are dropped; a live build is replaced by a rebuild`, { buildId, state: row.state });
    }
    const last = view(row, await this.store.headPosition());
    await this.projections.dropBuild(buildId);
    return last;
  }

  /** Drops every shadow build whose expiry has passed; returns their ids. */
  async sweep(): Promise<string[]> {
    const expired = await this.pool.query<{ build_id: string }>(`SELECT build_id FROM projection_builds WHERE state = 'shadow' AND expires_at < now() ORDER BY build_id`);
    const dropped: string[] = [];
    for (const { build_id } of expired.rows) {
      await this.projections.dropBuild(build_id);
      dropped.push(build_id);
    }
    return dropped;
  }

  get sweepOptions(): ShadowBuildsOptions {
    return this.options;
  }

  private async row(buildId: string): Promise<ShadowRow> {
    const found = await this.pool.query<ShadowRow>(`SELECT * FROM projection_builds WHERE build_id = $1 AND state <> 'retired'`, [buildId]);
    if (!found.rows[0]) throw new NotFound('Build', buildId);
    return found.rows[0];
  }
}

function view(r: ShadowRow, head: bigint): BuildView {
  const until = r.reached_target_at ?? r.updated_at;
  const elapsed = Math.max(0.001, (until.getTime() - r.started_at.getTime()) / 1000);
  const eventsDone = Number(r.events_done);
  return {
    buildId: r.build_id,
    projection: r.projection,
    version: r.version,
    state: r.stopped_at ? 'stopped' : r.state,
    parameters: r.parameters ?? {},
    purpose: r.purpose ?? null,
    createdBy: r.created_by ?? null,
    startedAt: r.started_at.toISOString(),
    expiresAt: r.expires_at ? r.expires_at.toISOString() : null,
    lastReadAt: r.last_read_at ? r.last_read_at.toISOString() : null,
    lastError: r.last_error,
    progress: {
      position: r.position,
      targetPosition: r.target_position,
      headPosition: head.toString(),
      eventsDone,
      eventsPerSecond: Math.round(eventsDone / elapsed),
      reachedTarget: r.reached_target_at !== null && r.reached_target_at !== undefined,
      reachedTargetAt: r.reached_target_at ? r.reached_target_at.toISOString() : null,
    },
  };
}

/**
 * Drops expired shadow builds on the instances that run projections: operations bookkeeping (a clock is allowed
 * here, unlike in a read model). Several instances may sweep; dropping a build twice is harmless.
 */
@Injectable()
export class ShadowBuildSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ShadowBuilds');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly builds: ShadowBuilds) {}

  onApplicationBootstrap(): void {
    const { run, sweepIntervalMs } = this.builds.sweepOptions;
    if (!run) return;
    this.timer = setInterval(() => void this.sweepOnce(), sweepIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  sweepOnce(): Promise<void> {
    this.sweeping ??= this.builds
      .sweep()
      .then((dropped) => {
        if (dropped.length > 0) this.logger.log({ msg: 'expired shadow builds dropped', builds: dropped });
      })
      .catch((error: unknown) => this.logger.warn({ msg: 'shadow build sweep failed', error: String(error) }))
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }
}
