/**
 * The Prometheus text format (0.0.4, and its Prometheus 3 form with quoted UTF-8 names):
 * HELP (backslash and line feed escaped), TYPE (gauge histograms are written as `histogram`,
 * the format knowing no other), then one line per sample with integer millisecond
 * timestamps. Units, exemplars, created timestamps and native buckets are not part of it.
 * Output order is the input order; nothing is sorted or checked beyond what the format needs.
 */
import { EncodeError, valueKindOf, type FamilyType, type Metric, type MetricFamily } from './model.js';
import { TextOut, escapeString, nameAndLabels, textFloat, textName } from './text-common.js';

const TYPE_WORD: Readonly<Record<FamilyType, string>> = {
  counter: 'counter',
  gauge: 'gauge',
  summary: 'summary',
  untyped: 'untyped',
  histogram: 'histogram',
  gaugehistogram: 'histogram',
};

function sample(out: TextOut, name: string, m: Metric, extraName: string, extraValue: number, v: number): void {
  let line = nameAndLabels(name, m.labels, extraName, extraValue, textFloat) + ' ' + textFloat(v);
  if (m.timestampMs !== undefined) line += ' ' + String(m.timestampMs);
  out.s += line + '\n';
}

/**
 * Appends one family in the text format. Throws `EncodeError` for a family without name or
 * metrics, or a metric whose value does not fit the family type; lines written before the
 * offending metric stay in `out`, as Prometheus's encoder leaves them in its output.
 */
export function writeTextFamily(out: TextOut, mf: MetricFamily): void {
  if (mf.metrics.length === 0) throw new EncodeError(`metric family has no metrics: ${mf.name}`);
  const name = mf.name;
  if (name === '') throw new EncodeError('metric family has no name');
  if (mf.help !== undefined) out.s += '# HELP ' + textName(name) + ' ' + escapeString(mf.help, false) + '\n';
  out.s += '# TYPE ' + textName(name) + ' ' + TYPE_WORD[mf.type] + '\n';
  const want = valueKindOf(mf.type);
  for (const m of mf.metrics) {
    const v = m.value;
    if (v.kind !== want) throw new EncodeError(`expected ${mf.type === 'gaugehistogram' ? 'histogram' : mf.type} in metric ${name}`);
    switch (v.kind) {
      case 'counter':
      case 'gauge':
      case 'untyped':
        sample(out, name, m, '', 0, v.value);
        break;
      case 'summary':
        for (const q of v.quantiles ?? []) sample(out, name, m, 'quantile', q.quantile, q.value);
        sample(out, name + '_sum', m, '', 0, v.sampleSum ?? 0);
        sample(out, name + '_count', m, '', 0, v.sampleCount ?? 0);
        break;
      case 'histogram': {
        let infSeen = false;
        for (const b of v.buckets ?? []) {
          let c = b.cumulativeCountFloat ?? 0;
          if (c === 0) c = b.cumulativeCount ?? 0;
          sample(out, name + '_bucket', m, 'le', b.upperBound, c);
          if (b.upperBound === Infinity) infSeen = true;
        }
        let count = v.sampleCountFloat ?? 0;
        if (count === 0) count = v.sampleCount ?? 0;
        if (!infSeen) sample(out, name + '_bucket', m, 'le', Infinity, count);
        sample(out, name + '_sum', m, '', 0, v.sampleSum ?? 0);
        sample(out, name + '_count', m, '', 0, count);
        break;
      }
    }
  }
}
