/**
 * The storage a script runs against and the `load` command: values expanded to samples at
 * k * interval, appended in one batch; stale markers as staleness markers; histograms
 * stamped with the counter reset hint the TSDB would read back (head-hints.ts); `@st`
 * offsets recorded as start timestamps; for `load_with_nhcb` the classic histograms of the
 * block additionally converted to native histograms with custom buckets.
 */
import { AppendError, MemoryStorage, type Appender, type Queryable } from '../../storage/index.js';
import { Labels, LabelsBuilder, parseGoFloat, toFloatHistogram, type FloatHistogram, type Millis } from '../../model/index.js';
import { TempHistogram } from '../../textparse/convert-nhcb.js';
import { HeadHints } from './head-hints.js';
import type { LoadCmd, LoadSeries, SequenceValue } from './script.js';
import { StartTimestampQueryable } from './st-storage.js';

/** An empty storage as each script (and each `clear`) starts with. */
export class TestStorage {
  readonly memory = new MemoryStorage({ gcIntervalMs: 0, maxExemplars: 0 });
  readonly #st = new StartTimestampQueryable(this.memory);
  readonly #hints = new HeadHints();

  /** What queries read: the memory storage with start timestamps. */
  get queryable(): Queryable {
    return this.#st;
  }

  /** Appends every sample of the load command; throws an Error naming the series and sample on the first rejection. */
  async load(cmd: LoadCmd): Promise<void> {
    const app = this.memory.appender();
    try {
      for (const s of cmd.series) this.#appendSeries(app, s, cmd.intervalMs);
      if (cmd.withNHCB) {
        for (const [labels, hs] of convertClassicHistograms(cmd)) {
          for (const [t, h] of hs) this.#appendHistogram(app, labels, t, h);
        }
      }
    } catch (e) {
      await app.rollback();
      throw e;
    }
    await app.commit();
  }

  #appendHistogram(app: Appender, labels: Labels, t: number, h: FloatHistogram): void {
    const stamped: FloatHistogram = { ...h, counterResetHint: this.#hints.histogram(labels.key(), t, h) };
    wrap(labels, t, () => app.appendHistogram(0, labels, t as Millis, null, stamped));
  }

  #appendSeries(app: Appender, s: LoadSeries, interval: number): void {
    const key = s.labels.key();
    for (let k = 0; k < s.values.length; k++) {
      const v = s.values[k]!;
      if (v.omitted) continue;
      const t = k * interval;
      if (v.histogram !== null) {
        this.#appendHistogram(app, s.labels, t, v.histogram);
      } else if (v.stale) {
        this.#hints.stale(key, t);
        wrap(s.labels, t, () => app.appendStale(0, s.labels, t as Millis));
      } else {
        this.#hints.float(key);
        wrap(s.labels, t, () => app.append(0, s.labels, t as Millis, v.value));
      }
      const off = s.st?.[k];
      if (off !== null && off !== undefined) this.#st.set(s.labels, t, t + off);
    }
  }
}

function wrap(labels: Labels, t: number, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppendError) throw new Error(`loading ${labels.toString()} at t=${t}: ${e.message}`, { cause: e });
    throw e;
  }
}

type Part = 'bucket' | 'count' | 'sum';

function splitName(name: string): { part: Part; base: string } | null {
  if (name.endsWith('_bucket')) return { part: 'bucket', base: name.slice(0, -7) };
  if (name.endsWith('_count')) return { part: 'count', base: name.slice(0, -6) };
  if (name.endsWith('_sum')) return { part: 'sum', base: name.slice(0, -4) };
  return null;
}

interface Family {
  labels: Labels;
  byT: Map<number, TempHistogram>;
}

function floatSamples(s: LoadSeries, interval: number): { t: number; v: SequenceValue }[] {
  const out: { t: number; v: SequenceValue }[] = [];
  for (let k = 0; k < s.values.length; k++) {
    const v = s.values[k]!;
    if (!v.omitted && v.histogram === null) out.push({ t: k * interval, v });
  }
  return out;
}

/**
 * The `load_with_nhcb` conversion: classic-histogram series of the block grouped by base
 * name and labels (without `le`), one custom-bucket histogram per timestamp with any
 * bucket, count or sum sample. Returns each family's histograms in time order.
 */
export function convertClassicHistograms(cmd: LoadCmd): Map<Labels, [number, FloatHistogram][]> {
  const families = new Map<string, Family>();
  for (const s of cmd.series) {
    const split = splitName(s.labels.metricName());
    if (split === null) continue;
    let le = 0;
    if (split.part === 'bucket') {
      if (!s.labels.has('le')) throw new Error(`expected bucket label in metric ${s.labels.toString()}`);
      const parsed = parseGoFloat(s.labels.get('le'));
      if (parsed === undefined || Number.isNaN(parsed)) continue;
      le = parsed;
    }
    const base = new LabelsBuilder(s.labels).set('__name__', split.base).del('le').labels();
    let fam = families.get(base.key());
    if (fam === undefined) {
      fam = { labels: base, byT: new Map() };
      families.set(base.key(), fam);
    }
    for (const { t, v } of floatSamples(s, cmd.intervalMs)) {
      let th = fam.byT.get(t);
      if (th === undefined) {
        th = new TempHistogram();
        fam.byT.set(t, th);
      }
      if (split.part === 'bucket') th.setBucketCount(le, v.value);
      else if (split.part === 'count') th.setCount(v.value);
      else th.setSum(v.value);
    }
  }
  const out = new Map<Labels, [number, FloatHistogram][]>();
  for (const fam of families.values()) {
    const hs: [number, FloatHistogram][] = [];
    for (const [t, th] of fam.byT) {
      const r = th.convert(false);
      if (!r.ok) throw new Error(`converting ${fam.labels.toString()} at t=${t} to a native histogram: ${r.error}`);
      hs.push([t, r.fh ?? toFloatHistogram(r.h!)]);
    }
    hs.sort((a, b) => a[0] - b[0]);
    out.set(fam.labels, hs);
  }
  return out;
}
