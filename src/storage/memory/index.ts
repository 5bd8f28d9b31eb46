export { MemoryStorage, DEFAULT_MAX_EXEMPLARS, type MemoryStorageOptions } from './memory.js';
export type { GCResult } from './head.js';
export type { HeadStats, NameCount } from './stats.js';
export { validateHistogram, histogramsEqual } from './histogram.js';
