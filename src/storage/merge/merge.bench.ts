/**
 * The chained sample iterator, the hot path of every query over more than one querier:
 * a series read from one input (the merge is skipped), from two consecutive inputs (a block
 * followed by the head: one comparison per sample), and from two fully overlapping inputs
 * (deduplication on every sample). Fixed seed.
 */
import type { Millis } from '../../model/index.js';
import { ValueType, type SampleIterator } from '../interface.js';
import { bench, seededRandom } from '../../util/bench.js';
import { ChainSampleIterator } from './index.js';

const N = 10_000;
const rnd = seededRandom(7);

/** Columns of timestamps and values, read by a minimal float iterator. */
class ColumnIterator implements SampleIterator {
  ts: Float64Array = new Float64Array(0);
  vs: Float64Array = new Float64Array(0);
  i = -1;

  reset(ts: Float64Array, vs: Float64Array): this {
    this.ts = ts;
    this.vs = vs;
    this.i = -1;
    return this;
  }

  next(): ValueType {
    if (this.i < this.ts.length) this.i++;
    return this.i < this.ts.length ? ValueType.Float : ValueType.None;
  }

  seek(t: Millis): ValueType {
    if (this.i < 0) this.i = 0;
    while (this.i < this.ts.length && this.ts[this.i]! < t) this.i++;
    return this.i < this.ts.length ? ValueType.Float : ValueType.None;
  }

  atT(): Millis { return this.ts[this.i]! as Millis; }
  atF(): number { return this.vs[this.i]!; }
  atStale(): boolean { return false; }
  atHistogram(): never { throw new Error('floats only'); }
  atFloatHistogram(): never { throw new Error('floats only'); }
  err(): null { return null; }
}

function column(from: number, n: number): { ts: Float64Array; vs: Float64Array } {
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = from + i * 15_000;
    vs[i] = rnd() * 100;
  }
  return { ts, vs };
}

const all = column(0, N);
const first = column(0, N / 2);
const second = column(N / 2 * 15_000, N / 2);

let sink = 0;
function drain(it: SampleIterator): void {
  while (it.next() !== ValueType.None) sink += it.atF();
}

const a = new ColumnIterator(), b = new ColumnIterator();
const chain = new ChainSampleIterator();

bench('merge/chain: one input (no merge)', () => { drain(a.reset(all.ts, all.vs)); }, { unitsPerOp: N, unit: 'samples' });
bench('merge/chain: block then head (consecutive)', () => {
  drain(chain.reset([a.reset(first.ts, first.vs), b.reset(second.ts, second.vs)]));
}, { unitsPerOp: N, unit: 'samples' });
bench('merge/chain: two identical inputs (dedup)', () => {
  drain(chain.reset([a.reset(all.ts, all.vs), b.reset(all.ts, all.vs)]));
}, { unitsPerOp: N, unit: 'samples' });
if (sink === -1) console.log(sink);
