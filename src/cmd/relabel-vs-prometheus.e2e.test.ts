/**
 * Acceptance: Watchfire and a real Prometheus run with the same configuration of static
 * targets and a rich set of relabel rules; their /api/v1/targets agree on every target's
 * discovered labels, target labels, scrape URL, interval and timeout, and on the dropped
 * targets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, peer, repoRoot, startSideBySide, type SideBySide } from '../testing/peers.js';

interface TargetsData {
  activeTargets: { discoveredLabels: Record<string, string>; labels: Record<string, string>; scrapePool: string; scrapeUrl: string; scrapeInterval: string; scrapeTimeout: string }[];
  droppedTargets: { discoveredLabels: Record<string, string>; scrapePool?: string }[];
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Prometheus 3.13+ adds these per-job settings to every target's discovered labels; the
 * Prometheus 2.42 we compare against predates them, so they are left out of the comparison.
 */
const NEWER_DISCOVERED_LABELS = ['__scrape_native_histograms__', '__always_scrape_classic_histograms__', '__convert_classic_histograms_to_nhcb__'];

function discovered(o: Record<string, string>): Record<string, string> {
  return sortKeys(Object.fromEntries(Object.entries(o).filter(([k]) => !NEWER_DISCOVERED_LABELS.includes(k))));
}

/**
 * Prometheus 2.42 shows discovered labels as labeldrop/labelkeep left them (its relabeling
 * worked in place on them; 3.x shows them as discovered, as Watchfire does). So targets are
 * identified by the discovered labels no rule of the test config edits in place: job and
 * address; the full discovered sets are compared for the job whose rules never drop labels.
 */
function discoveredIdentity(o: Record<string, string>): string {
  if (o['job'] !== 'rich') return JSON.stringify(discovered(o));
  return `${o['job']} ${o['__address__'] ?? ''}`;
}

function normalize(d: TargetsData): { active: string[]; dropped: string[] } {
  const active = d.activeTargets.map((t) => JSON.stringify({
    pool: t.scrapePool, discovered: discoveredIdentity(t.discoveredLabels), labels: sortKeys(t.labels),
    url: t.scrapeUrl, interval: t.scrapeInterval, timeout: t.scrapeTimeout,
  })).sort();
  const dropped = d.droppedTargets.map((t) => discoveredIdentity(t.discoveredLabels)).sort();
  return { active, dropped };
}

async function targets(base: string): Promise<TargetsData> {
  const r = await fetch(`${base}/api/v1/targets?state=any`);
  const j = await r.json() as { data: TargetsData };
  return j.data;
}

const EXPECTED_TOTAL = 18 + 4 + 1;

test('relabeling: /api/v1/targets agrees with a real Prometheus', { timeout: 60000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const cfg = join(repoRoot(), 'src', 'cmd', 'testdata', 'relabel-compare.yml');
  const dir = mkdtempSync(join(tmpdir(), 'wf-relabel-'));
  let both: SideBySide | null = null;
  try {
    both = await startSideBySide(prom.path, cfg, dir, ['--scrape.discovery-reload-interval=1s']);
    const pBase = both.prometheus, wBase = both.watchfire;
    const settled = async (base: string): Promise<TargetsData | undefined> => {
      const d = await targets(base);
      return d.activeTargets.length + d.droppedTargets.length === EXPECTED_TOTAL ? d : undefined;
    };
    const [p, w] = await Promise.all([eventually(() => settled(pBase), 20000, 'prometheus targets'), eventually(() => settled(wBase), 20000, 'watchfire targets')]);
    const np = normalize(p), nw = normalize(w);
    assert.ok(np.active.length > 5 && np.dropped.length > 3, `a meaningful mix of active (${np.active.length}) and dropped (${np.dropped.length}) targets`);
    assert.deepEqual(nw.dropped, np.dropped, 'dropped targets');
    assert.deepEqual(nw.active, np.active, 'active targets');
  } catch (e) {
    if (both !== null) process.stderr.write(both.output());
    throw e;
  } finally {
    await both?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
