/**
 * Config comparisons for reloads. Two scrape configs are compared by their canonical JSON
 * (object keys sorted; compiled regexes left out, their source text is compared instead).
 */
import type { ScrapeConfig } from '../config/types.js';

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) {
      if (k === 'compiled') continue;
      out[k] = canonical(o[k]);
    }
    return out;
  }
  return v;
}

export function configKey(v: unknown): string {
  return JSON.stringify(canonical(v));
}

/** True when the configs are equal. */
export function scrapeConfigEqual(a: ScrapeConfig, b: ScrapeConfig): boolean {
  return configKey(a) === configKey(b);
}

/**
 * True when a pool's caches stay valid across the change: the configs are equal apart from
 * what cannot change stored series (interval, timeout, sample limit, HTTP client settings),
 * as Prometheus decides.
 */
export function sameScrapeConfig(a: ScrapeConfig, b: ScrapeConfig): boolean {
  const zero = (c: ScrapeConfig): unknown => ({ ...c, scrape_interval: 0, scrape_timeout: 0, sample_limit: 0, http_client: null });
  return configKey(zero(a)) === configKey(zero(b));
}
