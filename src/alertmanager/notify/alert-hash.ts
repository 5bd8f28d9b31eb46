/**
 * The alert hash of Alertmanager's notification log: XXH64 (seed 0) over the sorted label
 * names and values, each followed by a 0xff byte. The notification log stores these hashes
 * (not fingerprints) as the firing and resolved alerts of a notification, so computing the
 * same value keeps a data directory readable by Alertmanager and the other way round.
 *
 * Hashes travel as 16 lower-case hex digits. This is not a per-sample path (once per alert
 * per flush, cached per label set), so 64-bit arithmetic goes through BigInt.
 */
import { sortedNames, type LabelSet } from '../labels/index.js';

const M64 = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & M64;
}

function round(acc: bigint, input: bigint): bigint {
  acc = (acc + input * P2) & M64;
  acc = rotl(acc, 31n);
  return (acc * P1) & M64;
}

function mergeRound(acc: bigint, val: bigint): bigint {
  acc ^= round(0n, val);
  return (acc * P1 + P4) & M64;
}

function u64(b: Uint8Array, p: number, dv: DataView): bigint {
  return dv.getBigUint64(p, true);
}

function u32(b: Uint8Array, p: number, dv: DataView): bigint {
  return BigInt(dv.getUint32(p, true));
}

/** XXH64 with seed 0, as 16 hex digits. */
export function xxhash64(b: Uint8Array): string {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.length;
  let p = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M64;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (M64 + 1n - P1) & M64;
    while (p + 32 <= n) {
      v1 = round(v1, u64(b, p, dv));
      v2 = round(v2, u64(b, p + 8, dv));
      v3 = round(v3, u64(b, p + 16, dv));
      v4 = round(v4, u64(b, p + 24, dv));
      p += 32;
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
  while (p + 8 <= n) {
    h ^= round(0n, u64(b, p, dv));
    h = (rotl(h, 27n) * P1 + P4) & M64;
    p += 8;
  }
  if (p + 4 <= n) {
    h ^= (u32(b, p, dv) * P1) & M64;
    h = (rotl(h, 23n) * P2 + P3) & M64;
    p += 4;
  }
  while (p < n) {
    h ^= (BigInt(b[p]!) * P5) & M64;
    h = (rotl(h, 11n) * P1) & M64;
    p++;
  }
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h.toString(16).padStart(16, '0');
}

const cache = new WeakMap<LabelSet, string>();
/** Hashes by fingerprint: an alert posted again comes with a new label object but the same fingerprint. */
const byFingerprint = new Map<string, string>();
const BY_FINGERPRINT_MAX = 100_000;
const enc = new TextEncoder();

/** The notification log's hash of an alert's labels (cached per label set object). */
export function hashAlertLabels(ls: LabelSet): string {
  let h = cache.get(ls);
  if (h !== undefined) return h;
  const chunks: Uint8Array[] = [];
  let len = 0;
  for (const n of sortedNames(ls)) {
    const a = enc.encode(n);
    const b = enc.encode(ls[n]);
    chunks.push(a, b);
    len += a.length + b.length + 2;
  }
  // Each name and value is followed by the single byte 0xff (not a UTF-8 character).
  const buf = new Uint8Array(len);
  let o = 0;
  for (const c of chunks) {
    buf.set(c, o);
    o += c.length;
    buf[o++] = 0xff;
  }
  h = xxhash64(buf);
  cache.set(ls, h);
  return h;
}

/**
 * The notification log's hash of an alert, cached by its fingerprint (which identifies the
 * label set), so that the hash is computed once per alert rather than once per flush.
 */
export function hashAlert(a: { readonly labels: LabelSet; readonly fingerprint: string }): string {
  let h = byFingerprint.get(a.fingerprint);
  if (h === undefined) {
    h = hashAlertLabels(a.labels);
    // A bound, not an LRU: when full, start over (the cost is one recomputation per alert).
    if (byFingerprint.size >= BY_FINGERPRINT_MAX) byFingerprint.clear();
    byFingerprint.set(a.fingerprint, h);
  }
  return h;
}
