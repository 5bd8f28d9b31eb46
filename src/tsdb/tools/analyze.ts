/**
 * `tsdb analyze`: churn, label pair cardinality and chunk statistics of one block, in the
 * layout of promtool 3.x. Lists are sorted by their count, highest first; promtool breaks
 * ties in map order (random), here they are broken by name so that the output is stable.
 */
import type { Matcher } from '../../model/index.js';
import { parseMetricSelectorMatchers } from '../../promql/parser/index.js';
import type { Block } from '../block/index.js';
import { intersectPostings, ListPostings, postingsToUint32Array } from '../index/index.js';
import { analyzeChunks } from './analyze-chunks.js';
import { checkDataDir, lastBlockID, openBlockByID } from './data-dir.js';
import { goDurationString } from './go-format.js';
import { forEachSeries } from './series-walk.js';

export interface AnalyzeOptions {
  /** Data directory. */
  dir: string;
  /** Block directory name; '' for the block with the latest ULID. */
  blockID: string;
  /** Entries per list. */
  limit: number;
  /** Add the chunk statistics (`--extended`). */
  extended: boolean;
  /** A series selector (`--match`), '' for all series. */
  match: string;
  signal?: AbortSignal;
}

/** An entry of a ranked list: a count and what it counts. */
interface Ranked {
  key: string;
  n: number;
}

/** Go's uint64(f) on amd64 for what a float64 division can give. */
function goUint64(f: number): number {
  return Number.isFinite(f) && f >= 0 ? Math.trunc(f) : 9223372036854775808;
}

function ranked(entries: Ranked[], limit: number): string {
  entries.sort((a, b) => (b.n - a.n) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let s = '';
  for (let i = 0; i < entries.length && i < limit; i++) s += `${entries[i]!.n} ${entries[i]!.key}\n`;
  return s;
}

/** Refs of the series to analyze, ascending. */
async function seriesRefs(block: Block, matchers: readonly Matcher[], signal?: AbortSignal): Promise<Uint32Array> {
  const p = matchers.length > 0 ? await block.postings(matchers, signal) : await block.index.allPostings();
  return postingsToUint32Array(p);
}

/** The report of `promtool tsdb analyze`, written through `out` as it is produced. */
export async function analyzeBlock(o: AnalyzeOptions, out: (s: string) => void): Promise<void> {
  const matchers = o.match !== '' ? parseMetricSelectorMatchers(o.match) : [];
  await checkDataDir(o.dir);
  const id = o.blockID !== '' ? o.blockID : await lastBlockID(o.dir);
  const block = await openBlockByID(o.dir, id);
  try {
    await report(block, matchers, o, out);
  } finally {
    await block.close();
  }
}

async function report(block: Block, matchers: readonly Matcher[], o: AnalyzeOptions, out: (s: string) => void): Promise<void> {
  const meta = block.meta;
  const dur = meta.maxTime - meta.minTime;
  out(`Block ID: ${meta.ulid}\n`);
  out(`Duration: ${goDurationString(dur)}\n`);
  out(`Total Series: ${meta.stats.numSeries}\n`);
  if (o.match !== '') out(`Matcher: ${o.match}\n`);

  const refs = await seriesRefs(block, matchers, o.signal);
  const labelsUncovered = new Map<string, number>();
  const pairsUncovered = new Map<string, number>();
  const pairsCount = new Map<string, number>();
  // With matchers, label names and values come from the matched series.
  const values = new Map<string, Set<string>>();
  let entries = 0;
  await forEachSeries(block, refs, (ls, chks) => {
    const covered = chks.length > 0 ? chks[chks.length - 1]!.maxt - chks[0]!.mint : 0;
    const uncovered = dur - covered;
    for (let i = 0; i < ls.length; i++) {
      const name = ls.nameAt(i), value = ls.valueAt(i);
      const key = name + '=' + value;
      labelsUncovered.set(name, (labelsUncovered.get(name) ?? 0) + uncovered);
      pairsUncovered.set(key, (pairsUncovered.get(key) ?? 0) + uncovered);
      pairsCount.set(key, (pairsCount.get(key) ?? 0) + 1);
      entries++;
      if (matchers.length > 0) {
        let vs = values.get(name);
        if (vs === undefined) values.set(name, (vs = new Set()));
        vs.add(value);
      }
    }
  }, o.signal);

  const names = matchers.length > 0 ? [...values.keys()].sort(byBytes) : block.index.labelNames();
  const labelValues = async (name: string): Promise<string[]> =>
    matchers.length > 0 ? [...(values.get(name) ?? [])].sort(byBytes) : block.index.labelValues(name);

  out(`Label names: ${names.length}\n`);
  if (matchers.length > 0) out(`Matched series: ${refs.length}\n`);
  out(`Postings (unique label pairs): ${pairsUncovered.size}\n`);
  out(`Postings entries (total label pairs): ${entries}\n`);

  const churn = (m: Map<string, number>): Ranked[] => {
    const r: Ranked[] = [];
    for (const [key, n] of m) r.push({ key, n: goUint64(n / dur) });
    return r;
  };
  out('\nLabel pairs most involved in churning:\n' + ranked(churn(pairsUncovered), o.limit));
  out('\nLabel names most involved in churning:\n' + ranked(churn(labelsUncovered), o.limit));
  const common: Ranked[] = [];
  for (const [key, n] of pairsCount) common.push({ key, n });
  out('\nMost common label pairs:\n' + ranked(common, o.limit));

  const lengths: Ranked[] = [];
  const cardinality: Ranked[] = [];
  for (const n of names) {
    const vs = await labelValues(n);
    let len = 0;
    for (const v of vs) len += Buffer.byteLength(v, 'utf8');
    lengths.push({ key: n, n: len });
    cardinality.push({ key: n, n: vs.length });
  }
  out('\nLabel names with highest cumulative label value length:\n' + ranked(lengths, o.limit));
  out('\nHighest cardinality labels:\n' + ranked(cardinality, o.limit));

  const metrics: Ranked[] = [];
  for (const v of await labelValues('__name__')) {
    let p = await block.index.postings('__name__', v);
    if (matchers.length > 0) p = intersectPostings(p, new ListPostings(refs));
    let count = 0;
    while (p.next()) count++;
    const e = p.err();
    if (e !== null) throw e;
    metrics.push({ key: v, n: count });
  }
  out('\nHighest cardinality metric names:\n' + ranked(metrics, o.limit));

  if (o.extended) out(await analyzeChunks(block, refs, o.signal));
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
