/** Adapts the scrape manager's targets to the web API's view of them. */
import type { ScrapeManager, Target } from '../scrape/index.js';
import type { ActiveTargetView, TargetSource } from '../web/index.js';

function view(t: Target): ActiveTargetView {
  return {
    discoveredLabels: t.discoveredLabels,
    labels: t.labels,
    scrapeURL: t.scrapeURL,
    lastError: t.lastError,
    lastScrape: t.lastScrape,
    lastScrapeDurationSeconds: t.lastScrapeDurationSeconds,
    health: t.health,
    scrapeInterval: t.getValue('__scrape_interval__'),
    scrapeTimeout: t.getValue('__scrape_timeout__'),
    metadata: () => t.metadata(),
  };
}

export function targetSource(m: ScrapeManager): TargetSource {
  return {
    active: () => {
      const out = new Map<string, ActiveTargetView[]>();
      for (const [pool, ts] of m.targetsActive()) out.set(pool, ts.map(view));
      return out;
    },
    dropped: () => m.targetsDropped(),
    droppedCounts: () => m.targetsDroppedCounts(),
    scrapePools: () => m.scrapePools(),
  };
}
