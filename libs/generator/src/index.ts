export { generateChunks, generateHistory, historyHash } from './generator';
export type { GenerateHistoryOptions, GenerateHistoryResult, GenerateOptions, GenerationSummary } from './generator';
export { SIZES, World, HISTORY_START } from './world';
export type { Activity, HistorySize, SizePlan } from './world';
export type { StreamAppend } from './ledger';
export { ACTIVITIES } from './activities';
export { Rng } from './random';
export { diffSnapshots, snapshotTables } from './read-model-snapshot';
export type { TableSnapshot } from './read-model-snapshot';
