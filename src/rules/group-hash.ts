/**
 * The hash that spreads rule groups over their interval: Prometheus 3 hashes the label set
 * {file, name} of a group (xxHash64 over its internal encoding: per label, the name and the
 * value each prefixed by its length) and evaluates the group at `hash mod interval` past each
 * interval boundary. Computed once per group, so BigInt is fine here.
 */

const M = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & M;
}

function round(acc: bigint, lane: bigint): bigint {
  return (rotl((acc + lane * P2) & M, 31n) * P1) & M;
}

function merge(h: bigint, v: bigint): bigint {
  return (((h ^ round(0n, v)) * P1) + P4) & M;
}

function u64(b: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]!);
  return v;
}

function u32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) >>> 0) + (BigInt(b[i + 3]!) << 24n);
}

/** xxHash64 with seed 0, as Go's cespare/xxhash Sum64. */
export function xxhash64(b: Uint8Array): bigint {
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (-P1) & M;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, u64(b, i));
      v2 = round(v2, u64(b, i + 8));
      v3 = round(v3, u64(b, i + 16));
      v4 = round(v4, u64(b, i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = merge(h, v1);
    h = merge(h, v2);
    h = merge(h, v3);
    h = merge(h, v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & M;
  for (; i + 8 <= n; i += 8) {
    h ^= round(0n, u64(b, i));
    h = ((rotl(h, 27n) * P1) + P4) & M;
  }
  if (i + 4 <= n) {
    h ^= (u32(b, i) * P1) & M;
    h = ((rotl(h, 23n) * P2) + P3) & M;
    i += 4;
  }
  for (; i < n; i++) {
    h ^= (BigInt(b[i]!) * P5) & M;
    h = (rotl(h, 11n) * P1) & M;
  }
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

function pushSized(out: number[], s: Uint8Array): void {
  const v = s.length;
  if (v < 255) out.push(v);
  else out.push(255, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff);
  for (const x of s) out.push(x);
}

/** The hash of a label set given as sorted name/value pairs, as Prometheus 3's `Labels.Hash`. */
export function labelsHash(pairs: readonly (readonly [string, string])[]): bigint {
  const enc = new TextEncoder();
  const out: number[] = [];
  for (const [n, v] of pairs) {
    pushSized(out, enc.encode(n));
    pushSized(out, enc.encode(v));
  }
  return xxhash64(Uint8Array.from(out));
}

/** The group's offset into its interval, in ms (the nanosecond offset, truncated). */
export function groupOffsetMs(file: string, name: string, intervalMs: number): number {
  const intervalNs = BigInt(intervalMs) * 1_000_000n;
  if (intervalNs <= 0n) return 0;
  const h = labelsHash([['file', file], ['name', name]]);
  return Number((h % intervalNs) / 1_000_000n);
}

/**
 * The latest evaluation slot of the group at or before `nowMs`: interval boundaries shifted by
 * the group's offset, computed in nanoseconds as Prometheus does and truncated to ms.
 */
export function evalTimestamp(file: string, name: string, intervalMs: number, nowMs: number): number {
  const intervalNs = BigInt(intervalMs) * 1_000_000n;
  const offset = labelsHash([['file', file], ['name', name]]) % intervalNs;
  const adj = BigInt(Math.floor(nowMs)) * 1_000_000n - offset;
  const base = adj - (((adj % intervalNs) + intervalNs) % intervalNs);
  return Number((base + offset) / 1_000_000n);
}
