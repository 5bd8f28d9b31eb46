/**
 * The alert hash of Alertmanager's notification log: XXH64 (seed 0) over the sorted label
 * names and values, each followed by a 0xff byte. The notification log stores these hashes
 * (not fingerprints) as the firing and resolved alerts of a notification, so computing the
 * same value keeps a data directory readable by Alertmanager and the other way round.
 *
 * Hashes travel as 16 lower-case hex digits. This is not a per-sample path (once per alert
 * per flush, cached per label set), so 64-bit arithmetic goes through BigInt.
 */
import { xxhash64Hex } from '../../util/xxhash64.js';
import { sortedNames, type LabelSet } from '../labels/index.js';

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
  h = xxhash64Hex(buf);
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
