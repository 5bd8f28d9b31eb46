/**
 * How promtool prints series and samples: `labels.Labels.String()`, the condensed form of
 * `dump-openmetrics`, the JSON of `--format=seriesjson`, and the `String()` of native
 * histograms.
 */
import { formatFloatG, isLegacyLabelName, toFloatHistogram, type FloatHistogram, type Histogram, type Labels } from '../../model/index.js';
import { negativeBucketIterator, positiveBucketIterator, zeroBucket, type Bucket } from '../../promql/histogram/index.js';
import { goJSONString, goQuote } from './go-format.js';

/** `{__name__="up", job="x"}`: values Go-quoted, names quoted when not legacy-valid (Prometheus 3). */
export function labelsString(ls: Labels): string {
  let s = '{';
  for (let i = 0; i < ls.length; i++) {
    if (i > 0) s += ', ';
    const n = ls.nameAt(i);
    s += (isLegacyLabelName(n) ? n : goQuote(n)) + '=' + goQuote(ls.valueAt(i));
  }
  return s + '}';
}

/** promtool's `CondensedString`: `{a="1",b="2"}`, names as they are, values Go-quoted. */
export function condensedLabelsString(ls: Labels): string {
  let s = '{';
  for (let i = 0; i < ls.length; i++) {
    if (i > 0) s += ',';
    s += ls.nameAt(i) + '=' + goQuote(ls.valueAt(i));
  }
  return s + '}';
}

/** `json.Marshal(labels)`: an object with the names in byte order, Go's JSON escaping. */
export function labelsJSON(ls: Labels): string {
  const idx: number[] = [];
  for (let i = 0; i < ls.length; i++) idx.push(i);
  idx.sort((a, b) => compareBytes(ls.nameAt(a), ls.nameAt(b)));
  let s = '{';
  for (const i of idx) {
    if (s.length > 1) s += ',';
    s += goJSONString(ls.nameAt(i)) + ':' + goJSONString(ls.valueAt(i));
  }
  return s + '}';
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function bucketText(b: Bucket, count: string): string {
  return `${b.lowerInclusive ? '[' : '('}${formatFloatG(b.lower)},${formatFloatG(b.upper)}${b.upperInclusive ? ']' : ')'}:${count}`;
}

/**
 * Prometheus's `String()` of a histogram: `{count:5, sum:10, [-2,-1):1, [-0.001,0.001]:2, (1,2]:2}`,
 * populated buckets only, negative ones first. Integer histograms print counts as integers,
 * float histograms with `%g`.
 */
export function histogramString(h: Histogram | FloatHistogram, integer: boolean): string {
  const fh: FloatHistogram = integer ? toFloatHistogram(h) : h;
  const cnt = integer ? (n: number): string => String(n) : formatFloatG;
  let s = `{count:${cnt(fh.count)}, sum:${formatFloatG(fh.sum)}`;
  const neg: string[] = [];
  const it = negativeBucketIterator(fh);
  while (it.next()) {
    const b = it.at();
    if (b.count !== 0) neg.push(bucketText(b, cnt(b.count)));
  }
  for (let i = neg.length - 1; i >= 0; i--) s += ', ' + neg[i]!;
  if (fh.zeroCount !== 0) s += ', ' + bucketText(zeroBucket(fh), cnt(fh.zeroCount));
  const pit = positiveBucketIterator(fh);
  while (pit.next()) {
    const b = pit.at();
    if (b.count !== 0) s += ', ' + bucketText(b, cnt(b.count));
  }
  return s + '}';
}
