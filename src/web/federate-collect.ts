/**
 * The samples `/federate` answers with, as Prometheus picks them: the series of every
 * `match[]` set merged without duplicates, and for each the latest sample in
 * [now - lookback, now] unless that sample is a staleness marker (the exposition formats
 * cannot carry those; federated series go stale by the scraper's own rules), ordered by
 * metric name with series of one name kept in label order.
 */
import { Labels, Matcher, type Millis } from '../model/index.js';
import { classicHistogramValue, nativeHistogramValue, type HistogramValue } from '../expfmt/index.js';
import { CUSTOM_BUCKETS_SCHEMA, CounterResetHint } from '../model/index.js';
import { ValueType, type Querier, type SampleIterator, type Series, type SelectHints } from '../storage/interface.js';

/** One federated sample. `h` is null for floats. */
export interface FederatedSample {
  readonly labels: Labels;
  readonly name: string;
  readonly t: number;
  readonly f: number;
  readonly h: HistogramValue | null;
  /** For histograms: a gauge histogram (its counter-reset hint says so). */
  readonly gauge: boolean;
}

export interface CollectResult {
  samples: FederatedSample[];
  warnings: string[];
}

/**
 * Selects and reduces. `nativeHistograms` says whether native (exponential) histograms can be
 * served (protobuf only); without it they are left out. Custom-bucket histograms are always
 * served, as classic histograms. Throws the error of a failed select.
 */
export async function collectLatest(
  q: Querier, matcherSets: readonly (readonly Matcher[])[], mint: Millis, maxt: Millis, nativeHistograms: boolean, signal: AbortSignal,
): Promise<CollectResult> {
  const hints: SelectHints = { start: mint, end: maxt, step: 0, func: '', range: 0, limit: 0 };
  const warnings: string[] = [];
  const byKey = new Map<string, Series>();
  let list: Series[] = [];
  for (const set of matcherSets) {
    const ss = await q.select(true, hints, selectable(set), signal);
    while (ss.next()) {
      const s = ss.at();
      if (matcherSets.length === 1) list.push(s);
      else if (!byKey.has(s.labels.key())) byKey.set(s.labels.key(), s);
    }
    const err = ss.err();
    if (err !== null) throw err;
    for (const w of ss.warnings()) warnings.push(w);
  }
  if (matcherSets.length > 1) {
    list = [...byKey.values()];
    list.sort((a, b) => Labels.compare(a.labels, b.labels));
  }
  const samples: FederatedSample[] = [];
  let it: SampleIterator | null = null;
  for (const s of list) {
    it = s.iterator(it);
    let t = 0, f = 0, vt = ValueType.None, stale = false;
    for (let v = it.next(); v !== ValueType.None; v = it.next()) {
      const ts = it.atT();
      if (ts > maxt) break;
      if (ts < mint) continue;
      t = ts;
      vt = v;
      stale = it.atStale();
      if (v === ValueType.Float) f = it.atF();
    }
    if (vt === ValueType.None || stale) continue;
    const name = s.labels.metricName();
    if (vt === ValueType.Float) {
      samples.push({ labels: s.labels, name, t, f, h: null, gauge: false });
      continue;
    }
    // The latest sample is a histogram: go back to it (a fresh cursor; seeks never go backwards).
    it = s.iterator(it);
    if (it.seek(t as Millis) === ValueType.None) continue;
    const fh = it.atFloatHistogram();
    let h: HistogramValue;
    if (fh.schema === CUSTOM_BUCKETS_SCHEMA) h = classicHistogramValue(fh);
    else if (nativeHistograms) h = nativeHistogramValue(fh);
    else continue;
    samples.push({ labels: s.labels, name, t, f: 0, h, gauge: fh.counterResetHint === CounterResetHint.Gauge });
  }
  // A stable sort: series of one name keep their label order.
  samples.sort((a, b) => compareUTF8(a.name, b.name));
  return { samples, warnings };
}

/**
 * A matcher set the storage can select with. A set whose matchers all match the empty
 * string selects every series lacking those labels in Prometheus; federation drops nameless
 * series anyway, so requiring a name selects the same samples without asking the storage
 * for an unbounded select.
 */
function selectable(set: readonly Matcher[]): readonly Matcher[] {
  for (const m of set) if (!m.matchesEmpty()) return set;
  return [...set, new Matcher('=~', '__name__', '.+')];
}

/** Orders strings by their UTF-8 bytes (Go's string order), not by UTF-16 units. */
export function compareUTF8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    return codeOrder(x) - codeOrder(y);
  }
  return a.length - b.length;
}

/** UTF-16 units reordered so that surrogates (code points above U+FFFF) sort after U+E000..U+FFFF. */
function codeOrder(c: number): number {
  if (c >= 0xe000) return c - 0x800;
  if (c >= 0xd800) return c + 0x2000;
  return c;
}
