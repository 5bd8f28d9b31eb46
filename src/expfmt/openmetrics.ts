/**
 * OpenMetrics 1.0 text, as Prometheus's encoder writes it: a counter named `x_total` is the
 * family `x` in HELP/TYPE/UNIT with samples named `x_total`; a counter without that suffix is
 * declared `unknown` (so is `untyped`); HELP and UNIT escape the double quote too; timestamps
 * are float seconds; counts of summaries and histograms are integers; exemplars follow ` # `
 * on counters and classic buckets. Float (non-integer) histograms cannot be written. The
 * stream ends with `# EOF` (written by the encoder's `close`).
 */
import { EncodeError, valueKindOf, type ExpositionExemplar, type FamilyType, type Metric, type MetricFamily } from './model.js';
import { TextOut, escapeString, nameAndLabels, openMetricsFloat, textName, uintText } from './text-common.js';

export interface OpenMetricsOptions {
  /** Also write `_created` lines for counters, summaries and histograms with created timestamps. */
  withCreatedLines: boolean;
}

function typeWord(t: FamilyType, name: string): string {
  switch (t) {
    case 'counter':
      return name.endsWith('_total') ? 'counter' : 'unknown';
    case 'gauge':
    case 'summary':
    case 'histogram':
    case 'gaugehistogram':
      return t;
    case 'untyped':
      return 'unknown';
    default: {
      const never: never = t;
      return never;
    }
  }
}

function exemplarText(e: ExpositionExemplar): string {
  let s = ' # ' + nameAndLabels('', e.labels, '', 0, openMetricsFloat) + ' ' + openMetricsFloat(e.value);
  // Seconds from nanoseconds, as a float division: the same rounding as Prometheus's encoder.
  if (e.timestampMs !== undefined) s += ' ' + openMetricsFloat((e.timestampMs * 1e6) / 1e9);
  return s;
}

function sample(
  out: TextOut, name: string, m: Metric, extraName: string, extraValue: number, value: string, exemplar: ExpositionExemplar | undefined,
): void {
  let line = nameAndLabels(name, m.labels, extraName, extraValue, openMetricsFloat) + ' ' + value;
  if (m.timestampMs !== undefined) line += ' ' + openMetricsFloat(m.timestampMs / 1000);
  if (exemplar !== undefined && exemplar.labels.length > 0) line += exemplarText(exemplar);
  out.s += line + '\n';
}

function created(out: TextOut, name: string, m: Metric, ms: number): void {
  out.s += nameAndLabels(name + '_created', m.labels, '', 0, openMetricsFloat) + ' ' + openMetricsFloat((ms * 1e6) / 1e9) + '\n';
}

/**
 * Appends one family in OpenMetrics text. Throws `EncodeError` for a nameless family, a
 * metric whose value does not fit the family type, or a float histogram; what was written
 * before stays in `out`.
 */
export function writeOpenMetricsFamily(out: TextOut, mf: MetricFamily, opts: OpenMetricsOptions): void {
  const name = mf.name;
  if (name === '') throw new EncodeError('metric family has no name');
  const isTotal = mf.type === 'counter' && name.endsWith('_total');
  const familyName = isTotal ? name.slice(0, -6) : name;
  if (mf.help !== undefined) out.s += '# HELP ' + textName(familyName) + ' ' + escapeString(mf.help, true) + '\n';
  out.s += '# TYPE ' + textName(familyName) + ' ' + typeWord(mf.type, name) + '\n';
  if (mf.unit !== undefined) out.s += '# UNIT ' + textName(familyName) + ' ' + escapeString(mf.unit, true) + '\n';
  const want = valueKindOf(mf.type);
  for (const m of mf.metrics) {
    const v = m.value;
    if (v.kind !== want) throw new EncodeError(`expected ${mf.type === 'gaugehistogram' ? 'histogram' : mf.type} in metric ${name}`);
    switch (v.kind) {
      case 'counter':
        sample(out, name, m, '', 0, openMetricsFloat(v.value), v.exemplar);
        if (opts.withCreatedLines && v.createdTimestampMs !== undefined) {
          created(out, isTotal ? familyName : name, m, v.createdTimestampMs);
        }
        break;
      case 'gauge':
      case 'untyped':
        sample(out, name, m, '', 0, openMetricsFloat(v.value), undefined);
        break;
      case 'summary':
        for (const q of v.quantiles ?? []) sample(out, name, m, 'quantile', q.quantile, openMetricsFloat(q.value), undefined);
        sample(out, name + '_sum', m, '', 0, openMetricsFloat(v.sampleSum ?? 0), undefined);
        sample(out, name + '_count', m, '', 0, uintText(v.sampleCount ?? 0), undefined);
        if (opts.withCreatedLines && v.createdTimestampMs !== undefined) created(out, name, m, v.createdTimestampMs);
        break;
      case 'histogram': {
        let infSeen = false;
        for (const b of v.buckets ?? []) {
          if ((b.cumulativeCountFloat ?? 0) > 0) throw new EncodeError(`OpenMetrics v1.0 does not support float histogram ${name}`);
          sample(out, name + '_bucket', m, 'le', b.upperBound, uintText(b.cumulativeCount ?? 0), b.exemplar);
          if (b.upperBound === Infinity) infSeen = true;
        }
        if (!infSeen) sample(out, name + '_bucket', m, 'le', Infinity, uintText(v.sampleCount ?? 0), undefined);
        sample(out, name + '_sum', m, '', 0, openMetricsFloat(v.sampleSum ?? 0), undefined);
        if ((v.sampleCountFloat ?? 0) > 0) throw new EncodeError(`OpenMetrics v1.0 does not support float histogram ${name}`);
        sample(out, name + '_count', m, '', 0, uintText(v.sampleCount ?? 0), undefined);
        if (opts.withCreatedLines && v.createdTimestampMs !== undefined) created(out, name, m, v.createdTimestampMs);
        break;
      }
    }
  }
}

export const OPENMETRICS_EOF = '# EOF\n';
