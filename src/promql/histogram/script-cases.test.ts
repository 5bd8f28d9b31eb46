/**
 * Runs the histogram-function cases of Prometheus's native_histograms.test script directly
 * against this library, without the engine: every `eval instant` of histogram_quantile,
 * histogram_fraction, histogram_stddev/stdvar/count/sum/avg and the trim operators `</`,
 * `>/` applied to a plain metric name whose series each hold one constant histogram
 * (`{{…}}` or `{{…}}xN`). Results are compared as the script runner does (ε = 1e-6
 * relative; histograms compacted first). Skipped when the shared conformance data is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FloatHistogram } from '../../model/index.js';
import {
  almostEqual, compactInPlace, copyFloatHistogram, histogramAvg, histogramCount, histogramFraction,
  histogramQuantile, histogramStdDev, histogramStdVar, histogramSum, trimBucketsInPlace,
} from './index.js';
import { num, parseHistogramLiteral, repoRoot } from './test-support.js';

const scriptPath = join(repoRoot(), '..', 'shared', 'conformance', 'promql', 'testdata', 'native_histograms.test');

function histogramsMatch(got: FloatHistogram, want: FloatHistogram): boolean {
  const a = compactInPlace(copyFloatHistogram(got), 0), b = compactInPlace(copyFloatHistogram(want), 0);
  const eq = (x: number, y: number): boolean => almostEqual(x, y, 1e-6);
  const spans = (h: FloatHistogram, pos: boolean): string => (pos ? h.positiveSpans : h.negativeSpans).map((s) => `${s.offset}:${s.length}`).join(',');
  return a.schema === b.schema && eq(a.count, b.count) && eq(a.sum, b.sum) && a.zeroThreshold === b.zeroThreshold &&
    eq(a.zeroCount, b.zeroCount) && spans(a, true) === spans(b, true) && spans(a, false) === spans(b, false) &&
    a.positiveBuckets.length === b.positiveBuckets.length && a.positiveBuckets.every((x, i) => eq(x, b.positiveBuckets[i]!)) &&
    a.negativeBuckets.length === b.negativeBuckets.length && a.negativeBuckets.every((x, i) => eq(x, b.negativeBuckets[i]!)) &&
    (a.schema !== -53 || a.customValues.join(',') === b.customValues.join(','));
}

type Computed = number | FloatHistogram;

/** The function applied to one histogram, or null when the expression is not handled. */
function compile(expr: string): { metric: string; apply: (h: FloatHistogram) => Computed } | null {
  let m = /^histogram_quantile\(\s*([^,]+),\s*(\w+)\s*\)$/.exec(expr);
  if (m !== null) {
    const q = num(m[1]!);
    return { metric: m[2]!, apply: (h) => histogramQuantile(q, h).value };
  }
  m = /^histogram_fraction\(\s*([^,]+),\s*([^,]+),\s*(\w+)\s*\)$/.exec(expr);
  if (m !== null) {
    const lo = num(m[1]!), hi = num(m[2]!);
    return { metric: m[3]!, apply: (h) => histogramFraction(lo, hi, h).value };
  }
  m = /^histogram_(stddev|stdvar|count|sum|avg)\(\s*(\w+)\s*\)$/.exec(expr);
  if (m !== null) {
    const fn = { stddev: histogramStdDev, stdvar: histogramStdVar, count: histogramCount, sum: histogramSum, avg: histogramAvg }[m[1] as 'stddev'];
    return { metric: m[2]!, apply: fn };
  }
  m = /^(\w+)\s*(<\/|>\/)\s*(\S+)$/.exec(expr);
  if (m !== null) {
    const rhs = num(m[3]!), upper = m[2] === '</';
    if (Number.isNaN(rhs) && !/nan/i.test(m[3]!)) return null;
    return { metric: m[1]!, apply: (h) => trimBucketsInPlace(copyFloatHistogram(h), rhs, upper) };
  }
  return null;
}

/** Labels of a series selector line, without the metric name, in canonical form. */
function labelKey(sel: string): { name: string; key: string } {
  const m = /^([a-zA-Z_:][\w:]*)?\s*(\{.*\})?$/.exec(sel.trim());
  if (m === null) return { name: '', key: '?' + sel };
  const pairs = [...(m[2] ?? '').matchAll(/(\w+)\s*=\s*"([^"]*)"/g)].map((p) => `${p[1]!}=${p[2]!}`).filter((p) => !p.startsWith('__name__='));
  return { name: m[1] ?? '', key: pairs.sort().join(',') };
}

test('native_histograms.test histogram-function cases evaluate as in Prometheus', (t) => {
  if (!existsSync(scriptPath)) {
    t.skip('shared conformance data not present');
    return;
  }
  const lines = readFileSync(scriptPath, 'utf8').split('\n').map((l) => l.trim());
  // metric name → label key → constant histogram (null if not a constant histogram)
  let series = new Map<string, Map<string, FloatHistogram | null>>();
  let checked = 0;
  const failures: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === 'clear') series = new Map();
    if (line.startsWith('load')) {
      for (i++; i < lines.length && lines[i] !== '' && !lines[i]!.startsWith('#'); i++) {
        const m = /^(.*?)\s+(\{\{.*)$/.exec(lines[i]!) ?? /^(\S+(?:\{[^}]*\})?)\s+(.*)$/.exec(lines[i]!);
        if (m === null) continue;
        const { name, key } = labelKey(m[1]!);
        const values = m[2]!.trim();
        const c = /^(\{\{[^}]*\}\})(x\d+)?$/.exec(values);
        if (!series.has(name)) series.set(name, new Map());
        series.get(name)!.set(key, c !== null ? parseHistogramLiteral(c[1]!) : null);
      }
      continue;
    }
    const ev = /^eval instant at \S+ (.*)$/.exec(line);
    if (ev === null) continue;
    const expected: string[] = [];
    let j = i + 1;
    for (; j < lines.length && lines[j] !== '' && !lines[j]!.startsWith('#'); j++) expected.push(lines[j]!);
    const c = compile(ev[1]!.trim());
    const got = c === null ? undefined : series.get(c.metric);
    if (c === null || got === undefined || [...got.values()].some((h) => h === null)) continue;
    const want = expected.filter((l) => !l.startsWith('expect'));
    if (want.length !== got.size) continue;
    for (const w of want) {
      const m = /^(.*?)\s+(\{\{.*\}\}|\S+)$/.exec(w);
      if (m === null) continue;
      const { key } = labelKey(m[1]!);
      const h = got.get(key);
      if (h === undefined || h === null) {
        failures.push(`line ${i + 1}: no series for ${w}`);
        continue;
      }
      const r = c.apply(h);
      const ok = typeof r === 'number'
        ? !m[2]!.startsWith('{{') && almostEqual(r, num(m[2]!), 1e-6)
        : m[2]!.startsWith('{{') && histogramsMatch(r, parseHistogramLiteral(m[2]!));
      checked++;
      if (!ok) failures.push(`line ${i + 1}: ${ev[1]!} ${m[1]!}: got ${typeof r === 'number' ? r : JSON.stringify(r)}, want ${m[2]!}`);
    }
    i = j - 1;
  }
  assert.ok(checked >= 100, `only ${checked} cases checked`);
  assert.deepEqual(failures, []);
});
