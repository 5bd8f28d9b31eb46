/**
 * The hash that spreads rule groups over their interval: Prometheus 3 hashes the label set
 * {file, name} of a group (xxHash64 over its internal encoding: per label, the name and the
 * value each prefixed by its length) and evaluates the group at `hash mod interval` past each
 * interval boundary. Computed once per group, so BigInt is fine here.
 */

import { xxhash64 } from '../util/xxhash64.js';

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
