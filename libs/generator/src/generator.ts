import { createHash } from 'node:crypto';
import type { EventStore } from '@app/event-store';
import { ACTIVITIES } from './activities';
import type { StreamAppend } from './ledger';
import { Activity, HistorySize, SizePlan, SIZES, World } from './world';

export interface GenerateOptions {
  readonly size: HistorySize;
  /** Any text: the same seed (and size) gives the same events, ids included. */
  readonly seed: string | number;
  /** Events per chunk handed to the writer (default 2,000). */
  readonly chunkEvents?: number;
  /** Override the size's plan (tests use a smaller budget). */
  readonly plan?: Partial<SizePlan>;
  /** The activities to run (default ACTIVITIES). */
  readonly activities?: readonly Activity[];
}

export interface GenerationSummary {
  readonly size: HistorySize;
  readonly seed: string;
  readonly events: number;
  readonly appends: number;
  /** Commands the deciders or the access policy refused (0 in a sound generator; listed for diagnosis). */
  readonly refused: readonly { stream: string; command: string; error: string }[];
  readonly countsByType: Readonly<Record<string, number>>;
  /** Simulated span in business dates (the end exclusive). */
  readonly from: string;
  readonly to: string;
}

/**
 * The generated history in chunks of appends, in the order the simulated institution produced them, each append
 * one command's events for one stream with the revision it expects. Memory stays bounded: a chunk is handed out
 * as soon as it is full, and a draft's state is dropped when its story ends.
 */
export async function* generateChunks(options: GenerateOptions, summary?: (s: GenerationSummary) => void): AsyncGenerator<StreamAppend[]> {
  const seed = String(options.seed);
  const world = new World(seed, options.size, { ...SIZES[options.size], ...options.plan });
  const chunkEvents = options.chunkEvents ?? 2000;
  for (const activity of options.activities ?? ACTIVITIES) activity.start(world);
  let appends = 0;
  while (await world.clock.step(world.end)) {
    if (world.ledger.pendingCount >= chunkEvents) {
      const chunk = world.ledger.take();
      appends += chunk.length;
      yield chunk;
    }
  }
  const rest = world.ledger.take();
  appends += rest.length;
  if (rest.length > 0) yield rest;
  summary?.({
    size: options.size,
    seed,
    events: world.ledger.produced,
    appends,
    refused: world.ledger.refused,
    countsByType: Object.fromEntries([...world.ledger.countsByType].sort(([a], [b]) => (a < b ? -1 : 1))),
    from: world.time.date(world.start),
    to: world.time.date(world.end),
  });
}

/** SHA-256 over every append (stream, expected revision, type, data, metadata) in order: equal for equal seeds. */
export async function historyHash(options: GenerateOptions): Promise<{ hash: string; summary: GenerationSummary }> {
  const hash = createHash('sha256');
  let summary: GenerationSummary | undefined;
  for await (const chunk of generateChunks(options, (s) => (summary = s))) {
    for (const a of chunk) hash.update(JSON.stringify([a.stream, String(a.expected), a.events]));
  }
  return { hash: hash.digest('hex'), summary: summary! };
}

export interface GenerateHistoryOptions extends GenerateOptions {
  readonly store: EventStore;
  /** Called after each chunk is written. */
  readonly onProgress?: (progress: { events: number; appends: number; elapsedMs: number; eventsPerSecond: number }) => void;
}

export interface GenerateHistoryResult extends GenerationSummary {
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
  /** How the chunks were written (one appendMany transaction per chunk). */
  readonly writePath: 'appendMany';
}

/**
 * Generates a history and writes it into the store chunk by chunk, each chunk through appendMany: all its commands'
 * appends, each at its expected revision, in one transaction (the batch path). The store must not already hold
 * these streams (another seed or size writes other ids).
 */
export async function generateHistory(options: GenerateHistoryOptions): Promise<GenerateHistoryResult> {
  const started = Date.now();
  let events = 0;
  let appends = 0;
  let summary: GenerationSummary | undefined;
  for await (const chunk of generateChunks(options, (s) => (summary = s))) {
    await options.store.appendMany(chunk);
    appends += chunk.length;
    for (const a of chunk) events += a.events.length;
    const elapsedMs = Date.now() - started;
    options.onProgress?.({ events, appends, elapsedMs, eventsPerSecond: Math.round((events / Math.max(1, elapsedMs)) * 1000) });
  }
  const elapsedMs = Date.now() - started;
  return { ...summary!, elapsedMs, eventsPerSecond: Math.round((events / Math.max(1, elapsedMs)) * 1000), writePath: 'appendMany' };
}
