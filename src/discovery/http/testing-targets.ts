/**
 * Test support for comparing discovery with real peers: the targets a server's
 * `/api/v1/targets` shows (Watchfire, Prometheus 2.42 and vmagent serve the same shape),
 * reduced to comparable strings. Not part of the component's API.
 */

export interface APITarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
}

export interface TargetsView {
  active: APITarget[];
  dropped: { discoveredLabels: Record<string, string> }[];
}

/**
 * Labels newer Prometheus versions add to every target's discovered labels, which the 2.42
 * peers predate; left out of comparisons.
 */
export const NEWER_DISCOVERED_LABELS = ['__scrape_native_histograms__', '__always_scrape_classic_histograms__', '__convert_classic_histograms_to_nhcb__'];

export async function fetchTargets(base: string): Promise<TargetsView> {
  const r = await fetch(`${base}/api/v1/targets?state=any`);
  if (r.status !== 200) throw new Error(`GET ${base}/api/v1/targets: HTTP ${r.status}`);
  const j = await r.json() as { data: { activeTargets?: APITarget[]; droppedTargets?: { discoveredLabels: Record<string, string> }[] } };
  return { active: j.data.activeTargets ?? [], dropped: j.data.droppedTargets ?? [] };
}

/** A label set as a stable string: keys sorted, `omit` (and the newer labels) left out. */
export function labelKey(ls: Record<string, string>, omit: readonly string[] = []): string {
  const keys = Object.keys(ls).filter((k) => !NEWER_DISCOVERED_LABELS.includes(k) && !omit.includes(k)).sort();
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, ls[k]])));
}

/** The active targets of one scrape pool: discovered and target labels, sorted. */
export function poolTargets(v: TargetsView, pool: string, omit: readonly string[] = []): string[] {
  return v.active.filter((t) => t.scrapePool === pool)
    .map((t) => `${labelKey(t.discoveredLabels, omit)} => ${labelKey(t.labels, omit)}`).sort();
}

/** Only the discovered labels of a pool's active targets, sorted. */
export function poolDiscovered(v: TargetsView, pool: string, omit: readonly string[] = []): string[] {
  return v.active.filter((t) => t.scrapePool === pool).map((t) => labelKey(t.discoveredLabels, omit)).sort();
}
