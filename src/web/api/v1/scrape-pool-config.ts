/**
 * `/api/v1/scrape_pools/config?scrapePool=<pool>`: the effective configuration of one scrape
 * pool as YAML (`{"yaml": ...}`), every default filled in, as Prometheus 3's UI shows it.
 */
import { configToYAML, type Config } from '../../../config/index.js';
import type { Router } from '../../router.js';
import { ApiError } from './envelope.js';
import { apiHandler, data } from './handler.js';

/**
 * The YAML of one scrape config of `cfg` as a document of its own: the configuration is
 * written with only that scrape config, and its list item is lifted to the top level.
 * Undefined when no scrape config has that job name.
 */
export function scrapeConfigYAML(cfg: Config, jobName: string): string | undefined {
  const sc = cfg.scrape_configs.find((c) => c.job_name === jobName);
  if (sc === undefined) return undefined;
  const text = configToYAML({ ...cfg, scrape_configs: [sc], source: { ...cfg.source, main_scrape_configs: 1 } });
  const lines = text.split('\n');
  const from = lines.indexOf('scrape_configs:');
  if (from < 0) return undefined;
  const out: string[] = [];
  for (let i = from + 1; i < lines.length; i++) {
    const l = lines[i]!;
    // The list ends at the next top-level key.
    if (l !== '' && !l.startsWith('- ') && !l.startsWith('  ')) break;
    if (l === '') continue;
    out.push(l.slice(2));
  }
  return out.join('\n') + '\n';
}

export function registerScrapePoolConfig(r: Router, configYAML: (pool: string) => string | undefined): void {
  r.get('/api/v1/scrape_pools/config', apiHandler((_c, f) => {
    const pool = f.get('scrapePool');
    if (pool === '') throw new ApiError('bad_data', 'no scrapePool parameter provided');
    const yaml = configYAML(pool);
    if (yaml === undefined) throw new ApiError('bad_data', `error retrieving scrape config: scrape pool ${JSON.stringify(pool)} not found`);
    return data({ yaml });
  }));
}
