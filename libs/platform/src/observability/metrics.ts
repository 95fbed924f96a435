import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommandObserver, CommandReport } from './command-observer';

export interface MetricsOptions {
  /** The Node process metrics of prom-client (CPU, memory, event loop lag, GC, handles); default true. */
  readonly defaultMetrics?: boolean;
  /** A collector slower than this fails (its families are left out of that scrape); default 10 s. */
  readonly collectorTimeoutMs?: number;
  readonly log?: (message: string, fields: Record<string, unknown>) => void;
}

/** Makes a gauge of one collector. */
export type GaugeMaker = <L extends string>(name: string, help: string, labelNames?: readonly L[]) => Gauge<L>;

/**
 * A scrape-time source of gauges: it sets them from a few cheap queries each time /metrics is read. Its gauges
 * live in a registry of their own, so that a failed collection leaves its families out of the scrape entirely.
 */
interface Collector {
  readonly name: string;
  readonly registry: Registry;
  readonly collect: () => Promise<void>;
}

/** The store methods whose appends are counted (structural: the platform knows no EventStore). */
export interface AppendingStore {
  appendToStream(stream: string, events: readonly unknown[], ...rest: never[]): Promise<{ readonly duplicate: boolean }>;
  appendMany(appends: readonly { readonly events: readonly unknown[] }[]): Promise<readonly { readonly duplicate: boolean }[]>;
}

/** Buckets of the command histogram: from a cached fold (a few ms) to a slow append under contention (10 s). */
export const COMMAND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The instance's Prometheus registry (one per app, never prom-client's global one, so several apps in one
 * process do not collide): the command histogram and the append counter, updated as things happen, and the
 * gauges of registered collectors, computed at scrape time. A failing collector is logged and its families are
 * empty in that scrape; the others are unaffected.
 */
export class Metrics implements CommandObserver {
  readonly registry = new Registry();
  private readonly commands: Histogram<'command' | 'outcome'>;
  private readonly appended: Counter;
  private readonly failures: Counter<'collector'>;
  private readonly collectors: Collector[] = [];
  private inFlight: Promise<string> | undefined;

  constructor(private readonly options: MetricsOptions = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.commands = new Histogram({
      name: 'baosong_command_duration_seconds',
      help: 'Commands run by this instance: read, fold, decide, append (with its retries), by command type and outcome',
      labelNames: ['command', 'outcome'],
      buckets: COMMAND_BUCKETS,
      registers,
    });
    this.appended = new Counter({ name: 'baosong_events_appended_total', help: 'Events this instance appended to the log (duplicates absorbed by the store not counted)', registers });
    this.failures = new Counter({ name: 'baosong_metrics_collector_failures_total', help: 'Scrapes in which a collector failed and its metrics were left out', labelNames: ['collector'], registers });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  commandFinished(report: CommandReport): void {
    this.commands.observe({ command: report.command, outcome: report.outcome }, report.seconds);
  }

  /** Counts what `store` appends from now on (every append of the instance goes through this one store). */
  countAppends(store: AppendingStore): void {
    const appendToStream = store.appendToStream.bind(store);
    const appendMany = store.appendMany.bind(store);
    store.appendToStream = async (stream, events, ...rest) => {
      const result = await appendToStream(stream, events, ...rest);
      if (!result.duplicate) this.appended.inc(events.length);
      return result;
    };
    store.appendMany = async (appends) => {
      const results = await appendMany(appends);
      const n = results.reduce((sum, r, i) => sum + (r.duplicate ? 0 : (appends[i]?.events.length ?? 0)), 0);
      if (n > 0) this.appended.inc(n);
      return results;
    };
  }

  /**
   * `define` makes the collector's gauges and returns the function that sets them; it runs at every scrape, the
   * gauges reset before.
   */
  addCollector(name: string, define: (gauge: GaugeMaker) => () => Promise<void>): void {
    const registry = new Registry();
    const gauge: GaugeMaker = (metric, help, labelNames = []) => new Gauge({ name: metric, help, labelNames, registers: [registry] });
    this.collectors.push({ name, registry, collect: define(gauge) });
  }

  /** The text exposition. Concurrent scrapes share one collection (the gauges are set once). */
  scrape(): Promise<string> {
    this.inFlight ??= this.collectAll().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async collectAll(): Promise<string> {
    const collected = await Promise.all(this.collectors.map(async (c) => ((await this.run(c)) ? c.registry.metrics() : '')));
    return [await this.registry.metrics(), ...collected].filter((text) => text !== '').join('\n');
  }

  /** false when the collector failed (its families are left out). */
  private async run(collector: Collector): Promise<boolean> {
    collector.registry.resetMetrics();
    const timeoutMs = this.options.collectorTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        collector.collect(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`collector took longer than ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return true;
    } catch (error) {
      this.failures.inc({ collector: collector.name });
      this.options.log?.('metrics collector failed: its metrics are left out of this scrape', { collector: collector.name, error: String(error) });
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
