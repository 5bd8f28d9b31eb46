/**
 * Test support for the cloud mechanisms' acceptance tests: Watchfire (in process), a real
 * Prometheus 2.42 and vmagent discover from the same fake API with the same
 * `prometheus.yml`, and their `/api/v1/targets` are compared on the non-empty `__address__`
 * and `__meta_<mechanism>_*` discovered labels of one scrape pool, minus the labels a peer
 * is known to lack. Peers that are not installed are skipped (or fail under
 * WATCHFIRE_REQUIRE_PEERS=1, through `peer()`). Not part of the component's API.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerHandle } from '../../cmd/server.js';
import { eventually, freePort, peer, startPeer, waitReady, type RunningPeer } from '../../testing/peers.js';
import { launchTestServer } from '../../testing/server.js';
import { fetchTargets, labelKey, type TargetsView } from '../http/testing-targets.js';

export type PeerName = 'prometheus' | 'vmagent';

export interface CompareOptions {
  /** The whole prometheus.yml every side loads. */
  config: string;
  /** The scrape pool (or pools) compared. */
  pool: string | readonly string[];
  /** Label prefix compared besides `__address__` (e.g. `__meta_eureka_`). */
  prefix: string;
  /** Peers to run beside Watchfire. */
  peers: readonly PeerName[];
  /** Labels (names, or prefixes ending in "_") left out of the comparison with one peer. */
  omit?: Partial<Record<PeerName, readonly string[]>>;
  /** Extra environment of the peer processes. */
  env?: Record<string, string>;
  /** Extra vmagent flags (its SD check interval). */
  vmagentFlags?: readonly string[];
  /** Extra labels compared besides the prefix (e.g. `instance`). */
  extra?: readonly string[];
  /** The pools compared with one peer, when it lacks a mechanism of the others (default: all). */
  peerPools?: Partial<Record<PeerName, readonly string[]>>;
}

export interface ComparePeers {
  /** Base URLs of the running sides, Watchfire's under "watchfire". */
  readonly bases: Record<string, string>;
  /** Peers that were started. */
  readonly running: readonly PeerName[];
  /**
   * Resolves when every side shows `n` targets in the pool with the same labels; returns
   * Watchfire's (full discovered labels, sorted strings). Fails with the differences after
   * the deadline. `only` restricts the comparison to those peers (a phase where another
   * peer is known to behave differently).
   */
  agree(n: number, what: string, timeoutMs?: number, only?: readonly PeerName[]): Promise<string[]>;
  /** Watchfire's /metrics text. */
  metrics(): Promise<string>;
}

function matches(k: string, list: readonly string[]): boolean {
  return list.some((p) => p.endsWith('_') ? k.startsWith(p) : k === p);
}

/** The pool's targets reduced to the compared labels, sorted. */
export function comparable(v: TargetsView, o: Pick<CompareOptions, 'pool' | 'prefix' | 'extra'>, omit: readonly string[]): string[] {
  const pools: readonly string[] = typeof o.pool === 'string' ? [o.pool] : o.pool;
  return v.active.filter((t) => pools.includes(t.scrapePool)).map((t) => {
    const keep: Record<string, string> = {};
    for (const [k, val] of Object.entries(t.discoveredLabels)) {
      if (val === '' || !(k === '__address__' || k.startsWith(o.prefix) || (o.extra ?? []).includes(k))) continue;
      if (matches(k, omit)) continue;
      keep[k] = val;
    }
    return `${pools.length > 1 ? `${t.scrapePool} ` : ''}${labelKey(keep)}`;
  }).sort();
}

/** What differs between two sorted lists of label-set strings: per address, the labels that differ. */
export function describeDiff(peerName: string, a: readonly string[], b: readonly string[]): string {
  const parse = (s: string): Record<string, string> => JSON.parse(s.slice(s.indexOf('{'))) as Record<string, string>;
  const bs = new Set(b), as = new Set(a);
  const onlyA = a.filter((x) => !bs.has(x)).map(parse), onlyB = b.filter((x) => !as.has(x)).map(parse);
  const out: string[] = [];
  for (const x of onlyA.slice(0, 4)) {
    const y = onlyB.find((t) => t['__address__'] === x['__address__']);
    if (y === undefined) { out.push(`${x['__address__'] ?? '?'}: only ${peerName} has this target`); continue; }
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    out.push(`${x['__address__'] ?? '?'}: ${[...keys].filter((k) => x[k] !== y[k]).map((k) => `${k}: ${peerName}=${x[k] ?? '-'} watchfire=${y[k] ?? '-'}`).join('; ')}`);
  }
  for (const y of onlyB.slice(0, 4)) if (!onlyA.some((x) => x['__address__'] === y['__address__'])) out.push(`${y['__address__'] ?? '?'}: only watchfire has this target`);
  return out.join('\n  ');
}

/**
 * Runs `fn` with Watchfire and the installed peers discovering per `o.config`. Skips the test
 * (through `t.skip`) when none of the wanted peers is installed.
 */
export async function withComparePeers(
  t: { skip(msg: string): void; diagnostic(msg: string): void },
  o: CompareOptions,
  fn: (p: ComparePeers) => Promise<void>,
): Promise<void> {
  const found: { name: PeerName; path: string }[] = [];
  for (const name of o.peers) {
    const p = peer(name);
    if (p.skip === false) found.push({ name, path: p.path });
    else t.diagnostic(p.skip);
  }
  if (found.length === 0) { t.skip('no peer to compare with is installed'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-sdcmp-'));
  const procs: RunningPeer[] = [];
  let wf: ServerHandle | undefined;
  try {
    const cfgFile = join(dir, 'prometheus.yml');
    writeFileSync(cfgFile, o.config);
    const bases: Record<string, string> = {};
    for (const p of found) {
      const port = await freePort();
      bases[p.name] = `http://127.0.0.1:${port}`;
      const args = p.name === 'prometheus'
        ? [`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, 'prom')}`, '--log.level=error']
        : [`-promscrape.config=${cfgFile}`, `-httpListenAddr=127.0.0.1:${port}`, `-remoteWrite.tmpDataPath=${join(dir, 'vm')}`,
          '-remoteWrite.url=http://127.0.0.1:1/api/v1/write', '-loggerLevel=ERROR', '-promscrape.config.strictParse=false', ...(o.vmagentFlags ?? [])];
      procs.push(startPeer(p.path, args, { env: o.env ?? {} }));
    }
    const wp = await freePort();
    const started = await launchTestServer([`--config.file=${cfgFile}`, `--web.listen-address=127.0.0.1:${wp}`, '--scrape.discovery-reload-interval=100ms', '--log.level=error']);
    assert.notEqual(typeof started, 'number', 'watchfire started');
    wf = started as ServerHandle;
    bases['watchfire'] = `http://127.0.0.1:${wp}`;
    await Promise.all(found.map((p, i) => waitReady(`${bases[p.name]!}/${p.name === 'prometheus' ? '-/ready' : 'health'}`, 20000)
      .catch((e: unknown) => { throw new Error(`${p.name} did not start: ${String(e)}\n${procs[i]!.output()}`); })));
    const agree = async (n: number, what: string, timeoutMs = 15000, only?: readonly PeerName[]): Promise<string[]> => {
      let last = '';
      return eventually(async () => {
        const w = await fetchTargets(bases['watchfire']!);
        const wfull = comparable(w, o, []);
        const diffs: string[] = [];
        if (wfull.length !== n) diffs.push(`watchfire has ${wfull.length} targets, want ${n}`);
        for (const p of found) {
          if (only !== undefined && !only.includes(p.name)) continue;
          const omit = o.omit?.[p.name] ?? [];
          const po = { ...o, pool: o.peerPools?.[p.name] ?? o.pool };
          const [pl, wl] = [comparable(await fetchTargets(bases[p.name]!), po, omit), comparable(w, po, omit)];
          if (JSON.stringify(pl) !== JSON.stringify(wl)) diffs.push(`${p.name} (${pl.length}) vs watchfire (${wl.length}):\n  ${describeDiff(p.name, pl, wl)}`);
        }
        last = diffs.join('\n');
        return diffs.length === 0 ? wfull : undefined;
      }, timeoutMs, what).catch((e: unknown) => {
        throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}\n${procs.map((p) => p.output().slice(-2000)).join('\n')}`);
      });
    };
    const metrics = async (): Promise<string> => (await fetch(`${bases['watchfire']!}/metrics`)).text();
    await fn({ bases, running: found.map((p) => p.name), agree, metrics });
  } finally {
    if (wf !== undefined) await wf.stop();
    await Promise.all(procs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
