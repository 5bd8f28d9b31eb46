/**
 * Native histogram literals of the script format: `{{schema:1 sum:5 count:3 buckets:[1 2]}}`.
 * Keys may come in any order, each at most once; bucket lists become one span at the given
 * offset. Numbers follow the float rules of value sequences (signs, Inf, NaN).
 */
import { CounterResetHint, type FloatHistogram } from '../../model/index.js';
import { parseGoNumber } from './go-literals.js';

export interface HistogramLiteral {
  h: FloatHistogram;
  /** `counter_reset_hint:` was written, so comparisons check the hint. */
  hintSet: boolean;
}

const HINTS: Readonly<Record<string, CounterResetHint>> = {
  unknown: CounterResetHint.Unknown,
  reset: CounterResetHint.CounterReset,
  not_reset: CounterResetHint.NotCounterReset,
  gauge: CounterResetHint.Gauge,
};

const NUMBER = /^[+-]?(?:(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?|inf|nan)$/i;

/** A signed or unsigned number (`signed_or_unsigned_number` in Prometheus's grammar). */
function number(tok: string, what: string): number {
  const v = NUMBER.test(tok) ? parseGoNumber(tok.replace(/^[+-]/, '')) : undefined;
  if (v === undefined) throw new Error(`error parsing ${what} number: ${tok}`);
  return tok.startsWith('-') ? -v : v;
}

function int(tok: string, what: string): number {
  if (!/^-?[0-9]+$/.test(tok)) throw new Error(`error parsing ${what} number: ${tok}`);
  return Number(tok);
}

function list(tok: string, what: string): number[] {
  if (!tok.startsWith('[') || !tok.endsWith(']')) throw new Error(`error parsing ${what} float array: ${tok}`);
  const inner = tok.slice(1, -1).trim();
  if (inner === '') return [];
  return inner.split(/[ \t]+/).map((x) => number(x, what));
}

export function emptyHistogram(): FloatHistogram {
  return {
    counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 0, sum: 0,
    positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
  };
}

/**
 * Parses the text between `{{` and `}}`. Throws an Error whose message says what is wrong
 * (the caller adds the line).
 */
export function parseHistogramLiteral(body: string): HistogramLiteral {
  const h = emptyHistogram();
  let hintSet = false;
  const seen = new Set<string>();
  let offset = 0, nOffset = 0;
  let buckets: number[] = [], nBuckets: number[] = [];
  let i = 0;
  const n = body.length;
  while (i < n) {
    while (i < n && (body[i] === ' ' || body[i] === '\t')) i++;
    if (i >= n) break;
    const colon = body.indexOf(':', i);
    if (colon < 0) throw new Error(`bad histogram descriptor found: ${JSON.stringify(body.slice(i))}`);
    const key = body.slice(i, colon).toLowerCase();
    let j = colon + 1;
    let tok: string;
    if (body[j] === '[') {
      const close = body.indexOf(']', j);
      if (close < 0) throw new Error(`unterminated bucket list in histogram: ${body.slice(j)}`);
      tok = body.slice(j, close + 1);
      j = close + 1;
    } else {
      const start = j;
      while (j < n && body[j] !== ' ' && body[j] !== '\t') j++;
      tok = body.slice(start, j);
    }
    if (j < n && body[j] !== ' ' && body[j] !== '\t') throw new Error(`unexpected character in histogram description: ${JSON.stringify(body[j])}`);
    i = j;
    if (seen.has(key)) throw new Error(`duplicate key "${key}" in histogram`);
    seen.add(key);
    switch (key) {
      case 'schema': h.schema = int(tok, 'schema'); break;
      case 'sum': h.sum = number(tok, 'sum'); break;
      case 'count': h.count = number(tok, 'count'); break;
      case 'z_bucket': h.zeroCount = number(tok, 'z_bucket'); break;
      case 'z_bucket_w': {
        if (tok.startsWith('-') || tok.startsWith('+')) throw new Error(`error parsing z_bucket_w number: ${tok}`);
        h.zeroThreshold = number(tok, 'z_bucket_w');
        break;
      }
      case 'custom_values': h.customValues = list(tok, 'custom_values'); break;
      case 'buckets': buckets = list(tok, 'buckets'); break;
      case 'n_buckets': nBuckets = list(tok, 'n_buckets'); break;
      case 'offset': offset = int(tok, 'offset'); break;
      case 'n_offset': nOffset = int(tok, 'n_offset'); break;
      case 'counter_reset_hint': {
        const hint = HINTS[tok.toLowerCase()];
        if (hint === undefined) throw new Error(`error parsing counter_reset_hint: unknown value ${tok}`);
        h.counterResetHint = hint;
        hintSet = true;
        break;
      }
      default:
        throw new Error(`bad histogram descriptor found: ${JSON.stringify(key)}`);
    }
  }
  h.positiveBuckets = buckets;
  h.positiveSpans = buckets.length > 0 ? [{ offset, length: buckets.length }] : [];
  h.negativeBuckets = nBuckets;
  h.negativeSpans = nBuckets.length > 0 ? [{ offset: nOffset, length: nBuckets.length }] : [];
  return { h, hintSet };
}
