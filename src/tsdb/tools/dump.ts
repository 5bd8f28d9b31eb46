/**
 * `tsdb dump` and `tsdb dump-openmetrics`: every sample of a data directory's blocks and
 * head (the head rebuilt from the WAL) in a time range, for series matching any of the
 * selectors, in promtool's output formats.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatFloatG, type Matcher } from '../../model/index.js';
import { parseMetricSelectorMatchers } from '../../promql/parser/index.js';
import { ValueType } from '../../storage/interface.js';
import { errnoText } from '../../util/errno.js';
import { checkDataDir, closeAll, DataDirError, openBlocks } from './data-dir.js';
import { blockStream, headStream, mergeStreams, MergedSampleIterator, type MergedSeries } from './series-merge.js';
import { condensedLabelsString, histogramString, labelsJSON, labelsString } from './series-format.js';
import { replayWAL } from './wal-head.js';

/** `prom`: `{labels} value timestamp` lines; `seriesjson`: each series' labels as JSON; `openmetrics`: OpenMetrics text. */
export type DumpFormat = 'prom' | 'seriesjson' | 'openmetrics';

export interface DumpOptions {
  dir: string;
  /** Where promtool makes its sandbox directory ('' = the data directory). Only checked here: nothing is written. */
  sandboxDirRoot: string;
  /** Inclusive time range in ms; ±2^63 for promtool's defaults. */
  mint: number;
  maxt: number;
  /** Series selectors; a series matching any of them is dumped. */
  match: readonly string[];
  format: DumpFormat;
  signal?: AbortSignal;
}

/** Output is handed to `out` in pieces of about this many characters. */
const FLUSH_AT = 1 << 16;

/** Writes the dump through `out`. Throws with promtool's messages for bad input. */
export async function dumpTSDB(o: DumpOptions, out: (s: string) => void): Promise<void> {
  await checkDataDir(o.dir);
  let sandbox = '';
  if (o.sandboxDirRoot !== '') {
    try {
      sandbox = await mkdtemp(join(o.sandboxDirRoot, 'tmp_dbro_sandbox'));
    } catch (e) {
      throw new DataDirError(`setting up sandbox dir: mkdir ${join(o.sandboxDirRoot, 'tmp_dbro_sandbox')}: ${errnoText(e)}`, { cause: e });
    }
  }
  try {
    const blocks = await openBlocks(o.dir);
    try {
      const maxBlockTime = blocks.length > 0 ? blocks[blocks.length - 1]!.meta.maxTime : -(2 ** 63);
      // The WAL is read only when the blocks do not cover the requested range.
      const head = maxBlockTime <= o.maxt ? await replayWAL(o.dir, maxBlockTime, o.signal) : null;
      const sets: Matcher[][] = o.match.map((m) => parseMetricSelectorMatchers(m));
      const useHead = head !== null && o.maxt >= head.minTime;
      const inRange = blocks.filter((b) => b.overlaps(o.mint, o.maxt));
      // One selector over the head alone keeps the head's order (by series ref); every
      // other combination is merged, which sorts by labels.
      const sorted = !(sets.length === 1 && inRange.length === 0 && useHead);
      const streams = [];
      for (const ms of sets) {
        if (useHead) streams.push(headStream(head, ms, o.mint, o.maxt, sorted));
        for (const b of inRange) streams.push(blockStream(b, ms, o.mint, o.maxt, o.signal));
      }
      await write(mergeStreams(streams), o.format, out, o.signal);
    } finally {
      await closeAll(blocks);
    }
  } finally {
    if (sandbox !== '') await rm(sandbox, { recursive: true, force: true });
  }
}

async function write(series: AsyncGenerator<MergedSeries>, format: DumpFormat, out: (s: string) => void, signal?: AbortSignal): Promise<void> {
  const it = new MergedSampleIterator();
  const seen = new Set<string>();
  let buf = '';
  for await (const s of series) {
    signal?.throwIfAborted();
    switch (format) {
      case 'prom': {
        const ls = labelsString(s.labels);
        it.reset(s.parts);
        for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
          switch (vt) {
            case ValueType.Float: buf += `${ls} ${formatFloatG(it.atF())} ${it.atT()}\n`; break;
            case ValueType.Histogram: buf += `${ls} ${histogramString(it.atHistogram(), true)} ${it.atT()}\n`; break;
            case ValueType.FloatHistogram: buf += `${ls} ${histogramString(it.atFloatHistogram(), false)} ${it.atT()}\n`; break;
          }
          if (buf.length > FLUSH_AT) { out(buf); buf = ''; }
        }
        break;
      }
      case 'seriesjson': {
        const j = labelsJSON(s.labels);
        if (!seen.has(j)) {
          seen.add(j);
          buf += j + '\n';
        }
        break;
      }
      case 'openmetrics': {
        const name = s.labels.get('__name__');
        const ls = name + condensedLabelsString(s.labels.withoutMetricName());
        it.reset(s.parts);
        // Like promtool, a series' dump stops at its first sample that is not a float.
        while (it.next() === ValueType.Float) {
          buf += `${ls} ${formatFloatG(it.atF())} ${(it.atT() / 1000).toFixed(3)}\n`;
          if (buf.length > FLUSH_AT) { out(buf); buf = ''; }
        }
        break;
      }
    }
    const e = it.err();
    if (e !== null) throw e;
    if (buf.length > FLUSH_AT) { out(buf); buf = ''; }
  }
  if (format === 'openmetrics') buf += '# EOF\n';
  if (buf !== '') out(buf);
}
