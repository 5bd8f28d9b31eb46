/**
 * xxHash64 (seed 0) of a label set's bytes as Prometheus's `labels.Hash` lays them out
 * (name 0xff value 0xff ...), for limit_ratio, which picks series by their hash so that the
 * choice is the same as Prometheus's. BigInt-based: only used once per series, cached.
 */
import type { Labels } from '../../model/index.js';

const M64 = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64;

function round(acc: bigint, lane: bigint): bigint {
  acc = (acc + lane * P2) & M64;
  acc = rotl(acc, 31n);
  return (acc * P1) & M64;
}

function mergeRound(acc: bigint, val: bigint): bigint {
  acc ^= round(0n, val);
  return (acc * P1 + P4) & M64;
}

function u64(b: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]!);
  return v;
}

function u32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
}

export function xxhash64(b: Uint8Array): bigint {
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M64, v2 = P2, v3 = 0n, v4 = (0n - P1) & M64;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, u64(b, i));
      v2 = round(v2, u64(b, i + 8));
      v3 = round(v3, u64(b, i + 16));
      v4 = round(v4, u64(b, i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & M64;
  for (; i + 8 <= n; i += 8) {
    h ^= round(0n, u64(b, i));
    h = (rotl(h, 27n) * P1 + P4) & M64;
  }
  if (i + 4 <= n) {
    h ^= (u32(b, i) * P1) & M64;
    h = (rotl(h, 23n) * P2 + P3) & M64;
    i += 4;
  }
  for (; i < n; i++) {
    h ^= (BigInt(b[i]!) * P5) & M64;
    h = (rotl(h, 11n) * P1) & M64;
  }
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h;
}

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
