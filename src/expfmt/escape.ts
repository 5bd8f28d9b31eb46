/**
 * Name escaping for clients that do not accept UTF-8 metric and label names, as Prometheus 3
 * negotiates it with the `escaping=` parameter: `allow-utf-8` (no escaping), `underscores`,
 * `dots` and `values`. Label values are never escaped.
 */
import type { Metric, MetricFamily, LabelPair } from './model.js';

export type EscapingScheme = 'allow-utf-8' | 'underscores' | 'dots' | 'values';

/** The scheme a server uses when the client names none (Prometheus's default). */
export const DEFAULT_ESCAPING_SCHEME: EscapingScheme = 'underscores';

export function isEscapingScheme(s: string): s is EscapingScheme {
  return s === 'allow-utf-8' || s === 'underscores' || s === 'dots' || s === 'values';
}

function isLegacyChar(c: number, first: boolean): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || (!first && c >= 0x30 && c <= 0x39);
}

/**
 * Whether a name fits the legacy metric-name pattern `[a-zA-Z_:][a-zA-Z0-9_:]*`. The
 * encoders apply this same test to label names (so a colon in a label name is left alone),
 * as Prometheus's do.
 */
export function isValidLegacyName(name: string): boolean {
  // Names repeat on every line of a family: remember the verdict (bounded).
  const known = validity.get(name);
  if (known !== undefined) return known;
  let ok = name.length > 0;
  for (let i = 0; ok && i < name.length; i++) ok = isLegacyChar(name.charCodeAt(i), i === 0);
  if (validity.size >= VALIDITY_CACHE_SIZE) validity.clear();
  validity.set(name, ok);
  return ok;
}

const VALIDITY_CACHE_SIZE = 4096;
const validity = new Map<string, boolean>();

/**
 * Escapes a name by a scheme, code point by code point. `underscores` and `values` leave
 * legacy-valid names alone; `dots` always doubles underscores (so it can be undone).
 * A lone surrogate counts as U+FFFD, as invalid UTF-8 does in Go.
 */
export function escapeName(name: string, scheme: EscapingScheme): string {
  if (name.length === 0) return name;
  switch (scheme) {
    case 'allow-utf-8':
      return name;
    case 'underscores': {
      if (isValidLegacyName(name)) return name;
      let out = '';
      let first = true;
      for (const ch of name) {
        out += isLegacyChar(ch.charCodeAt(0), first) && ch.length === 1 ? ch : '_';
        first = false;
      }
      return out;
    }
    case 'dots': {
      let out = '';
      let first = true;
      for (const ch of name) {
        const c = ch.charCodeAt(0);
        if (c === 0x5f) out += '__';
        else if (c === 0x2e) out += '_dot_';
        else if (ch.length === 1 && isLegacyChar(c, first)) out += ch;
        else out += '__';
        first = false;
      }
      return out;
    }
    case 'values': {
      if (isValidLegacyName(name)) return name;
      let out = 'U__';
      let first = true;
      for (const ch of name) {
        const c = ch.charCodeAt(0);
        if (c === 0x5f) out += '__';
        else if (ch.length === 1 && isLegacyChar(c, first)) out += ch;
        else {
          let cp = ch.codePointAt(0)!;
          if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
          out += '_' + cp.toString(16) + '_';
        }
        first = false;
      }
      return out;
    }
    default:
      return unreachableScheme(scheme);
  }
}

function unreachableScheme(x: never): never {
  throw new Error(`invalid escaping scheme ${String(x)}`);
}

function metricNeedsEscaping(m: Metric): boolean {
  for (const l of m.labels) {
    if (!isValidLegacyName(l.name)) return true;
    if (l.name === '__name__' && !isValidLegacyName(l.value)) return true;
  }
  return false;
}

/**
 * The family with its name and label names escaped by the scheme (label values untouched,
 * except a `__name__` label's value, which is a metric name). Returns the input itself when
 * nothing changes; never mutates it.
 */
export function escapeMetricFamily(mf: MetricFamily, scheme: EscapingScheme): MetricFamily {
  if (scheme === 'allow-utf-8') return mf;
  let changed = false;
  const name = isValidLegacyName(mf.name) || mf.name === '' ? mf.name : escapeName(mf.name, scheme);
  if (name !== mf.name) changed = true;
  let metrics: Metric[] | null = null;
  for (let i = 0; i < mf.metrics.length; i++) {
    const m = mf.metrics[i]!;
    if (!metricNeedsEscaping(m)) {
      if (metrics !== null) metrics.push(m);
      continue;
    }
    if (metrics === null) metrics = mf.metrics.slice(0, i);
    const labels: LabelPair[] = [];
    for (const l of m.labels) {
      if (l.name === '__name__') {
        labels.push(isValidLegacyName(l.value) ? l : { name: l.name, value: escapeName(l.value, scheme) });
      } else {
        labels.push(isValidLegacyName(l.name) ? l : { name: escapeName(l.name, scheme), value: l.value });
      }
    }
    metrics.push({ ...m, labels });
  }
  if (metrics !== null) changed = true;
  if (!changed) return mf;
  return { ...mf, name, metrics: metrics ?? mf.metrics };
}
