/**
 * xxHash64 (seed 0) of a label set's bytes as Prometheus's `labels.Hash` lays them out
 * (name 0xff value 0xff ...), for limit_ratio, which picks series by their hash so that the
 * choice is the same as Prometheus's. BigInt-based: only used once per series, cached.
 */
import type { Labels } from '../../model/index.js';
import { xxhash64 } from '../../util/xxhash64.js';

const enc = new TextEncoder();
const cache = new WeakMap<Labels, number>();

/** The label set's hash as a fraction of 2^64-1 in [0, 1], as limit_ratio samples by. */
export function labelsHashFraction(l: Labels): number {
  const c = cache.get(l);
  if (c !== undefined) return c;
  const parts: number[] = [];
  for (let i = 0; i < l.length; i++) {
    for (const byte of enc.encode(l.nameAt(i))) parts.push(byte);
    parts.push(0xff);
    for (const byte of enc.encode(l.valueAt(i))) parts.push(byte);
    parts.push(0xff);
  }
  // 2^64 - 1 as a float64 is 2^64, as Go converts math.MaxUint64.
  const f = Number(xxhash64(Uint8Array.from(parts))) / 2 ** 64;
  cache.set(l, f);
  return f;
}
