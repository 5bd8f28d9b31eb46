/**
 * How promtool prints what a rule unit test expected and got: label/annotation pairs of
 * alerts, samples with Go's `%E` values, native histograms in the test-script notation, and
 * indentation of multi-line blocks.
 */
import { CounterResetHint, Labels, formatFloatG, type FloatHistogram } from '../../model/index.js';
import { compactInPlace, copyFloatHistogram, usesCustomBuckets } from '../../promql/histogram/index.js';
import { formatFloat } from '../../template/index.js';

/** Prefixes every line but the first with `indent`. */
export function indentLines(lines: string, indent: string): string {
  return lines.split('\n').join('\n' + indent);
}

export interface LabelsAndAnnotations {
  labels: Labels;
  annotations: Labels;
}

export function compareLA(a: LabelsAndAnnotations, b: LabelsAndAnnotations): number {
  const d = Labels.compare(a.labels, b.labels);
  return d !== 0 ? d : Labels.compare(a.annotations, b.annotations);
}

/** promtool's listing of alerts: `[]`, or numbered `Labels:…`/`Annotations:…` entries. */
export function alertsString(la: readonly LabelsAndAnnotations[]): string {
  if (la.length === 0) return '[]';
  const one = (x: LabelsAndAnnotations): string => `Labels:${x.labels.toString()}\nAnnotations:${x.annotations.toString()}`;
  let s = '[\n0:' + indentLines('\n' + one(la[0]!), '  ');
  for (let i = 1; i < la.length; i++) s += `,\n${i}:` + indentLines('\n' + one(la[i]!), '  ');
  return s + '\n]';
}

/** Go's `%g` of a float slice: `[1 2.5 1e+06]`. */
function floatSlice(v: readonly number[]): string {
  return '[' + v.map(formatFloatG).join(' ') + ']';
}

/** A float histogram in the test-script notation, as Prometheus's `TestExpression`. */
export function histogramTestExpression(h: FloatHistogram | null): string {
  if (h === null) return '';
  const m = copyFloatHistogram(h);
  compactInPlace(m, Number.MAX_SAFE_INTEGER);
  const res: string[] = [];
  if (m.schema !== 0) res.push(`schema:${m.schema}`);
  if (m.count !== 0) res.push(`count:${formatFloatG(m.count)}`);
  if (m.sum !== 0) res.push(`sum:${formatFloatG(m.sum)}`);
  if (m.zeroCount !== 0) res.push(`z_bucket:${formatFloatG(m.zeroCount)}`);
  if (m.zeroThreshold !== 0) res.push(`z_bucket_w:${formatFloatG(m.zeroThreshold)}`);
  if (usesCustomBuckets(m)) res.push(`custom_values:${floatSlice(m.customValues)}`);
  switch (m.counterResetHint) {
    case CounterResetHint.Unknown: break;
    case CounterResetHint.CounterReset: res.push('counter_reset_hint:reset'); break;
    case CounterResetHint.NotCounterReset: res.push('counter_reset_hint:not_reset'); break;
    case CounterResetHint.Gauge: res.push('counter_reset_hint:gauge'); break;
    default: break;
  }
  const buckets = (bKey: string, oKey: string, b: readonly number[], spans: readonly { offset: number }[]): void => {
    for (const sp of spans) if (sp.offset !== 0) res.push(`${oKey}:${sp.offset}`);
    if (b.length > 0) res.push(`${bKey}:${floatSlice(b)}`);
  };
  buckets('buckets', 'offset', m.positiveBuckets, m.positiveSpans);
  buckets('n_buckets', 'n_offset', m.negativeBuckets, m.negativeSpans);
  return '{{' + res.join(' ') + '}}';
}

export interface ParsedSample {
  labels: Labels;
  value: number;
  /** The histogram's test expression, '' for a float sample. */
  histogram: string;
}

export function sampleString(s: ParsedSample): string {
  if (s.histogram !== '') return `${s.labels.toString()} ${s.histogram}`;
  return `${s.labels.toString()} ${formatFloat(s.value, 'E', -1)}`;
}

export function samplesString(ss: readonly ParsedSample[]): string {
  return ss.length === 0 ? 'nil' : ss.map(sampleString).join(', ');
}
