/**
 * The configuration written back as YAML, as Prometheus's `/api/v1/status/config` shows it:
 * every default filled in, Go's field order, secrets as `<secret>`, URL passwords as
 * `xxxxx`, and only the main file's scrape configs (those from scrape_config_files are
 * listed by their file patterns, as Prometheus prints them).
 */
import { configSchema } from './load.js';
import type { Config } from './types.js';
import { emitYAML } from './yaml-emit.js';

export function configToYAML(cfg: Config): string {
  const { source, ...rest } = cfg;
  const top = { ...rest, scrape_configs: rest.scrape_configs.slice(0, source.main_scrape_configs) };
  const out = configSchema.encode(top, false);
  return emitYAML(out.t === 'map' ? out.entries : []);
}
