/**
 * Random relabeling against a real Prometheus 2.42: one configuration of many jobs, each the
 * same static targets under a chain of relabel rules drawn from a seed (every action, source
 * label sets, separators, anchored and case-folded regexes, replacements with groups), given
 * to both servers; their /api/v1/targets must agree on every target's labels, scrape URL and
 * on which targets are dropped.
 *
 * Rules keep to what 2.42 and 3 answer alike: target labels are classic label names,
 * `__address__`, `__scheme__` and `__metrics_path__` are only read, so that every target stays
 * scrapable in both, and a labelmap never maps two labels onto one name. WATCHFIRE_RELABEL_SEED and WATCHFIRE_RELABEL_JOBS ask other samples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../util/bench.js';
import { eventually, peer, startSideBySide, type SideBySide } from '../testing/peers.js';

const SEED = Number(process.env['WATCHFIRE_RELABEL_SEED'] ?? '1');
const JOBS = Number(process.env['WATCHFIRE_RELABEL_JOBS'] ?? '60');

const TARGETS = [
  { targets: ['alpha.example:9100', '10.0.0.2:8080'], labels: { env: 'prod', team: 'Core', path: '/a/b' } },
  { targets: ['web-3.local:80', 'host_4:9090'], labels: { env: 'dev-2', team: 'edge', path: '' } },
  { targets: ['[::1]:9100'], labels: { env: 'PROD', zone: 'eu-west-1a' } },
];
const TARGET_COUNT = TARGETS.reduce((n, g) => n + g.targets.length, 0);

const SOURCES = ['__address__', 'env', 'team', 'path', 'zone', 'job', '__scheme__', '__metrics_path__', 'missing', 'shard'];
const TARGET_LABELS = ['env', 'team', 'new', 'instance', 'zone', 'shard', 'x_y', '__tmp_a', '__param_q'];
const REGEXES = [
  '(.*)', '([^:]+):(\\d+)', 'prod|dev.*', '(.+)-(.+)', 'a.*', '', '(?i)core', '[a-z]+', '(web)-(\\d)\\.(.*)',
  '.*:9\\d+', '(?i)PROD', '(.*);(.*)', '\\[(.*)\\]:.*', 'Core;.*', '.+',
];
const REPLACEMENTS = ['$1', '${1}-x', '$2$1', 'const', '', '${2}_${1}', '$0', '$3', 'a$1b'];
const SEPARATORS = [';', '-', '', '/'];

function ruleYaml(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const sources = (): string => {
    const n = 1 + Math.floor(r() * 3);
    const out = new Set<string>();
    for (let i = 0; i < n; i++) out.add(pick(SOURCES));
    return `[${[...out].join(', ')}]`;
  };
  const q = (s: string): string => JSON.stringify(s);
  const action = pick(['replace', 'replace', 'replace', 'keep', 'drop', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase', 'keepequal', 'dropequal']);
  switch (action) {
    case 'replace': {
      let y = `      - source_labels: ${sources()}\n        target_label: ${pick(TARGET_LABELS)}\n`;
      if (r() < 0.7) y += `        regex: ${q(pick(REGEXES))}\n`;
      if (r() < 0.7) y += `        replacement: ${q(pick(REPLACEMENTS))}\n`;
      if (r() < 0.3) y += `        separator: ${q(pick(SEPARATORS))}\n`;
      return y;
    }
    case 'keep':
    case 'drop':
      return `      - source_labels: ${sources()}\n        regex: ${q(pick(REGEXES))}\n        action: ${action}\n${r() < 0.3 ? `        separator: ${q(pick(SEPARATORS))}\n` : ''}`;
    case 'hashmod':
      return `      - source_labels: ${sources()}\n        modulus: ${pick([2, 3, 8, 1000])}\n        target_label: shard\n        action: hashmod\n`;
    case 'labelmap': {
      // One name in, one name out: where two labels map onto one name, which value wins
      // depends on the order of a Go map in Prometheus 3.
      const [re, rep] = pick([['(e.+)', 'x_$1'], ['(t)(.*)', 'z$2'], ['__(tmp)_(.*)', '${1}_$2'], ['(.*)', 'x_$1'], ['(.*)', '${1}_copy'], ['(z)one', 'area']]);
      return `      - regex: ${q(re)}\n        replacement: ${q(rep)}\n        action: labelmap\n`;
    }
    case 'labeldrop':
      return `      - regex: ${q(pick(['te.*', 'zone|path', 'shard', '(?i)ENV', 'x_.*']))}\n        action: labeldrop\n`;
    case 'labelkeep':
      return `      - regex: ${q(pick(['__.*|job|env', '__.*|job|te.*|zone', '__.*|job']))}\n        action: labelkeep\n`;
    case 'lowercase':
    case 'uppercase':
      return `      - source_labels: ${sources()}\n        target_label: ${pick(['team', 'new', 'env'])}\n        action: ${action}\n`;
    default:
      return `      - source_labels: ${sources()}\n        target_label: ${pick(['env', 'team', 'new'])}\n        action: ${action}\n`;
  }
}

function config(seed: number, jobs: number): string {
  const r = seededRandom(seed);
  let y = 'global:\n  scrape_interval: 1h\n  scrape_timeout: 10s\nscrape_configs:\n';
  for (let j = 0; j < jobs; j++) {
    y += `  - job_name: fuzz${j}\n    static_configs:\n`;
    for (const g of TARGETS) {
      y += `      - targets: [${g.targets.map((t) => JSON.stringify(t)).join(', ')}]\n        labels: ${JSON.stringify(g.labels)}\n`;
    }
    y += '    relabel_configs:\n';
    const n = 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) y += ruleYaml(r);
  }
  return y;
}

interface TargetsData {
  activeTargets: { discoveredLabels: Record<string, string>; labels: Record<string, string>; scrapePool: string; scrapeUrl: string }[];
  droppedTargets: { discoveredLabels: Record<string, string> }[];
}

/**
 * Prometheus 3.13+ (and Watchfire) add these per-job settings to every target's discovered
 * labels, which 2.42 predates; a labelmap may copy them into target labels.
 */
const NEWER_DISCOVERED_LABELS = ['__scrape_native_histograms__', '__always_scrape_classic_histograms__', '__convert_classic_histograms_to_nhcb__'];

const sorted = (o: Record<string, string>): string => JSON.stringify(Object.entries(o)
  .filter(([k]) => !NEWER_DISCOVERED_LABELS.some((n) => k.includes(n)))
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Targets by job and address (2.42 shows discovered labels as labeldrop/labelkeep left them,
 * 3 and Watchfire as discovered): active ones with their labels and URL, dropped ones bare.
 */
function normalize(d: TargetsData): { active: string[]; dropped: string[] } {
  const id = (l: Record<string, string>): string => `${l['job'] ?? ''} ${l['__address__'] ?? ''}`;
  return {
    active: d.activeTargets.map((t) => `${id(t.discoveredLabels)} ${sorted(t.labels)} ${t.scrapeUrl}`).sort(),
    dropped: d.droppedTargets.map((t) => id(t.discoveredLabels)).sort(),
  };
}

test(`random relabeling (seed ${SEED}, ${JOBS} jobs): /api/v1/targets agrees with a real Prometheus`, { timeout: 120_000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) {
    t.skip(prom.skip);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wf-relabel-fuzz-'));
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, config(SEED, JOBS));
  let both: SideBySide | null = null;
  try {
    both = await startSideBySide(prom.path, cfg, dir, ['--scrape.discovery-reload-interval=1s']);
    const pBase = both.prometheus, wBase = both.watchfire;
    const settled = async (base: string): Promise<TargetsData | undefined> => {
      const r = await fetch(`${base}/api/v1/targets?state=any`);
      const d = (await r.json() as { data: TargetsData }).data;
      return d.activeTargets.length + d.droppedTargets.length === JOBS * TARGET_COUNT ? d : undefined;
    };
    const [p, w] = await Promise.all([eventually(() => settled(pBase), 30_000, 'prometheus targets'), eventually(() => settled(wBase), 30_000, 'watchfire targets')]);
    const np = normalize(p), nw = normalize(w);
    t.diagnostic(`${np.active.length} active and ${np.dropped.length} dropped targets`);
    assert.ok(np.active.length >= JOBS && np.dropped.length >= JOBS / 4, 'a mix of active and dropped targets');
    assert.deepEqual(nw.dropped, np.dropped, 'dropped targets');
    const missing = np.active.filter((a) => !nw.active.includes(a));
    const extra = nw.active.filter((a) => !np.active.includes(a));
    assert.deepEqual({ missing: missing.slice(0, 10), extra: extra.slice(0, 10) }, { missing: [], extra: [] }, 'active targets (Prometheus\'s missing from Watchfire, and Watchfire\'s extra)');
  } catch (e) {
    if (both !== null) process.stderr.write(both.output());
    throw e;
  } finally {
    await both?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
