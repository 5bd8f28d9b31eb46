/**
 * Loading `prometheus.yml`: parse, decode every section strictly with Prometheus's defaults,
 * validate across sections (scrape configs against `global`, unique job and remote names,
 * relabel rules against the name validation scheme), merge the scrape configs of
 * `scrape_config_files`, and expand environment variables in external labels.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { alertingConfig, validateAlerting } from './alerting.js';
import { ConfigError, DecodeError, toConfigError } from './errors.js';
import { GlobPatternError, globSync } from '../util/glob.js';
import { defaultGlobalConfig, defaultGoGC, globalConfig, runtimeConfig } from './global.js';
import { otlpConfig, validateOTLP } from './otlp.js';
import { remoteReadList, remoteWriteList, validateRemote } from './remote.js';
import { joinDir, string } from './scalars.js';
import { DecodeContext, list, struct } from './schema.js';
import type { Kind } from './schema.js';
import { scrapeConfigList, scrapeConfigsFile, validateScrapeConfig } from './scrape.js';
import { defaultStorageConfig, storageConfig } from './storage.js';
import { noTracing, tracingConfig } from './tracing.js';
import type { Config, GlobalConfig, RuntimeConfig } from './types.js';
import { parseYAML } from './yaml-node.js';

export interface LoadOptions {
  /** Replace `$VAR`/`${VAR}` in external label values from the environment (default true, as Prometheus). */
  expandExternalLabels?: boolean;
  /** Agent mode: alerting, rule_files and remote_read are errors. */
  agent?: boolean;
  /** Read `scrape_config_files` and merge their scrape configs (default true). */
  readScrapeConfigFiles?: boolean;
  /** Environment for external label expansion (default process.env). */
  env?: Record<string, string | undefined>;
}

/** A kind whose null value is the section's default rather than Go's zero. */
function nullIsDefault<T>(k: Kind<T>, def: () => T): Kind<T> {
  return { ...k, zero: def };
}

type TopLevel = Omit<Config, 'source'>;

/** `rule_files` and `scrape_config_files` entries: a star only in the last path element. */
function isValidGlobPath(p: string): boolean {
  const star = p.indexOf('*');
  return star < 0 || !p.slice(star + 1).includes('/') && !p.slice(star + 1).includes('*');
}

const topLevel = struct<TopLevel>('config.Config', {
  global: { kind: nullIsDefault(globalConfig, defaultGlobalConfig), default: defaultGlobalConfig },
  runtime: { kind: nullIsDefault(runtimeConfig, (): RuntimeConfig => ({ gogc: defaultGoGC() })), default: () => ({ gogc: defaultGoGC() }), omitempty: true },
  alerting: { kind: alertingConfig, omitempty: true },
  rule_files: { kind: list(string), omitempty: true },
  scrape_config_files: { kind: list(string), omitempty: true },
  scrape_configs: { kind: scrapeConfigList, omitempty: true },
  storage: { kind: storageConfig, default: defaultStorageConfig, omitempty: true },
  tracing: { kind: tracingConfig, default: noTracing, omitempty: true },
  remote_write: { kind: remoteWriteList, omitempty: true },
  remote_read: { kind: remoteReadList, omitempty: true },
  otlp: { kind: otlpConfig, default: () => otlpConfig.defaults(), omitempty: true },
}, {
  validate(c, d) {
    if (c.storage.tsdb === null) c.storage.tsdb = defaultStorageConfig().tsdb;
    c.rule_files.forEach((rf, i) => {
      if (!isValidGlobPath(rf)) throw new DecodeError(d.locs.get(c)?.keyLines.get('rule_files') ?? 0, `rule_files[${i}]`, `invalid rule file path ${JSON.stringify(rf)}`);
    });
    c.scrape_config_files.forEach((sf, i) => {
      if (!isValidGlobPath(sf)) throw new DecodeError(d.locs.get(c)?.keyLines.get('scrape_config_files') ?? 0, `scrape_config_files[${i}]`, `invalid scrape config file path ${JSON.stringify(sf)}`);
    });
    c.rule_files = c.rule_files.map((f) => joinDir(d.dir, f));
    c.scrape_config_files = c.scrape_config_files.map((f) => joinDir(d.dir, f));
    const jobs = new Set<string>();
    for (const sc of c.scrape_configs) {
      validateScrapeConfig(sc, c.global, d);
      if (jobs.has(sc.job_name)) d.fail(sc, `found multiple scrape configs with job name ${JSON.stringify(sc.job_name)}`, 'job_name');
      jobs.add(sc.job_name);
    }
    validateAlerting(c.alerting, c.global.metric_name_validation_scheme, d);
    validateRemote(c.remote_write, c.remote_read, c.global.metric_name_validation_scheme, d);
    validateOTLP(c.otlp, c.global.metric_name_validation_scheme, d);
  },
});

/** The top-level schema, for writing configs back. */
export const configSchema = topLevel;

/** Go's os.Expand over `s` with `$$` kept as `$`. */
export function expandEnv(s: string, lookup: (name: string) => string): string {
  const special = (c: string | undefined): boolean => c !== undefined && '*#$@!?-0123456789'.includes(c);
  const alnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== '$' || i + 1 >= s.length) { out += c; i++; continue; }
    const rest = s.slice(i + 1);
    if (rest[0] === '{') {
      if (rest.length > 2 && special(rest[1]) && rest[2] === '}') { out += lookup(rest[1]!); i += 4; continue; }
      const close = rest.indexOf('}');
      if (close === 1) { i += 3; continue; }
      if (close < 0) { i += 2; continue; }
      out += lookup(rest.slice(1, close));
      i += close + 2;
      continue;
    }
    if (special(rest[0])) { out += lookup(rest[0]!); i += 2; continue; }
    let n = 0;
    while (alnum(rest[n])) n++;
    if (n === 0) { out += '$'; i++; continue; }
    out += lookup(rest.slice(0, n));
    i += n + 1;
  }
  return out;
}

function fail(file: string, e: unknown): never {
  if (e instanceof DecodeError) throw toConfigError(file, e);
  throw e;
}

/** Parses and validates configuration text. `filename` names it in errors and anchors relative paths. */
export function loadConfigString(text: string, filename: string, opts: LoadOptions = {}): Config {
  const d = new DecodeContext(filename === '' ? '' : dirname(filename));
  let cfg: TopLevel;
  try {
    const { root } = parseYAML(text);
    if (root === null || (root.kind === 'scalar' && root.tag === 'null')) {
      cfg = topLevel.defaults();
      cfg.storage.tsdb ??= defaultStorageConfig().tsdb;
    } else {
      cfg = topLevel.decode(root, d, '', topLevel.defaults());
    }
  } catch (e) {
    fail(filename, e);
  }
  if (opts.agent === true) {
    if (cfg.alerting.alertmanagers.length > 0 || cfg.alerting.alert_relabel_configs.length > 0) throw new ConfigError(filename, 0, 'alerting', 'field alerting is not allowed in agent mode');
    if (cfg.rule_files.length > 0) throw new ConfigError(filename, 0, 'rule_files', 'field rule_files is not allowed in agent mode');
    if (cfg.remote_read.length > 0) throw new ConfigError(filename, 0, 'remote_read', 'field remote_read is not allowed in agent mode');
  }
  if (opts.expandExternalLabels !== false) {
    const env = opts.env ?? process.env;
    const labels = cfg.global.external_labels;
    for (const k of Object.keys(labels)) labels[k] = expandEnv(labels[k]!, (n) => (n === '$' ? '$' : env[n] ?? ''));
  }
  const main = cfg.scrape_configs.length;
  if (opts.readScrapeConfigFiles !== false) cfg.scrape_configs.push(...readScrapeConfigFiles(cfg, filename));
  return { ...cfg, source: { path: filename, text, main_scrape_configs: main } };
}

/** The scrape configs of every file matched by `scrape_config_files`, validated against `global`. */
function readScrapeConfigFiles(cfg: TopLevel, mainFile: string): TopLevel['scrape_configs'] {
  const jobs = new Map<string, string>();
  for (const sc of cfg.scrape_configs) jobs.set(sc.job_name, 'main config file');
  const out: TopLevel['scrape_configs'] = [];
  for (const pat of cfg.scrape_config_files) {
    let files: string[];
    try {
      files = globSync(pat);
    } catch (e) {
      if (e instanceof GlobPatternError) throw new ConfigError(mainFile, 0, 'scrape_config_files', `error retrieving scrape config files for ${JSON.stringify(pat)}: ${e.message}`);
      throw e;
    }
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (e) {
        throw new ConfigError(f, 0, '', `reading scrape config file: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      const d = new DecodeContext(dirname(f));
      try {
        const { root } = parseYAML(text);
        if (root === null) continue;
        const parsed = scrapeConfigsFile.decode(root, d, '', scrapeConfigsFile.defaults());
        for (const sc of parsed.scrape_configs) {
          validateScrapeConfig(sc, cfg.global, d);
          const first = jobs.get(sc.job_name);
          if (first !== undefined) d.fail(sc, `found multiple scrape configs with job name ${JSON.stringify(sc.job_name)}, first found in ${first}`, 'job_name');
          jobs.set(sc.job_name, JSON.stringify(resolve(f)));
          out.push(sc);
        }
      } catch (e) {
        fail(f, e);
      }
    }
  }
  return out;
}

/** Reads and loads a configuration file. */
export async function loadConfigFile(path: string, opts: LoadOptions = {}): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, 0, '', `reading file: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return loadConfigString(text, path, opts);
}

/** The configuration Prometheus runs with for an empty file. */
export function defaultConfig(): Config {
  return loadConfigString('', '');
}

export type { GlobalConfig };
