/**
 * `scrape_configs` entries: the fields with Prometheus's defaults, the checks made when an
 * entry is read (job name, HTTP client, URLs in static targets), and the checks that need
 * the global section (inherited interval, timeout, limits, protocols, name validation and
 * escaping), which also fill in every inherited value.
 */
import { asMillis } from '../model/index.js';
import { ESCAPING_SCHEMES, PROTO_FIRST_SCRAPE_PROTOCOLS, DEFAULT_SCRAPE_PROTOCOLS, checkScrapeProtocols, escapingScheme, scrapeProtocol, unknownProtocolError, validationScheme } from './global.js';
import { inlineHTTPClient, validateHTTPClient } from './http-client.js';
import { relabelList, validateRelabelConfig } from './relabel.js';
import { bool, duration, file, float, size, string, uint } from './scalars.js';
import { DecodeContext, dict, list, resetting, struct } from './schema.js';
import type { Kind } from './schema.js';
import { sdExtraKeys, sdFields } from './sd/registry.js';
import type { GlobalConfig, NameEscapingScheme, NameValidationScheme, ScrapeConfig, ServiceDiscoveryConfigs } from './types.js';

/** Prometheus refuses static targets that look like URLs unless relabeling may fix them. */
export function checkStaticTargets(sd: ServiceDiscoveryConfigs): string | null {
  for (const g of sd.static_configs) {
    for (const t of g.targets) if (t.includes('/')) return `${JSON.stringify(t)} is not a valid hostname`;
  }
  return null;
}

export const scrapeConfig = resetting(struct<ScrapeConfig>('config.ScrapeConfig', {
  job_name: { kind: string },
  honor_labels: { kind: bool, omitempty: true },
  honor_timestamps: { kind: bool, default: () => true },
  track_timestamps_staleness: { kind: bool },
  params: { kind: dict(list(string), 'url.Values'), omitempty: true },
  scrape_interval: { kind: duration, omitempty: true },
  scrape_timeout: { kind: duration, omitempty: true },
  scrape_protocols: { kind: list(scrapeProtocol), omitempty: true },
  fallback_scrape_protocol: { kind: scrapeProtocol, omitempty: true },
  scrape_native_histograms: { kind: bool },
  always_scrape_classic_histograms: { kind: bool },
  convert_classic_histograms_to_nhcb: { kind: bool },
  scrape_failure_log_file: { kind: file, omitempty: true },
  metrics_path: { kind: string, default: () => '/metrics', omitempty: true },
  scheme: { kind: string as Kind<'http' | 'https'>, default: () => 'http', omitempty: true },
  enable_compression: { kind: bool, default: () => true },
  body_size_limit: { kind: size, omitempty: true },
  sample_limit: { kind: uint, omitempty: true },
  target_limit: { kind: uint, omitempty: true },
  label_limit: { kind: uint, omitempty: true },
  label_name_length_limit: { kind: uint, omitempty: true },
  label_value_length_limit: { kind: uint, omitempty: true },
  native_histogram_bucket_limit: { kind: uint, omitempty: true },
  native_histogram_min_bucket_factor: { kind: float, omitempty: true },
  keep_dropped_targets: { kind: uint, omitempty: true },
  metric_name_validation_scheme: { kind: validationScheme as Kind<NameValidationScheme>, omitempty: true },
  metric_name_escaping_scheme: { kind: escapingScheme as Kind<NameEscapingScheme>, omitempty: true },
  extra_scrape_metrics: { kind: bool },
  http_client: inlineHTTPClient,
  relabel_configs: { kind: relabelList('empty or null target relabeling rule in scrape config'), omitempty: true },
  metric_relabel_configs: { kind: relabelList('empty or null metric relabeling rule in scrape config'), omitempty: true },
  ...sdFields,
}, {
  extra: sdExtraKeys<ScrapeConfig>(),
  validate(c, d) {
    if (c.job_name === '') d.fail(c, 'job_name is empty');
    validateHTTPClient(c.http_client, d);
    if (c.relabel_configs.length === 0) {
      const e = checkStaticTargets(c);
      if (e !== null) d.fail(c, e, 'static_configs');
    }
    // Watchfire only: Prometheus passes any scheme through to the scraper.
    if (c.scheme !== 'http' && c.scheme !== 'https') d.fail(c, `scheme must be "http" or "https", got ${JSON.stringify(c.scheme)}`, 'scheme');
  },
}));

/**
 * Prometheus's ScrapeConfig.Validate: fills what the entry inherits from `global` and checks
 * the result. Mutates `c`.
 */
export function validateScrapeConfig(c: ScrapeConfig, g: GlobalConfig, d: DecodeContext): void {
  const job = JSON.stringify(c.job_name);
  if (c.scrape_interval === 0) c.scrape_interval = g.scrape_interval;
  if (c.scrape_timeout > c.scrape_interval) d.fail(c, `scrape timeout greater than scrape interval for scrape config with job name ${job}`, 'scrape_timeout');
  if (c.scrape_timeout === 0) c.scrape_timeout = asMillis(Math.min(g.scrape_timeout, c.scrape_interval));
  if (c.body_size_limit === 0) c.body_size_limit = g.body_size_limit;
  if (c.sample_limit === 0) c.sample_limit = g.sample_limit;
  if (c.target_limit === 0) c.target_limit = g.target_limit;
  if (c.label_limit === 0) c.label_limit = g.label_limit;
  if (c.label_name_length_limit === 0) c.label_name_length_limit = g.label_name_length_limit;
  if (c.label_value_length_limit === 0) c.label_value_length_limit = g.label_value_length_limit;
  if (c.keep_dropped_targets === 0) c.keep_dropped_targets = g.keep_dropped_targets;
  if (c.scrape_failure_log_file === '') c.scrape_failure_log_file = g.scrape_failure_log_file;
  if (!d.has(c, 'scrape_native_histograms')) c.scrape_native_histograms = g.scrape_native_histograms;
  if (!d.has(c, 'extra_scrape_metrics')) c.extra_scrape_metrics = g.extra_scrape_metrics;
  if (!d.has(c, 'scrape_protocols')) {
    if (g.scrape_protocols.length > 0) c.scrape_protocols = [...g.scrape_protocols];
    else c.scrape_protocols = [...(c.scrape_native_histograms ? PROTO_FIRST_SCRAPE_PROTOCOLS : DEFAULT_SCRAPE_PROTOCOLS)];
  }
  const pe = checkScrapeProtocols(c.scrape_protocols);
  if (pe !== null) d.fail(c, `${pe} for scrape config with job name ${job}`, 'scrape_protocols');
  if (c.fallback_scrape_protocol !== '' && checkScrapeProtocols([c.fallback_scrape_protocol]) !== null) {
    d.fail(c, `invalid fallback_scrape_protocol for scrape config with job name ${job}: ${unknownProtocolError(c.fallback_scrape_protocol)}`, 'fallback_scrape_protocol');
  }
  const localUnset = (c.metric_name_validation_scheme as string) === '';
  if (localUnset) c.metric_name_validation_scheme = g.metric_name_validation_scheme;
  if ((c.metric_name_escaping_scheme as string) === '') {
    if (localUnset) c.metric_name_escaping_scheme = g.metric_name_escaping_scheme;
    else c.metric_name_escaping_scheme = c.metric_name_validation_scheme === 'legacy' ? 'underscores' : 'allow-utf-8';
  }
  const esc = c.metric_name_escaping_scheme as string;
  if (esc === 'allow-utf-8') {
    if (c.metric_name_validation_scheme !== 'utf8') d.fail(c, 'utf8 metric names requested but validation scheme is not set to UTF8', 'metric_name_escaping_scheme');
  } else if (!(ESCAPING_SCHEMES as readonly string[]).includes(esc)) {
    d.fail(c, `unknown scrape config name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got ${JSON.stringify(esc)}`, 'metric_name_escaping_scheme');
  }
  if (!d.has(c, 'convert_classic_histograms_to_nhcb')) c.convert_classic_histograms_to_nhcb = g.convert_classic_histograms_to_nhcb;
  if (!d.has(c, 'always_scrape_classic_histograms')) c.always_scrape_classic_histograms = g.always_scrape_classic_histograms;
  for (const rc of c.relabel_configs) validateRelabelConfig(rc, c.metric_name_validation_scheme, d);
  for (const rc of c.metric_relabel_configs) validateRelabelConfig(rc, c.metric_name_validation_scheme, d);
}

/** A list of scrape configs; a null entry is Prometheus's "empty or null scrape config section". */
export const scrapeConfigList = list(scrapeConfig, { nullItem: 'empty or null scrape config section' });

/** The top level of a file named in scrape_config_files: only `scrape_configs`. */
export const scrapeConfigsFile = struct<{ scrape_configs: ScrapeConfig[] }>('config.ScrapeConfigs', {
  scrape_configs: { kind: scrapeConfigList, omitempty: true },
});

/**
 * A scrape config built in code for `jobName` with Prometheus's defaults, inheriting from `g`
 * (for tests and for callers that assemble configs without a file).
 */
export function newScrapeConfig(jobName: string, g: GlobalConfig, fields: Partial<ScrapeConfig> = {}): ScrapeConfig {
  const c: ScrapeConfig = { ...scrapeConfig.defaults(), job_name: jobName, ...fields };
  const d = new DecodeContext('');
  // Fields given by the caller count as written, so they are not overwritten by inheritance.
  d.locs.set(c, { path: `job ${jobName}`, line: 0, keyLines: new Map(Object.keys(fields).map((k) => [k, 0])) });
  validateScrapeConfig(c, g, d);
  return c;
}
