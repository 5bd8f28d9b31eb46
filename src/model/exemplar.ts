import type { Labels } from './labels.js';
import type { Millis } from './time.js';

/** An exemplar attached to a sample: a trace reference and the value it saw. */
export interface Exemplar {
  labels: Labels;
  value: number;
  /** Milliseconds, or undefined when the exposition gave no timestamp. */
  ts: Millis | undefined;
}

/** OpenMetrics limits the exemplar label set to 128 UTF-8 characters (names and values). */
export const EXEMPLAR_MAX_LABEL_SET_LENGTH = 128;
