/**
 * The extended part of `tsdb analyze` (promtool 3.x's "Compaction analysis"): samples and
 * bytes per float chunk, samples, bytes and buckets per histogram chunk, each shown as
 * min/avg/max and a bar chart over buckets of 10^k.
 */
import { ValueType } from '../../storage/interface.js';
import type { Block } from '../block/index.js';
import { Encoding, type ChunkIterator } from '../chunkenc/index.js';
import { forEachSeries } from './series-walk.js';
import { padIntLeft } from './go-format.js';

/** The bucket grid promtool uses: a step of 10^k, k ≥ 1, about a tenth of the range. */
export function generateBucket(min: number, max: number): { start: number; end: number; step: number } {
  const s = Math.trunc((max - min) / 10);
  let step = 10;
  while (step < s && step <= 10000) step *= 10;
  return { start: min - (min % step), end: max - (max % step) + step, step };
}

/** promtool's `displayHistogram`: a sorted copy of `data` drawn against `total` chunks. */
export function displayHistogram(what: string, data: number[], total: number): string {
  if (data.length === 0) return `${what}: N/A\n\n`;
  const d = Int32Array.from(data).sort();
  const min = d[0]!, max = d[d.length - 1]!;
  const { start, end, step } = generateBucket(min, max);
  const buckets = new Array<number>(Math.trunc((end - start) / step) + 1).fill(0);
  let sum = 0, maxCount = 0;
  for (const c of d) {
    sum += c;
    const i = Math.trunc((c - start) / step);
    buckets[i]!++;
    if (buckets[i]! > maxCount) maxCount = buckets[i]!;
  }
  let s = `${what} (min/avg/max): ${min}/${Math.trunc(sum / d.length)}/${max}\n`;
  const lw = String(end).length, rw = String(end + step).length, cw = String(maxCount).length;
  for (let b = 0; b < buckets.length; b++) {
    const count = buckets[b]!;
    const pct = Math.trunc((100 * count) / total);
    s += `[${padIntLeft(b * step + start + 1, lw)}, ${padIntLeft((b + 1) * step + start, rw)}]: ${padIntLeft(count, cw)} ${'#'.repeat(pct)}\n`;
  }
  return s + '\n';
}

/** Reads every chunk of the series `refs` and renders the statistics. */
export async function analyzeChunks(block: Block, refs: Uint32Array, signal?: AbortSignal): Promise<string> {
  const floatSamples: number[] = [], floatBytes: number[] = [];
  const histSamples: number[] = [], histBytes: number[] = [], histBuckets: number[] = [];
  let total = 0;
  let it: ChunkIterator | null = null;
  await forEachSeries(block, refs, async (_ls, chks) => {
    const metas = chks.slice();
    for (const m of metas) {
      const c = await block.chunks.chunk(m.ref);
      switch (c.encoding) {
        case Encoding.XOR:
        case Encoding.XOR2:
          floatSamples.push(c.numSamples());
          floatBytes.push(c.bytes().length);
          break;
        case Encoding.Histogram:
        case Encoding.HistogramST:
        case Encoding.FloatHistogram:
        case Encoding.FloatHistogramST: {
          histSamples.push(c.numSamples());
          histBytes.push(c.bytes().length);
          const isFloat = c.encoding === Encoding.FloatHistogram || c.encoding === Encoding.FloatHistogramST;
          it = c.iterator(it);
          let buckets = 0;
          for (;;) {
            const vt = it.next();
            if (vt === ValueType.Histogram && !isFloat) {
              const h = it.atHistogram();
              buckets += h.positiveBuckets.length + h.negativeBuckets.length;
            } else if (vt === ValueType.FloatHistogram && isFloat) {
              const h = it.atFloatHistogram();
              buckets += h.positiveBuckets.length + h.negativeBuckets.length;
            } else break;
          }
          histBuckets.push(buckets);
          break;
        }
        default:
          break;
      }
      total++;
    }
  }, signal);
  return '\nCompaction analysis:\n\n'
    + displayHistogram('samples per float chunk', floatSamples, total)
    + displayHistogram('bytes per float chunk', floatBytes, total)
    + displayHistogram('samples per histogram chunk', histSamples, total)
    + displayHistogram('bytes per histogram chunk', histBytes, total)
    + displayHistogram('buckets per histogram chunk', histBuckets, total);
}
