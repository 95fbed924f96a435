/**
 * The full rebuild: every projection the API registers, through the real ProjectionRuntime, from position 0 on
 * a database that has the history and no builds, timed from start() until every projection is live at the head.
 * RSS of this process is sampled meanwhile; CPU time is split between this process and PostgreSQL. The bench runs
 * it in a process of its own (rebuild-process.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { AnyProjection, ProjectionRuntime } from '@app/projections';

export interface RebuildResult {
  readonly projections: string[];
  readonly events: number;
  readonly ms: number;
  readonly perSecond: number;
  /** RSS (MB) when the slowest projection passed the mark (200k events, or a fifth of a smaller history). */
  readonly rssAtMarkMb: number;
  readonly mark: number;
  readonly rssEndMb: number;
  readonly rssPeakMb: number;
  /** CPU seconds of this process (the runtime and the projections' JavaScript) and of every postgres process. */
  readonly nodeCpuS: number;
  readonly postgresCpuS: number | null;
  /** Seconds from start until each projection was live at the head. */
  readonly perProjectionS: Record<string, number>;
}

const MB = 1024 * 1024;

/** utime + stime of every process named postgres (Linux /proc), in seconds; null elsewhere. */
function postgresCpuSeconds(): number | null {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (comm !== 'postgres') continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]); // utime stime cutime cstime
      } catch {
        // the process ended meanwhile
      }
    }
    return ticks / 100; // USER_HZ
  } catch {
    return null;
  }
}

export async function rebuildAll(url: string, defs: readonly AnyProjection[], options: { profile?: string; batchSize?: number } = {}): Promise<RebuildResult & { profile?: object }> {
  const pool = new Pool({ connectionString: url, max: 20 });
  pool.on('error', () => undefined); // DROP DATABASE … WITH (FORCE) ends idle connections
  const store = new PostgresEventStore(pool, { pollIntervalMs: 50 });
  const head = await store.headPosition();
  const mark = Number(head) >= 400_000 ? 200_000 : Math.floor(Number(head) / 5);
  const runtime = new ProjectionRuntime(pool, store, defs, { leaseIntervalMs: 200, ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
  let rssPeak = 0;
  let rssAtMark = 0;
  const perProjection: Record<string, number> = {};
  const session = options.profile ? new Session() : undefined;
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  if (session) {
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 1000 });
    await post('Profiler.start');
  }
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 100);
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpuSeconds();
  const t = performance.now();
  try {
    await runtime.start();
    for (;;) {
      const rows = await pool.query<{ projection: string; state: string; position: string; stopped_at: Date | null; last_error: string | null }>(
        `SELECT projection, state, position, stopped_at, last_error FROM projection_builds WHERE state <> 'retired'`,
      );
      const stopped = rows.rows.find((r) => r.stopped_at);
      if (stopped) throw new Error(`${stopped.projection} stopped: ${stopped.last_error}`);
      for (const r of rows.rows) if (r.state === 'live' && BigInt(r.position) >= head) perProjection[r.projection] ??= Math.round(performance.now() - t) / 1000;
      const slowest = rows.rows.length < defs.length ? 0 : Math.min(...rows.rows.map((r) => Number(r.position)));
      if (!rssAtMark && slowest >= mark) rssAtMark = process.memoryUsage().rss;
      if (defs.every((d) => perProjection[d.name] !== undefined)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    const pg1 = postgresCpuSeconds();
    const rssEnd = process.memoryUsage().rss;
    let profile: object | undefined;
    if (session) profile = ((await post('Profiler.stop')) as { profile: object }).profile;
    return {
      projections: defs.map((d) => d.name),
      events: Number(head),
      ms: Math.round(ms),
      perSecond: Math.round((Number(head) / ms) * 1000),
      rssAtMarkMb: Math.round(rssAtMark / MB),
      mark,
      rssEndMb: Math.round(rssEnd / MB),
      rssPeakMb: Math.round(Math.max(rssPeak, rssEnd) / MB),
      nodeCpuS: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      postgresCpuS: pg0 === null || pg1 === null ? null : Math.round((pg1 - pg0) * 10) / 10,
      perProjectionS: perProjection,
      ...(profile ? { profile } : {}),
    };
  } finally {
    clearInterval(sampler);
    session?.disconnect();
    await runtime.stop();
    await store.close();
    await pool.end();
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** The functions with the most self time in a CPU profile (Profiler.stop), for the table's notes. */
export function topSelfTime(profile: { nodes: ProfileNode[]; samples?: number[] }, n = 12): { fn: string; share: number }[] {
  const total = profile.nodes.reduce((s, node) => s + (node.hitCount ?? 0), 0) || 1;
  const byFn = new Map<string, number>();
  for (const node of profile.nodes) {
    const file = node.callFrame.url.replace(/^.*\/(node_modules\/[^/]+|libs\/|apps\/)/, '$1');
    const key = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + (node.hitCount ?? 0));
  }
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, hits]) => ({ fn, share: Math.round((hits / total) * 1000) / 10 }));
}
