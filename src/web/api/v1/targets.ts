/**
 * `/api/v1/targets`, `/api/v1/targets/metadata` and `/api/v1/scrape_pools`. The web layer
 * reads targets through `TargetSource`, a view the composition root adapts from the scrape
 * manager, so that the API does not depend on scrape internals.
 */
import type { Labels, Matcher, MetricType } from '../../../model/index.js';
import { parseMetricSelector } from '../../../promql/parser/metric-selector.js';
import type { Router } from '../../router.js';
import { form } from '../../form.js';
import { formatRFC3339 } from '../../time-format.js';
import { ApiError, respond, respondError } from './envelope.js';

export interface MetricMetadataEntry {
  metric: string;
  type: MetricType;
  help: string;
  unit: string;
}

export interface ActiveTargetView {
  discoveredLabels: Labels;
  labels: Labels;
  scrapeURL: string;
  lastError: string;
  lastScrape: Date | null;
  lastScrapeDurationSeconds: number;
  health: 'up' | 'down' | 'unknown';
  /** The effective scrape interval and timeout as written in the target's labels (e.g. "15s"). */
  scrapeInterval: string;
  scrapeTimeout: string;
  /** Metadata scraped from this target (TYPE/HELP/UNIT). */
  metadata(): Iterable<MetricMetadataEntry>;
}

export interface DroppedTargetView {
  discoveredLabels: Labels;
}

export interface TargetSource {
  /** Active targets by scrape pool. */
  active(): ReadonlyMap<string, readonly ActiveTargetView[]>;
  /** Dropped targets kept for display (up to keep_dropped_targets per pool), by pool. */
  dropped(): ReadonlyMap<string, readonly DroppedTargetView[]>;
  /** Number of dropped targets per pool, including those not kept. */
  droppedCounts(): Readonly<Record<string, number>>;
  scrapePools(): readonly string[];
}

export interface TargetsDeps {
  targets: TargetSource;
  /** The externally reachable URL of this server, for `globalUrl`. */
  externalURL: URL;
  /** The first listen address, to recognise targets that are this server. */
  listenAddress: string;
}

export function registerTargets(r: Router, d: TargetsDeps): void {
  r.get('/api/v1/targets', (c) => {
    const q = c.url.searchParams;
    const pool = q.get('scrapePool') ?? '';
    const state = (q.get('state') ?? '').toLowerCase();
    const showActive = state === '' || state === 'any' || state === 'active';
    const showDropped = state === '' || state === 'any' || state === 'dropped';
    const data: Record<string, unknown> = {};
    const activeTargets: unknown[] = [];
    if (showActive) {
      const act = d.targets.active();
      for (const p of [...act.keys()].sort()) {
        if (pool !== '' && p !== pool) continue;
        for (const t of act.get(p)!) {
          activeTargets.push({
            discoveredLabels: t.discoveredLabels.toObject(),
            labels: t.labels.toObject(),
            scrapePool: p,
            scrapeUrl: t.scrapeURL,
            globalUrl: globalURL(t.scrapeURL, d.externalURL, d.listenAddress),
            lastError: t.lastError,
            lastScrape: formatRFC3339(t.lastScrape),
            lastScrapeDuration: t.lastScrapeDurationSeconds,
            health: t.health,
            scrapeInterval: t.scrapeInterval,
            scrapeTimeout: t.scrapeTimeout,
          });
        }
      }
    }
    data['activeTargets'] = activeTargets;
    const droppedTargets: unknown[] = [];
    if (showDropped) {
      const dr = d.targets.dropped();
      for (const p of [...dr.keys()].sort()) {
        if (pool !== '' && p !== pool) continue;
        for (const t of dr.get(p)!) droppedTargets.push({ discoveredLabels: t.discoveredLabels.toObject(), scrapePool: p });
      }
      data['droppedTargets'] = droppedTargets;
      data['droppedTargetCounts'] = d.targets.droppedCounts();
    } else {
      data['droppedTargets'] = droppedTargets;
    }
    respond(c.res, data, { acceptEncoding: c.req.headers['accept-encoding'] });
  });

  r.get('/api/v1/scrape_pools', (c) => {
    respond(c.res, { scrapePools: [...d.targets.scrapePools()].sort() });
  });

  const metadata = async (c: Parameters<Parameters<Router['get']>[1]>[0]): Promise<void> => {
    const f = await form(c);
    let limit = -1;
    const ls = f.get('limit');
    if (ls !== '') {
      if (!/^[+-]?\d+$/.test(ls)) { respondError(c.res, new ApiError('bad_data', 'limit must be a number')); return; }
      limit = Number(ls);
    }
    let matchers: Matcher[] | null = null;
    const mt = f.get('match_target');
    if (mt !== '') {
      try {
        matchers = parseMetricSelector(mt);
      } catch (e) {
        respondError(c.res, new ApiError('bad_data', `invalid parameter "match_target": ${e instanceof Error ? e.message : String(e)}`));
        return;
      }
    }
    const metric = f.get('metric');
    const out: unknown[] = [];
    const act = d.targets.active();
    // As Prometheus: the limit is checked per target, and a target contributes all its entries.
    outer: for (const p of [...act.keys()].sort()) {
      for (const t of act.get(p)!) {
        if (limit >= 0 && out.length >= limit) break outer;
        if (matchers !== null && !matchers.every((m) => m.matches(t.labels.get(m.name)))) continue;
        const target = t.labels.toObject();
        for (const md of t.metadata()) {
          if (metric === '') out.push({ target, metric: md.metric, type: md.type, help: md.help, unit: md.unit });
          else if (md.metric === metric) out.push({ target, type: md.type, help: md.help, unit: md.unit });
        }
      }
    }
    respond(c.res, out, { acceptEncoding: c.req.headers['accept-encoding'] });
  };
  r.get('/api/v1/targets/metadata', metadata);
}

/**
 * The target URL as seen from outside, as Prometheus computes `globalUrl`: a target on a
 * loopback host at our own listen port is ourselves, so it gets the external scheme and
 * host; any other loopback target gets the external host name with its own port.
 */
export function globalURL(scrapeURL: string, external: URL, listenAddress: string): string {
  let u: URL;
  try {
    u = new URL(scrapeURL);
  } catch {
    return scrapeURL;
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host !== 'localhost' && host !== '127.0.0.1' && host !== '::1') return u.toString();
  const ownPort = /:(\d+)$/.exec(listenAddress)?.[1] ?? '';
  const port = u.port !== '' ? u.port : '';
  if (port === ownPort) {
    const out = new URL(u.toString().replace(/^[a-z]+:/, external.protocol));
    out.hostname = external.hostname;
    out.port = external.port;
    return out.toString();
  }
  u.hostname = external.hostname;
  return u.toString();
}
