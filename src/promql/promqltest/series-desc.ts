/**
 * Series descriptions: `metric{l="v"} 1 2+3x4 _ _x2 stale {{sum:1 count:1}}+{{count:1}}x3`,
 * the body lines of `load` and the expected-result lines of `eval`, as Prometheus's parser
 * reads them in its series-description mode.
 *
 * Expansion rules: `<a>xN` and `<a>+<b>xN` give N+1 values (the progression by repeated
 * addition, so floats come out bit for bit as in Prometheus), `_xN` gives exactly N blanks.
 * Hexadecimal numbers are not accepted here (the syntax would be ambiguous with `x`).
 */
import { Labels } from '../../model/index.js';
import { parseMetricSelectorMatchers } from '../parser/index.js';
import { parseGoNumber } from './go-literals.js';
import { combineHistograms, copyHistogram } from './histogram-ops.js';
import { parseHistogramLiteral, type HistogramLiteral } from './histogram-literal.js';
import type { SeriesDesc, SequenceValue } from './script.js';

const NUM = String.raw`(?:(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?|[iI][nN][fF]|[nN][aA][nN])`;
const FLOAT_ITEM = new RegExp(String.raw`^([+-]?${NUM})(?:([+-])(${NUM}))?(?:x([0-9]+))?$`);

export function floatValue(value: number): SequenceValue {
  return { omitted: false, value, stale: false, histogram: null, hintSet: false };
}

const BLANK: SequenceValue = { omitted: true, value: 0, stale: false, histogram: null, hintSet: false };
const STALE: SequenceValue = { omitted: false, value: NaN, stale: true, histogram: null, hintSet: false };

/** The length of the metric part at the start of `line` (name, braces, or both). */
function metricEnd(line: string): number {
  let i = 0;
  while (i < line.length && /[A-Za-z0-9_:]/.test(line[i]!)) i++;
  if (line[i] !== '{') return i;
  let quote = '';
  for (i++; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== '') {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    } else if (c === '}') {
      return i + 1;
    }
  }
  throw new Error('unexpected end of input inside braces');
}

/** The label set of a metric written like a PromQL selector, with `=` matchers only. */
export function parseSeriesLabels(text: string): Labels {
  let matchers;
  try {
    matchers = parseMetricSelectorMatchers(text);
  } catch (e) {
    throw new Error(`invalid series metric ${text}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const a: string[] = [];
  for (const m of matchers) {
    if (m.type !== '=') throw new Error(`invalid series metric ${text}: only "=" label matchers are allowed`);
    a.push(m.name, m.value);
  }
  return Labels.fromUnsortedArray(a);
}

function repeat(n: string): number {
  const v = /^[0-9]+$/.test(n) ? Number(n) : NaN;
  if (!Number.isSafeInteger(v)) throw new Error(`invalid repetition in series values: ${n}`);
  return v;
}

/** A number with an optional sign token in front (Prometheus negates the unsigned number). */
function number(tok: string): number {
  const neg = tok.startsWith('-');
  const v = parseGoNumber(tok.replace(/^[+-]/, ''));
  if (v === undefined) throw new Error(`error parsing number: ${tok}`);
  return neg ? -v : v;
}

function floatItem(tok: string, out: SequenceValue[]): void {
  if (tok === '_') {
    out.push(BLANK);
    return;
  }
  if (tok.startsWith('_x')) {
    const n = repeat(tok.slice(2));
    for (let i = 0; i < n; i++) out.push(BLANK);
    return;
  }
  if (tok === 'stale') {
    out.push(STALE);
    return;
  }
  const m = FLOAT_ITEM.exec(tok);
  if (m === null || (m[3] !== undefined && m[4] === undefined)) throw new Error(`unexpected ${JSON.stringify(tok)} in series values`);
  let v = number(m[1]!);
  if (m[4] === undefined) {
    out.push(floatValue(v));
    return;
  }
  const n = repeat(m[4]);
  const inc = m[3] === undefined ? 0 : (m[2] === '-' ? -number(m[3]) : number(m[3]));
  for (let i = 0; i <= n; i++) {
    out.push(floatValue(v));
    if (m[3] !== undefined) v += inc;
  }
}

function histValue(l: HistogramLiteral, hintSet: boolean): SequenceValue {
  return { omitted: false, value: 0, stale: false, histogram: l.h, hintSet };
}

/** Reads `{{...}}` at `i`; returns the literal and the index after `}}`. */
function readHistogram(s: string, i: number): { lit: HistogramLiteral; end: number } {
  const close = s.indexOf('}}', i + 2);
  if (close < 0) throw new Error('histogram description incomplete: missing "}}"');
  return { lit: parseHistogramLiteral(s.slice(i + 2, close)), end: close + 2 };
}

/** Parses the value sequence (everything after the metric). */
export function parseValueSequence(s: string): SequenceValue[] {
  const out: SequenceValue[] = [];
  let i = 0;
  const n = s.length;
  const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';
  while (i < n) {
    while (i < n && isSpace(s[i])) i++;
    if (i >= n) break;
    if (s.startsWith('{{', i)) {
      const base = readHistogram(s, i);
      i = base.end;
      if (s[i] === '+' || s[i] === '-') {
        const sign = s[i] === '+' ? 1 : -1;
        if (!s.startsWith('{{', i + 1)) throw new Error('expected a histogram after "+"/"-" in series values');
        const inc = readHistogram(s, i + 1);
        i = inc.end;
        const m = /^x([0-9]+)/.exec(s.slice(i));
        if (m === null) throw new Error('expected "x<count>" after a histogram increment');
        i += m[0].length;
        // As in Prometheus, every generated value takes the "hint written" flag of the increment.
        const hintSet = inc.lit.hintSet;
        let cur = base.lit.h;
        out.push(histValue({ h: cur, hintSet }, hintSet));
        for (let k = 1, times = repeat(m[1]!); k <= times; k++) {
          if (cur.schema > inc.lit.h.schema) throw new Error(`error combining histograms: cannot merge from schema ${inc.lit.h.schema} to ${cur.schema}`);
          cur = combineHistograms(cur, inc.lit.h, sign);
          out.push(histValue({ h: cur, hintSet }, hintSet));
        }
      } else if (s[i] === 'x') {
        const m = /^x([0-9]+)/.exec(s.slice(i));
        if (m === null) throw new Error('expected "x<count>" after a histogram');
        i += m[0].length;
        for (let k = 0, times = repeat(m[1]!); k <= times; k++) out.push(histValue({ h: copyHistogram(base.lit.h), hintSet: base.lit.hintSet }, base.lit.hintSet));
      } else {
        out.push(histValue(base.lit, base.lit.hintSet));
      }
      if (i < n && !isSpace(s[i])) throw new Error(`unexpected character after histogram in series values: ${JSON.stringify(s[i])}`);
      continue;
    }
    const start = i;
    while (i < n && !isSpace(s[i])) i++;
    floatItem(s.slice(start, i), out);
  }
  return out;
}

/** Parses a whole series line. Throws an Error saying what is wrong (the caller adds the line). */
export function parseSeriesDesc(line: string): SeriesDesc {
  const end = metricEnd(line);
  if (end === 0) throw new Error(`unexpected ${JSON.stringify(line.slice(0, 20))}: expected a metric`);
  const labels = parseSeriesLabels(line.slice(0, end));
  const rest = line.slice(end);
  if (rest !== '' && rest[0] !== ' ' && rest[0] !== '\t') throw new Error(`unexpected ${JSON.stringify(rest[0])} after the metric in series description`);
  return { labels, values: parseValueSequence(rest) };
}
