/**
 * Checks on a new series' final labels, failing the scrape with Prometheus's wording: the
 * metric name must be present, names and values valid under the validation scheme, and
 * `label_limit`, `label_name_length_limit`, `label_value_length_limit` respected (lengths
 * in bytes, texts cut to 50 characters as Go's `%.50s` / `%.50q` do).
 */
import {
  isLegacyLabelName, isLegacyMetricName, isValidLabelName, isWellFormedUTF16, quoteGoString,
  METRIC_NAME, type Labels,
} from '../model/index.js';
import type { NameValidationScheme } from '../config/types.js';

export interface LabelLimits {
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
}

export class LabelLimitError extends Error {
  override readonly name = 'LabelLimitError';
}

export const ERR_NAME_LABEL_MANDATORY = `missing metric name (${METRIC_NAME} label)`;

/** True when the names and values are valid under the scheme (values must be valid UTF-8 in both). */
export function labelsValid(l: Labels, scheme: NameValidationScheme): boolean {
  for (let i = 0; i < l.length; i++) {
    const n = l.nameAt(i);
    const v = l.valueAt(i);
    if (n === METRIC_NAME) {
      if (scheme === 'legacy' ? !isLegacyMetricName(v) : (v === '' || !isWellFormedUTF16(v))) return false;
      continue;
    }
    if (scheme === 'legacy' ? !isLegacyLabelName(n) : !isValidLabelName(n)) return false;
    if (!isWellFormedUTF16(v)) return false;
  }
  return true;
}

/** The first 50 characters, as Go's `%.50s` prints them. */
function cut50(s: string): string {
  const cps = Array.from(s);
  return cps.length <= 50 ? s : cps.slice(0, 50).join('');
}

/** Returns the limit error, or null. */
export function verifyLabelLimits(l: Labels, lim: LabelLimits): LabelLimitError | null {
  const met = l.get(METRIC_NAME);
  if (lim.labelLimit > 0 && l.length > lim.labelLimit) {
    return new LabelLimitError(`label_limit exceeded (metric: ${cut50(met)}, number of labels: ${l.length}, limit: ${lim.labelLimit})`);
  }
  if (lim.labelNameLengthLimit === 0 && lim.labelValueLengthLimit === 0) return null;
  for (let i = 0; i < l.length; i++) {
    const n = l.nameAt(i);
    if (lim.labelNameLengthLimit > 0) {
      const len = Buffer.byteLength(n, 'utf8');
      if (len > lim.labelNameLengthLimit) {
        return new LabelLimitError(`label_name_length_limit exceeded (metric: ${cut50(met)}, label name: ${cut50(n)}, length: ${len}, limit: ${lim.labelNameLengthLimit})`);
      }
    }
    if (lim.labelValueLengthLimit > 0) {
      const v = l.valueAt(i);
      const len = Buffer.byteLength(v, 'utf8');
      if (len > lim.labelValueLengthLimit) {
        return new LabelLimitError(`label_value_length_limit exceeded (metric: ${cut50(met)}, label name: ${cut50(n)}, value: ${quoteGoString(cut50(v))}, length: ${len}, limit: ${lim.labelValueLengthLimit})`);
      }
    }
  }
  return null;
}
