/**
 * The `global` and `runtime` sections: defaults, external label checks, scrape protocol
 * lists, and the scrape interval/timeout relation, as Prometheus applies them.
 */
import { asMillis, isLegacyLabelName, isValidLabelName, isWellFormedUTF16 } from '../model/index.js';
import type { Millis } from '../model/index.js';
import { bool, duration, enumOf, file, int, size, string, uint } from './scalars.js';
import { dict, list, resetting, struct } from './schema.js';
import type { DecodeContext, Kind } from './schema.js';
import type { GlobalConfig, NameEscapingScheme, NameValidationScheme, RuntimeConfig, ScrapeProtocol } from './types.js';

export const SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = [
  'OpenMetricsText0.0.1', 'OpenMetricsText1.0.0', 'PrometheusProto', 'PrometheusText0.0.4', 'PrometheusText1.0.0',
];

/** The negotiation order when nothing is configured and native histograms are off. */
export const DEFAULT_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'];
/** The order when native histograms are scraped: protobuf first. */
export const PROTO_FIRST_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = ['PrometheusProto', ...DEFAULT_SCRAPE_PROTOCOLS];

/** Media type Prometheus sends in Accept for each protocol. */
export const SCRAPE_PROTOCOL_HEADERS: Record<ScrapeProtocol, string> = {
  PrometheusProto: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
};

export function unknownProtocolError(p: string): string {
  return `unknown scrape protocol ${p}, supported: [${SCRAPE_PROTOCOLS.join(' ')}]`;
}

/** Scrape protocols are checked by the section that uses them (with its own context in the message). */
export const scrapeProtocol: Kind<ScrapeProtocol> = string as Kind<ScrapeProtocol>;

/** Prometheus's check of a scrape_protocols list; returns the error text or null. */
export function checkScrapeProtocols(ps: readonly string[]): string | null {
  if (ps.length === 0) return 'scrape_protocols cannot be empty';
  const seen = new Set<string>();
  for (const p of ps) {
    if (seen.has(p.toLowerCase())) return `duplicated protocol in scrape_protocols, got [${ps.join(' ')}]`;
    if (!(SCRAPE_PROTOCOLS as readonly string[]).includes(p)) return `scrape_protocols: ${unknownProtocolError(p)}`;
    seen.add(p.toLowerCase());
  }
  return null;
}

/** `legacy` or `utf8`; '' (unset) is allowed in the file and means "inherit". */
export const validationScheme = enumOf<NameValidationScheme | ''>('model.ValidationScheme', ['', 'legacy', 'utf8'], (s) => `unrecognized ValidationScheme: ${JSON.stringify(s)}`);
export const escapingScheme: Kind<NameEscapingScheme | ''> = string as Kind<NameEscapingScheme | ''>;
export const ESCAPING_SCHEMES: readonly NameEscapingScheme[] = ['allow-utf-8', 'underscores', 'dots', 'values'];

export function isValidLabelNameFor(scheme: NameValidationScheme, s: string): boolean {
  return scheme === 'legacy' ? isLegacyLabelName(s) : isValidLabelName(s);
}

const minute = (): Millis => asMillis(60_000);

/**
 * Globals whose escaping scheme was not written: Prometheus leaves it unset (and so does not
 * print it) when a `global` block is present; we fill it for consumers and remember.
 */
export const implicitEscaping = new WeakSet<GlobalConfig>();

export const globalConfig = resetting(struct<GlobalConfig>('config.GlobalConfig', {
  // Intervals start at zero and are filled after reading, so that a short scrape_interval
  // also shortens the default timeout.
  scrape_interval: { kind: duration, omitempty: true },
  scrape_timeout: { kind: duration, omitempty: true },
  scrape_protocols: { kind: list(scrapeProtocol), omitempty: true },
  evaluation_interval: { kind: duration, omitempty: true },
  rule_query_offset: { kind: duration, omitempty: true },
  query_log_file: { kind: file, omitempty: true },
  scrape_failure_log_file: { kind: file, omitempty: true },
  external_labels: { kind: dict(string, 'labels.Labels'), omitempty: true },
  body_size_limit: { kind: size, omitempty: true },
  sample_limit: { kind: uint, omitempty: true },
  target_limit: { kind: uint, omitempty: true },
  label_limit: { kind: uint, omitempty: true },
  label_name_length_limit: { kind: uint, omitempty: true },
  label_value_length_limit: { kind: uint, omitempty: true },
  keep_dropped_targets: { kind: uint, omitempty: true },
  metric_name_validation_scheme: { kind: validationScheme as Kind<NameValidationScheme>, default: () => 'utf8', omitempty: true },
  metric_name_escaping_scheme: {
    kind: escapingScheme as Kind<NameEscapingScheme>,
    omitempty: true,
    omitWhen: (g: GlobalConfig) => implicitEscaping.has(g),
  },
  scrape_native_histograms: { kind: bool },
  convert_classic_histograms_to_nhcb: { kind: bool, omitempty: true },
  always_scrape_classic_histograms: { kind: bool, omitempty: true },
  extra_scrape_metrics: { kind: bool },
}, {
  validate(g, d) {
    if ((g.metric_name_validation_scheme as string) === '') g.metric_name_validation_scheme = 'utf8';
    for (const [k, v] of Object.entries(g.external_labels)) {
      if (!isValidLabelNameFor(g.metric_name_validation_scheme, k)) d.fail(g, `${JSON.stringify(k)} is not a valid label name`, 'external_labels');
      if (!isWellFormedUTF16(v)) d.fail(g, `${JSON.stringify(v)} is not a valid label value`, 'external_labels');
    }
    if (g.scrape_interval === 0) g.scrape_interval = minute();
    if (g.scrape_timeout > g.scrape_interval) d.fail(g, 'global scrape timeout greater than scrape interval', 'scrape_timeout');
    if (g.scrape_timeout === 0) g.scrape_timeout = asMillis(Math.min(10_000, g.scrape_interval));
    if (g.evaluation_interval === 0) g.evaluation_interval = minute();
    if (d.has(g, 'scrape_protocols')) {
      const e = checkScrapeProtocols(g.scrape_protocols);
      if (e !== null) d.fail(g, `${e} for global config`, 'scrape_protocols');
    } else if (protoFirstDefault) {
      g.scrape_protocols = [...PROTO_FIRST_SCRAPE_PROTOCOLS];
    }
    fillGlobalEscaping(g, d);
  },
}));

/** The escaping scheme follows the validation scheme when not written (Prometheus's rule). */
function fillGlobalEscaping(g: GlobalConfig, d: DecodeContext): void {
  const e = g.metric_name_escaping_scheme as string;
  if (e === '') {
    g.metric_name_escaping_scheme = g.metric_name_validation_scheme === 'legacy' ? 'underscores' : 'allow-utf-8';
    implicitEscaping.add(g);
    return;
  }
  if (!(ESCAPING_SCHEMES as readonly string[]).includes(e)) {
    d.fail(g, `unknown global name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got ${JSON.stringify(e)}`, 'metric_name_escaping_scheme');
  }
}

/** The global section when the file has none (or a null one). */
let protoFirstDefault = false;

/**
 * Makes the protobuf format the first choice of the global `scrape_protocols` default, as
 * Prometheus's `created-timestamp-zero-ingestion` and `st-storage` features do (start
 * timestamps come cheapest in protobuf). Process-wide, like Prometheus's: the server sets it
 * from its feature flags before it reads a configuration file.
 */
export function setProtoFirstScrapeProtocolsDefault(on: boolean): void {
  protoFirstDefault = on;
}

export function defaultGlobalConfig(): GlobalConfig {
  const g = globalConfig.defaults();
  if (protoFirstDefault) g.scrape_protocols = [...PROTO_FIRST_SCRAPE_PROTOCOLS];
  g.scrape_interval = minute();
  g.scrape_timeout = asMillis(10_000);
  g.evaluation_interval = minute();
  g.metric_name_escaping_scheme = 'allow-utf-8';
  return g;
}

export function defaultGoGC(): number {
  const env = process.env['GOGC'];
  if (env !== undefined && env !== '') {
    if (env.toLowerCase() === 'off') return -1;
    const n = Number(env);
    if (Number.isInteger(n)) return n;
  }
  return 75;
}

export const runtimeConfig = resetting(struct<RuntimeConfig>('config.RuntimeConfig', {
  gogc: { kind: int, omitempty: true },
}, {
  validate(r) {
    if (r.gogc === 0) r.gogc = defaultGoGC();
  },
}));
