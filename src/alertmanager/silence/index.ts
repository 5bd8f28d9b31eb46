export * from './silence.js';
export { Silences, Silencer, SilenceError, SilenceNotFoundError, type SilencesOptions, type SilenceQuery, type SilenceChange } from './silences.js';
export { SilenceMetrics } from './metrics.js';
export { encodeSnapshot, decodeSnapshot, readSnapshot, writeSnapshot, type SnapshotEntry } from './snapshot.js';
