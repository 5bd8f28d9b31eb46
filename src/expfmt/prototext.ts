/**
 * The protobuf text encodings a client can negotiate (`encoding=text`, multi-line, and
 * `encoding=compact-text`, one line): the MetricFamily in protobuf text format, fields in
 * declaration order, each family followed by a line feed. Go's library varies the spacing of
 * this format on purpose (it is meant for people, not programs), so only the structure can
 * be relied on; ours is written in its plainest form.
 */
import { formatFloatG } from '../model/index.js';
import type { Bucket, ExpositionExemplar, HistogramValue, LabelPair, Metric, MetricFamily, Span } from './model.js';

const ENUM_NAME = {
  counter: 'COUNTER',
  gauge: 'GAUGE',
  summary: 'SUMMARY',
  untyped: 'UNTYPED',
  histogram: 'HISTOGRAM',
  gaugehistogram: 'GAUGE_HISTOGRAM',
} as const;

/** A message under construction: its fields as `name: value` items, nested messages as children. */
interface Msg {
  items: (readonly [string, string | Msg])[];
}

function msg(): Msg {
  return { items: [] };
}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x22 || c === 0x5c) out += '\\' + ch;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c >= 0x80 && c <= 0x9f) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

function num(f: number): string {
  if (Number.isNaN(f)) return 'nan';
  if (f === Infinity) return 'inf';
  if (f === -Infinity) return '-inf';
  return formatFloatG(f);
}

function label(l: LabelPair): Msg {
  return { items: [['name', quote(l.name)], ['value', quote(l.value)]] };
}

function timestamp(ms: number): Msg {
  const m = msg();
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1e6;
  if (seconds !== 0) m.items.push(['seconds', String(seconds)]);
  if (nanos !== 0) m.items.push(['nanos', String(nanos)]);
  return m;
}

function exemplar(e: ExpositionExemplar): Msg {
  const m = msg();
  for (const l of e.labels) m.items.push(['label', label(l)]);
  m.items.push(['value', num(e.value)]);
  if (e.timestampMs !== undefined) m.items.push(['timestamp', timestamp(e.timestampMs)]);
  return m;
}

function bucket(b: Bucket): Msg {
  const m = msg();
  if (b.cumulativeCount !== undefined) m.items.push(['cumulative_count', String(b.cumulativeCount)]);
  if (b.cumulativeCountFloat !== undefined) m.items.push(['cumulative_count_float', num(b.cumulativeCountFloat)]);
  m.items.push(['upper_bound', num(b.upperBound)]);
  if (b.exemplar !== undefined) m.items.push(['exemplar', exemplar(b.exemplar)]);
  return m;
}

function pushSpans(m: Msg, name: string, ss: readonly Span[] | undefined): void {
  for (const s of ss ?? []) m.items.push([name, { items: [['offset', String(s.offset)], ['length', String(s.length)]] }]);
}

function pushNumbers(m: Msg, name: string, vs: readonly number[] | undefined, fmt: (v: number) => string): void {
  for (const v of vs ?? []) m.items.push([name, fmt(v)]);
}

function histogram(h: HistogramValue): Msg {
  const m = msg();
  if (h.sampleCount !== undefined) m.items.push(['sample_count', String(h.sampleCount)]);
  if (h.sampleCountFloat !== undefined) m.items.push(['sample_count_float', num(h.sampleCountFloat)]);
  if (h.sampleSum !== undefined) m.items.push(['sample_sum', num(h.sampleSum)]);
  for (const b of h.buckets ?? []) m.items.push(['bucket', bucket(b)]);
  if (h.createdTimestampMs !== undefined) m.items.push(['created_timestamp', timestamp(h.createdTimestampMs)]);
  if (h.schema !== undefined) m.items.push(['schema', String(h.schema)]);
  if (h.zeroThreshold !== undefined) m.items.push(['zero_threshold', num(h.zeroThreshold)]);
  if (h.zeroCount !== undefined) m.items.push(['zero_count', String(h.zeroCount)]);
  if (h.zeroCountFloat !== undefined) m.items.push(['zero_count_float', num(h.zeroCountFloat)]);
  pushSpans(m, 'negative_span', h.negativeSpans);
  pushNumbers(m, 'negative_delta', h.negativeDeltas, String);
  pushNumbers(m, 'negative_count', h.negativeCounts, num);
  pushSpans(m, 'positive_span', h.positiveSpans);
  pushNumbers(m, 'positive_delta', h.positiveDeltas, String);
  pushNumbers(m, 'positive_count', h.positiveCounts, num);
  for (const e of h.exemplars ?? []) m.items.push(['exemplars', exemplar(e)]);
  return m;
}

function metric(mt: Metric): Msg {
  const m = msg();
  for (const l of mt.labels) m.items.push(['label', label(l)]);
  const v = mt.value;
  switch (v.kind) {
    case 'gauge':
    case 'untyped':
      m.items.push([v.kind, { items: [['value', num(v.value)]] }]);
      break;
    case 'counter': {
      const c: Msg = { items: [['value', num(v.value)]] };
      if (v.exemplar !== undefined) c.items.push(['exemplar', exemplar(v.exemplar)]);
      if (v.createdTimestampMs !== undefined) c.items.push(['created_timestamp', timestamp(v.createdTimestampMs)]);
      m.items.push(['counter', c]);
      break;
    }
    case 'summary': {
      const s = msg();
      if (v.sampleCount !== undefined) s.items.push(['sample_count', String(v.sampleCount)]);
      if (v.sampleSum !== undefined) s.items.push(['sample_sum', num(v.sampleSum)]);
      for (const q of v.quantiles ?? []) s.items.push(['quantile', { items: [['quantile', num(q.quantile)], ['value', num(q.value)]] }]);
      if (v.createdTimestampMs !== undefined) s.items.push(['created_timestamp', timestamp(v.createdTimestampMs)]);
      m.items.push(['summary', s]);
      break;
    }
    case 'histogram':
      m.items.push(['histogram', histogram(v)]);
      break;
  }
  if (mt.timestampMs !== undefined) m.items.push(['timestamp_ms', String(mt.timestampMs)]);
  return m;
}

function render(m: Msg, multiline: boolean, indent: string): string {
  const parts: string[] = [];
  for (const [name, value] of m.items) {
    if (typeof value === 'string') {
      parts.push(multiline ? `${indent}${name}: ${value}` : `${name}:${value}`);
      continue;
    }
    if (value.items.length === 0) {
      parts.push(multiline ? `${indent}${name}: {}` : `${name}:{}`);
    } else if (multiline) {
      parts.push(`${indent}${name}: {\n${render(value, true, indent + '  ')}\n${indent}}`);
    } else {
      parts.push(`${name}:{${render(value, false, '')}}`);
    }
  }
  return parts.join(multiline ? '\n' : ' ');
}

/** One family in protobuf text format (multi-line, or one line when `compact`), ending in a line feed. */
export function protoTextFamily(mf: MetricFamily, compact: boolean): string {
  const m = msg();
  m.items.push(['name', quote(mf.name)]);
  if (mf.help !== undefined) m.items.push(['help', quote(mf.help)]);
  m.items.push(['type', ENUM_NAME[mf.type]]);
  for (const mt of mf.metrics) m.items.push(['metric', metric(mt)]);
  if (mf.unit !== undefined) m.items.push(['unit', quote(mf.unit)]);
  return render(m, !compact, '') + '\n';
}
