export * from './silence.js';
export { Silences, Silencer, SilenceError, SilenceNotFoundError, type SilencesOptions } from './silences.js';
export { SilenceMetrics } from './metrics.js';
