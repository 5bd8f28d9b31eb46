/**
 * The label pairs of a protobuf Metric, kept as byte ranges: checked once per metric as
 * Prometheus checks them (names non-empty UTF-8, values UTF-8, no name twice), turned into the
 * series key from their raw bytes, and decoded only when a label set is asked for.
 * Per label, `MetricState.labels` holds [field start, name start, name end, value start,
 * value end, field end], -1 for an absent name or value.
 */
import type { Buffer } from 'node:buffer';
import { Labels } from '../../model/index.js';
import { ParseError } from '../interface.js';
import { decodeUTF8, goQuote, hasHighBytes, isValidUTF8, latin1, utf8 } from '../bytes.js';
import { internAscii } from '../intern.js';
import { bytesEqualString } from '../text-base.js';
import type { MetricState } from './state.js';

export const HAS_LE = 1;
export const HAS_QUANTILE = 2;

export function duplicateLabel(name: string): ParseError {
  return new ParseError(`label name ${goQuote(name)} is not unique: invalid sample`);
}

/**
 * Validates the metric's labels; returns `HAS_LE` / `HAS_QUANTILE` bits for labels that clash
 * with the `le` and `quantile` labels of bucket and quantile series.
 */
export function checkMetricLabels(m: MetricState, b: Uint8Array, buf: Buffer): number {
  const l = m.labels, a = l.a;
  let flags = 0;
  for (let i = 0; i < l.n; i += 6) {
    const ns = a[i + 1]!, ne = a[i + 2]!, vs = a[i + 3]!, ve = a[i + 4]!;
    if (ns >= 0 && (ne === ns || (hasHighBytes(b, ns, ne) && !isValidUTF8(b, ns, ne)))) {
      throw new ParseError(`invalid label name: ${latin1(buf, ns, ne)}`);
    }
    if (vs >= 0 && hasHighBytes(b, vs, ve) && !isValidUTF8(b, vs, ve)) throw new ParseError(`invalid label value: ${latin1(buf, vs, ve)}`);
    const len = ns < 0 ? 0 : ne - ns;
    if (len === 8 && bytesEqualString(b, ns, ne, '__name__')) throw duplicateLabel('__name__');
    if (len === 2 && b[ns] === 0x6c && b[ns + 1] === 0x65) flags |= HAS_LE;
    if (len === 8 && bytesEqualString(b, ns, ne, 'quantile')) flags |= HAS_QUANTILE;
    for (let j = 0; j < i; j += 6) {
      const ts = a[j + 1]!, tlen = ts < 0 ? 0 : a[j + 2]! - ts;
      if (tlen !== len) continue;
      let k = 0;
      while (k < len && b[ns + k] === b[ts + k]) k++;
      if (k === len) throw duplicateLabel(len === 0 ? '' : utf8(buf, ns, ne));
    }
  }
  return flags;
}

/**
 * The label fields as raw bytes (contiguous runs sliced at once). Unambiguous as a key prefix:
 * every label field starts with tag byte 0x0a, and the caller appends 0xff, which never does.
 */
export function metricKeyPrefix(m: MetricState, buf: Buffer): string {
  const l = m.labels, a = l.a;
  let k = '';
  let runS = -1, runE = -1;
  for (let i = 0; i < l.n; i += 6) {
    const s = a[i]!, e = a[i + 5]!;
    if (s === runE) {
      runE = e;
      continue;
    }
    if (runS >= 0) k += latin1(buf, runS, runE);
    runS = s;
    runE = e;
  }
  if (runS >= 0) k += latin1(buf, runS, runE);
  return k;
}

/** The full label set: `__name__`, the metric's labels and the `le`/`quantile` label when `magicName` is set. */
export function metricLabels(m: MetricState, b: Uint8Array, buf: Buffer, name: string, magicName: string, magic: string): Labels {
  const l = m.labels, a = l.a;
  const out: string[] = ['__name__', name];
  for (let i = 0; i < l.n; i += 6) {
    const ns = a[i + 1]!, ne = a[i + 2]!, vs = a[i + 3]!, ve = a[i + 4]!;
    const n = ns < 0 ? '' : hasHighBytes(b, ns, ne) ? decodeUTF8(buf, b, ns, ne) : internAscii(buf, b, ns, ne);
    out.push(n, vs < 0 ? '' : decodeUTF8(buf, b, vs, ve));
  }
  if (magicName !== '') out.push(magicName, magic);
  return Labels.fromUnsortedArray(out);
}
