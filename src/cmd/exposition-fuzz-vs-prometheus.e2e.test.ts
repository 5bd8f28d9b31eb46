/**
 * Random scrape bodies against a real Prometheus 2.42: a local target serves one text-format
 * body per job, drawn from a seed (families with HELP and TYPE, label values with escapes and
 * UTF-8, classic histograms and summaries, values in every notation Go's ParseFloat knows and
 * some it rejects, stray invalid lines); Watchfire and Prometheus scrape the same targets and must agree, job by job, on
 * whether the scrape succeeded and on every stored series and value, to the bit.
 *
 * Bodies keep to what 2.42 and 3 parse alike: no timestamps (the two servers scrape at
 * different times), no duplicate series, and classic histograms and summaries only with `le`
 * and `quantile` values that 3 does not rewrite. WATCHFIRE_EXPOSITION_SEED
 * and WATCHFIRE_EXPOSITION_JOBS ask other samples; WATCHFIRE_EXPOSITION_DEBUG=1 prints
 * Prometheus's error for each failed scrape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../util/bench.js';
import { eventually, peer, startSideBySide, type SideBySide } from '../testing/peers.js';

const SEED = Number(process.env['WATCHFIRE_EXPOSITION_SEED'] ?? '1');
const JOBS = Number(process.env['WATCHFIRE_EXPOSITION_JOBS'] ?? '60');

const NAMES = ['fz_a_total', 'fz_b', 'fz_c_bytes', 'fz_d_seconds', 'fz_e', 'fz_f_info', 'fz:g'];
const LABEL_NAMES = ['k1', 'k2', 'path', 'le', 'job', 'instance', '_x'];
const LABEL_VALUES = ['x', 'with space', 'quo\\"te', 'back\\\\slash', 'new\\nline', 'ü€', '', '0.5', 'a=b,c', '{}'];
const VALUES = [
  '0', '1', '-1', '1.5', '1e3', '1E-3', '+Inf', '-Inf', 'NaN', '-0', '.5', '5.', '+3', '007',
  '9007199254740993', '1.7976931348623157e308', '4.9e-324', '1e-400', 'inf', '+inf', 'nan', 'Infinity',
  '123456789.123456789', '0.1', '2.5e+10', '1.00000000000000011102230246251565404236316680908203125', '-.0e-0',
];
/** Values the text format or Go's ParseFloat may refuse (each fails the scrape where it does). */
const ODD_VALUES = [
  '1e400', '-1e400', '1_000', '1e', 'abc', '--1', '0x', '١', 'infinity ', '0x1.8', '1__0', '0x1p3', '0x1_0p0', '0X1P-2',
];
const TYPES = ['counter', 'gauge', 'untyped'];
const HELPS = ['plain help', 'with \\\\ backslash', 'with \\n newline', 'ünïcode', ''];
const BAD_LINES = ['bad line here', 'fz_x{a="b" 1', 'fz_x{a=b} 1', 'fz_x 1 2 3 4', 'fz_x{a="b",} 1', '# TYPE fz_a_total foo', 'fz_x{="b"} 1'];

function body(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const lines: string[] = [];
  const used = new Set<string>();
  const families = 1 + Math.floor(r() * 4);
  for (let f = 0; f < families; f++) {
    const name = pick(NAMES);
    if (used.has(name)) continue;
    used.add(name);
    if (r() < 0.6) lines.push(`# HELP ${name} ${pick(HELPS)}`);
    if (r() < 0.7) lines.push(`# TYPE ${name} ${pick(TYPES)}`);
    const series = 1 + Math.floor(r() * 3);
    const seen = new Set<string>();
    for (let s = 0; s < series; s++) {
      const pairs = new Map<string, string>();
      const nl = Math.floor(r() * 3);
      for (let i = 0; i < nl; i++) pairs.set(pick(LABEL_NAMES), pick(LABEL_VALUES));
      const ls = [...pairs].map(([k, v]) => `${k}="${v}"`).join(r() < 0.2 ? ', ' : ',');
      const key = [...pairs].sort().join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      const space = r() < 0.1 ? '   ' : ' ';
      lines.push(`${name}${pairs.size > 0 || r() < 0.1 ? `{${ls}}` : ''}${space}${r() < 0.04 ? pick(ODD_VALUES) : pick(VALUES)}`);
    }
    if (r() < 0.1) lines.push('');
    if (r() < 0.1) lines.push('# a comment');
  }
  if (r() < 0.3) lines.push(...classic(r, pick));
  if (r() < 0.06) lines.splice(Math.floor(r() * (lines.length + 1)), 0, pick(BAD_LINES));
  return lines.join('\n') + (r() < 0.9 ? '\n' : '');
}

/**
 * A classic histogram or summary. `le` and `quantile` values are ones Prometheus 3 keeps as
 * written: since 3.0 it rewrites others to a canonical float (`le="1"` becomes `le="1.0"`).
 */
function classic(r: () => number, pick: <T>(xs: readonly T[]) => T): string[] {
  const out: string[] = [];
  const extra = r() < 0.5 ? `k1="${pick(['x', 'y z', 'quo\\"te'])}",` : '';
  if (r() < 0.5) {
    const name = pick(['fz_h_seconds', 'fz_hist']);
    out.push(`# TYPE ${name} histogram`);
    let n = Math.floor(r() * 5);
    for (const le of ['0.05', '0.25', '2.5', '+Inf']) {
      n += Math.floor(r() * 4);
      out.push(`${name}_bucket{${extra}le="${le}"} ${n}`);
    }
    out.push(`${name}_sum{${extra.slice(0, -1)}} ${pick(['1.5', '0', '12.25', 'NaN'])}`, `${name}_count{${extra.slice(0, -1)}} ${n}`);
  } else {
    const name = pick(['fz_s_seconds', 'fz_summary']);
    out.push(`# TYPE ${name} summary`);
    for (const q of ['0.5', '0.9', '0.99']) out.push(`${name}{${extra}quantile="${q}"} ${pick(['0.125', '1.5', 'NaN', '3e-05'])}`);
    out.push(`${name}_sum ${pick(['10.5', '0'])}`, `${name}_count ${Math.floor(r() * 100)}`);
  }
  return out;
}

function config(port: number, jobs: number): string {
  let y = 'global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n';
  for (let j = 0; j < jobs; j++) y += `  - job_name: fz${j}\n    metrics_path: /t/${j}\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`;
  return y;
}

interface Series { metric: Record<string, string>; value: [number, string] }

async function query(base: string, q: string): Promise<Series[]> {
  const r = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: q }).toString()}`);
  const j = await r.json() as { status: string; data: { result: Series[] }; error?: string };
  if (j.status !== 'success') throw new Error(`${q}: ${j.error ?? ''}`);
  return j.data.result;
}

/** Every job's scrape result and stored series (without the synthetic scrape_* ones), as text. */
async function snapshot(base: string): Promise<Map<string, string>> {
  const out = new Map<string, string[]>();
  for (const s of await query(base, '{__name__=~".+", __name__!~"scrape_.*"}')) {
    const job = s.metric['job'] ?? '';
    const l = Object.entries(s.metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (!out.has(job)) out.set(job, []);
    out.get(job)!.push(`${JSON.stringify(l)} ${s.value[1]}`);
  }
  return new Map([...out].map(([k, v]) => [k, v.sort().join('\n')]));
}

test(`random scrape bodies (seed ${SEED}, ${JOBS} jobs): what is stored agrees with a real Prometheus`, { timeout: 120_000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) {
    t.skip(prom.skip);
    return;
  }
  const r = seededRandom(SEED);
  const bodies = Array.from({ length: JOBS }, () => body(r));
  const target = createServer((req, res) => {
    const k = Number(/^\/t\/(\d+)/.exec(req.url ?? '')?.[1] ?? -1);
    if (!(k >= 0 && k < bodies.length)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(bodies[k]);
  });
  await new Promise<void>((ok) => target.listen(0, '127.0.0.1', ok));
  const dir = mkdtempSync(join(tmpdir(), 'wf-expo-fuzz-'));
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, config((target.address() as AddressInfo).port, JOBS));
  let both: SideBySide | null = null;
  try {
    both = await startSideBySide(prom.path, cfg, dir);
    const pBase = both.prometheus, wBase = both.watchfire;
    // Every job scraped at least twice (the second scrape settles staleness of the first).
    const scraped = async (base: string): Promise<true | undefined> => {
      const n = await query(base, 'count(count_over_time(up[1m]) >= 2)');
      return n.length === 1 && Number(n[0]!.value[1]) === JOBS ? true : undefined;
    };
    await Promise.all([eventually(() => scraped(pBase), 60_000, 'prometheus scrapes'), eventually(() => scraped(wBase), 60_000, 'watchfire scrapes')]);
    const [p, w] = await Promise.all([snapshot(pBase), snapshot(wBase)]);
    if (process.env['WATCHFIRE_EXPOSITION_DEBUG'] === '1') {
      const d = await (await fetch(`${pBase}/api/v1/targets`)).json() as { data: { activeTargets: { scrapePool: string; lastError: string }[] } };
      for (const a of d.data.activeTargets) if (a.lastError !== '') t.diagnostic(`${a.scrapePool}: ${a.lastError} ${JSON.stringify(bodies[Number(a.scrapePool.slice(2))])}`);
    }
    const up = [...p.values()].filter((v) => v.includes('["__name__","up"]') && v.endsWith(' 1')).length;
    const classics = [...p.values()].filter((v) => v.includes('_bucket"') || v.includes('["quantile",')).length;
    t.diagnostic(`${p.size} jobs, ${up} of them scraped successfully by Prometheus, ${classics} with a histogram or summary stored`);
    assert.ok(up >= JOBS / 2 && up < JOBS, 'both good and bad bodies');
    assert.ok(classics >= JOBS / 10, 'histograms and summaries among them');
    const wrong: string[] = [];
    for (let j = 0; j < JOBS; j++) {
      const job = `fz${j}`;
      if (p.get(job) !== w.get(job)) wrong.push(`${job}, body ${JSON.stringify(bodies[j])}\nPrometheus:\n${p.get(job) ?? ''}\nWatchfire:\n${w.get(job) ?? ''}`);
    }
    assert.deepEqual(wrong.slice(0, 5), []);
  } catch (e) {
    if (both !== null) process.stderr.write(both.output());
    throw e;
  } finally {
    await both?.stop();
    target.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
