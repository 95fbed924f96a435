import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { DomainError, InvalidState, NotFound, ValidationFailed } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { PG_POOL } from '@app/platform';
import type { BuildRow } from './builds';
import { isReactor } from './projection';
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

/** BuildRow with the shadow-build columns of migration 1763800000006 (runtime v2). */
type ShadowRow = BuildRow & {
  state: string;
  parameters: Record<string, unknown> | null;
  purpose: string | null;
  created_by: string | null;
  expires_at: Date | null;
  last_read_at: Date | null;
  reached_target_at: Date | null;
};

const MAX_TTL_SECONDS = 30 * 24 * 3600;

/** The runtime's shadow-build operations (ProjectionRuntime, runtime v2). */
interface ShadowRuntime {
  startShadowBuild(name: string, options: { parameters?: Record<string, unknown>; targetPosition?: bigint; purpose?: string; createdBy?: string; ttlSeconds?: number }): Promise<BuildRow>;
  dropBuild(buildId: string): Promise<void>;
}

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

  private get runtime(): ShadowRuntime {
    return this.projections as unknown as ShadowRuntime;
  }

  async start(request: StartShadowBuild): Promise<BuildView> {
    const def = this.projections.definition(request.projection);
    if (!def) throw new NotFound('Projection', request.projection);
    if (isReactor(def)) {
      throw new DomainError('rule_violation', 'build-parameters-invalid', `${def.name} is a reactor: reactors have no shadow builds (their effects never run in one)`, { field: 'projection' });
    }
    const parameters = request.parameters ?? {};
    for (const [key, value] of Object.entries(parameters)) {
      const check = def.parameters?.[key];
      const known = Object.keys(def.parameters ?? {});
      if (!check) {
        throw new DomainError('rule_violation', 'build-parameters-invalid', `${def.name} takes no build parameter ${key} (it takes ${known.length > 0 ? known.join(', ') : 'none'})`, { field: `parameters.${key}` });
      }
      const problem = check(value);
      if (problem !== undefined) throw new DomainError('rule_violation', 'build-parameters-invalid', `parameters.${key}: ${problem}`, { field: `parameters.${key}` });
    }
    const ttlSeconds = request.ttlSeconds ?? this.options.defaultTtlSeconds;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > MAX_TTL_SECONDS) {
      throw new ValidationFailed([{ field: 'ttlSeconds', message: `ttlSeconds must be an integer from 60 to ${MAX_TTL_SECONDS}` }]);
    }
    const build = await this.runtime.startShadowBuild(def.name, {
      parameters: { ...parameters },
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
    if ((row.state as string) !== 'shadow') {
      throw new InvalidState('build-not-shadow', `Build ${buildId} is ${row.state}: only shadow builds are dropped; a live build is replaced by a rebuild`, { buildId, state: row.state });
    }
    const last = view(row, await this.store.headPosition());
    await this.runtime.dropBuild(buildId);
    return last;
  }

  /** Drops every shadow build whose expiry has passed; returns their ids. */
  async sweep(): Promise<string[]> {
    const expired = await this.pool.query<{ build_id: string }>(`SELECT build_id FROM projection_builds WHERE state = 'shadow' AND expires_at < now() ORDER BY build_id`);
    const dropped: string[] = [];
    for (const { build_id } of expired.rows) {
      await this.runtime.dropBuild(build_id);
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
