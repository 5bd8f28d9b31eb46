export * from './interface.js';
export { MemoryStorage, DEFAULT_MAX_EXEMPLARS, type MemoryStorageOptions, type GCResult, type HeadStats, type NameCount } from './memory/index.js';
export {
  applySearchHints, compareSearchResults, mergeSearchResults, searchLabelNames, searchLabelValues, NOT_ACCEPTED,
  type Filter, type Ordering, type SearchHints, type SearchResult, type SearchResults,
} from './search.js';
