/**
 * Scraping: the manager of scrape pools fed by discovery, the targets it exposes to the API,
 * and the pieces the composition root may want directly.
 */
export { ScrapeManager } from './manager.js';
export type { ScrapeManagerOptions } from './manager.js';
export { Target } from './target.js';
export type { DroppedTarget, MetricMetadata, MetadataStore, TargetHealth } from './target.js';
export { populateLabels, populateDiscoveredLabels } from './populate-labels.js';
export type { PopulateResult } from './populate-labels.js';
export { ScrapeError } from './scraper.js';
export type { ScrapeFailure, ScrapeResult, Scraper } from './scraper.js';
export { USER_AGENT } from './version.js';
