export * from './interface.js';
export { MemoryStorage, DEFAULT_MAX_EXEMPLARS, type MemoryStorageOptions, type GCResult, type HeadStats, type NameCount } from './memory/index.js';
