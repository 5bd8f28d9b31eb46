/**
 * Acceptance: Watchfire and a real Prometheus 2.42 resolve the same DNS SD names against the
 * same dnsmasq and agree on /api/v1/targets, initially, after the records change, and while
 * the server is down (both keep the last targets).
 *
 * Prometheus reads only /etc/resolv.conf and asks port 53, so dnsmasq listens on port 53 of a
 * random 127/8 address and both servers run in a private mount namespace
 * (`unshare --mount`) where the test's own resolv.conf is bind-mounted over
 * /etc/resolv.conf; Watchfire runs as a subprocess there too, so its production path (no
 * injected resolver settings) is what is compared. This needs root (binding port 53 and
 * mounting); elsewhere the test skips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, findProgram, freePort, peer, startPeer, waitReady, watchfireCommand, type RunningPeer } from '../../testing/peers.js';
import { fetchTargets, poolTargets } from '../http/testing-targets.js';
import { Dnsmasq, dnsmasqProgram, type DnsmasqRecords } from './testing-dnsmasq.js';

const RECORDS: DnsmasqRecords = {
  hosts: [['127.0.0.1', 'host1.example.test'], ['::1', 'host1.example.test'], ['127.0.0.2', 'host2.example.test']],
  srv: [{ name: '_svc._tcp.example.test', target: 'host1.example.test', port: 9100 }, { name: '_svc._tcp.example.test', target: 'host2.example.test', port: 9200, priority: 1 }],
  mx: [{ name: 'example.test', host: 'mail.example.test', preference: 10 }],
  cname: [{ alias: 'alias.example.test', target: 'host2.example.test' }],
  localDomains: ['example.test'],
};

const CONFIG = `global:
  scrape_interval: 1h
scrape_configs:
  - job_name: srv
    dns_sd_configs: [{ names: ['_svc._tcp.example.test'], refresh_interval: 1s }]
  - job_name: a
    dns_sd_configs: [{ names: [host1, alias.example.test, missing], type: A, port: 9100, refresh_interval: 1s }]
  - job_name: aaaa
    dns_sd_configs: [{ names: [host1.example.test], type: AAAA, port: 9100, refresh_interval: 1s }]
  - job_name: mx
    dns_sd_configs: [{ names: [example.test], type: MX, port: 25, refresh_interval: 1s }]
`;

const POOLS = ['srv', 'a', 'aaaa', 'mx'];

test('dns SD: Watchfire and Prometheus 2.42 in a namespace with their own resolv.conf agree on targets', { timeout: 30_000 }, async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root to bind port 53 and bind-mount /etc/resolv.conf'); return; }
  const prom = peer('prometheus');
  const dm = dnsmasqProgram();
  const unshare = findProgram('unshare');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  if (dm.skip !== false) { t.skip(dm.skip); return; }
  if (unshare === null) { t.skip('unshare (util-linux) is not installed'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'wf-dnsns-'));
  const procs: RunningPeer[] = [];
  let server: Dnsmasq | null = null;
  try {
    // Port 53 on a random loopback address, so that parallel runs do not collide.
    for (let i = 0; server === null; i++) {
      const addr = `127.53.${randomInt(1, 255)}.${randomInt(1, 255)}`;
      try {
        server = await Dnsmasq.start(dm.path, RECORDS, addr, 53);
      } catch (e) {
        if (i >= 3) throw e;
      }
    }
    const rc = join(dir, 'resolv.conf');
    writeFileSync(rc, `nameserver ${server.address}\nsearch example.test\n`);
    const cfg = join(dir, 'prometheus.yml');
    writeFileSync(cfg, CONFIG);
    const inNamespace = (cmd: string, args: string[]): RunningPeer => {
      const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      return startPeer(unshare, ['--mount', 'sh', '-c', `mount --bind '${rc}' /etc/resolv.conf && exec ${quoted}`]);
    };
    const [pp, wp] = [await freePort(), await freePort()];
    procs.push(inNamespace(prom.path, [`--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${pp}`, `--storage.tsdb.path=${join(dir, 'prom')}`]));
    const wf = watchfireCommand();
    procs.push(inNamespace(wf.cmd, [...wf.args, `--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${wp}`, `--storage.tsdb.path=${join(dir, 'wf')}`, '--scrape.discovery-reload-interval=200ms', '--log.level=error']));
    const pBase = `http://127.0.0.1:${pp}`, wBase = `http://127.0.0.1:${wp}`;
    await Promise.all([waitReady(`${pBase}/-/ready`, 20000), waitReady(`${wBase}/-/ready`, 20000)]);

    const agree = async (want: Record<string, number>, what: string): Promise<Map<string, string[]>> => {
      let last = '';
      return eventually(async () => {
        const [p, w] = await Promise.all([fetchTargets(pBase), fetchTargets(wBase)]);
        const out = new Map<string, string[]>();
        let ok = true;
        last = '';
        for (const pool of POOLS) {
          const [pt, wt] = [poolTargets(p, pool), poolTargets(w, pool)];
          last += `${pool}:\n prometheus:\n  ${pt.join('\n  ')}\n watchfire:\n  ${wt.join('\n  ')}\n`;
          if (pt.length !== want[pool] || JSON.stringify(pt) !== JSON.stringify(wt)) ok = false;
          out.set(pool, wt);
        }
        return ok ? out : undefined;
      }, 12000, what).catch((e: unknown) => { throw new Error(`${e instanceof Error ? e.message : String(e)}\n${last}`); });
    };

    const first = await agree({ srv: 2, a: 2, aaaa: 1, mx: 1 }, 'the first records on both');
    assert.ok(first.get('srv')!.some((s) => s.includes('"__meta_dns_srv_record_target":"host1.example.test."') && s.includes('"__address__":"host1.example.test:9100"')));
    assert.ok(first.get('aaaa')![0]!.includes('"__address__":"[::1]:9100"'));
    assert.ok(first.get('a')!.some((s) => s.includes('"__meta_dns_name":"host1"') && s.includes('"__address__":"127.0.0.1:9100"')), 'found through the search list');

    // New records: one SRV target, host1 moves and loses its AAAA record, the MX goes.
    await server.setRecords({ ...RECORDS, hosts: [['127.0.0.3', 'host1.example.test'], ['127.0.0.2', 'host2.example.test']], srv: [{ name: '_svc._tcp.example.test', target: 'host2.example.test', port: 9300 }], mx: [] });
    const second = await agree({ srv: 1, a: 2, aaaa: 0, mx: 0 }, 'the changed records on both');
    assert.ok(second.get('a')!.some((s) => s.includes('"__address__":"127.0.0.3:9100"')));

    // The server goes away: lookups fail and both keep the last targets.
    await server.pause();
    await eventually(async () => {
      const m = await (await fetch(`${wBase}/metrics`)).text();
      const failures = /prometheus_sd_dns_lookup_failures_total (\d+)/.exec(m);
      return failures !== null && Number(failures[1]) >= 10 ? true : undefined;
    }, 10000, 'failed lookups counted');
    await agree({ srv: 1, a: 2, aaaa: 0, mx: 0 }, 'the last targets kept on both');
  } catch (e) {
    for (const p of procs) process.stderr.write(p.output().slice(-2000));
    throw e;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
