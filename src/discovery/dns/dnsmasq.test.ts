/**
 * DNS SD against a real DNS server: dnsmasq on 127.0.0.1 and a free port, with records the
 * test writes. Targets appear, follow record changes (hosts file + SIGHUP; SRV/MX by restart),
 * stay while the server is down (failures counted), and disappear with the records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DNSSDConfig } from '../../config/sd-types.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import { freePort } from '../../testing/peers.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { DNSDiscoverer } from './dns.js';
import { DNSSDMetrics } from './metrics.js';
import { Dnsmasq, dnsmasqProgram, type DnsmasqRecords } from './testing-dnsmasq.js';

const BASE: DnsmasqRecords = {
  hosts: [['127.0.0.1', 'host1.example.test'], ['::1', 'host1.example.test'], ['127.0.0.2', 'host2.example.test']],
  srv: [{ name: '_svc._tcp.example.test', target: 'host1.example.test', port: 9100 }, { name: '_svc._tcp.example.test', target: 'host2.example.test', port: 9200, priority: 1 }],
  mx: [{ name: 'example.test', host: 'mail.example.test', preference: 10 }],
  cname: [{ alias: 'alias.example.test', target: 'host1.example.test' }],
  localDomains: ['example.test'],
};

/** Folds what the discoverers send into a source → addresses view. */
class View {
  readonly groups = new Map<string, TargetGroup>();
  send = (gs: TargetGroup[]): void => { for (const g of gs) this.groups.set(g.source, g); };
  addrs(source: string): string {
    return (this.groups.get(source)?.targets ?? []).map((t) => t['__address__'] ?? '').sort().join(' ');
  }
}

test('dns SD with dnsmasq: records appear, change, survive an outage and disappear', { timeout: 30_000 }, async (t) => {
  const prog = dnsmasqProgram();
  if (prog.skip !== false) { t.skip(prog.skip); return; }
  const dir = await mkdtemp(join(tmpdir(), 'wf-dnssd-'));
  const port = await freePort();
  const server = await Dnsmasq.start(prog.path, BASE, '127.0.0.1', port);
  const ac = new AbortController();
  const runs: Promise<void>[] = [];
  try {
    const rc = join(dir, 'resolv.conf');
    await writeFile(rc, 'nameserver 127.0.0.1\nsearch example.test\noptions ndots:1\n');
    const reg = new Registry();
    const view = new View();
    const cfgs: DNSSDConfig[] = [
      { names: ['_svc._tcp.example.test'], type: 'SRV', port: 0, refresh_interval: 100 as Millis },
      { names: ['host1', 'alias'], type: 'A', port: 9100, refresh_interval: 100 as Millis },
      { names: ['host1.example.test'], type: 'AAAA', port: 9100, refresh_interval: 100 as Millis },
      { names: ['example.test'], type: 'MX', port: 25, refresh_interval: 100 as Millis },
    ];
    for (const cfg of cfgs) {
      const d = new DNSDiscoverer(cfg, { metrics: DNSSDMetrics.for(reg), refreshMetrics: RefreshMetrics.for(reg), setName: 'dns', resolvConfPath: rc, port });
      runs.push(d.run(ac.signal, view.send));
    }
    await waitFor(() => view.groups.size === 5, 5000, 'all names answered');
    assert.equal(view.addrs('_svc._tcp.example.test'), 'host1.example.test:9100 host2.example.test:9200');
    assert.equal(view.addrs('host1'), '127.0.0.1:9100');
    assert.equal(view.addrs('alias'), '127.0.0.1:9100', 'the CNAME is followed by the server, and skipped');
    assert.equal(view.addrs('host1.example.test'), '[::1]:9100');
    assert.equal(view.addrs('example.test'), 'mail.example.test:25');
    const srv = view.groups.get('_svc._tcp.example.test')!.targets.find((x) => x['__address__'] === 'host1.example.test:9100');
    assert.deepEqual(srv, {
      __address__: 'host1.example.test:9100', __meta_dns_name: '_svc._tcp.example.test',
      __meta_dns_srv_record_target: 'host1.example.test.', __meta_dns_srv_record_port: '9100',
      __meta_dns_mx_record_target: '', __meta_dns_ns_record_target: '',
    });

    // Address records change through the hosts file and SIGHUP.
    await server.setHosts([['127.0.0.3', 'host1.example.test'], ['127.0.0.2', 'host2.example.test']]);
    await waitFor(() => view.addrs('host1') === '127.0.0.3:9100', 5000, 'A record change');
    await waitFor(() => view.addrs('host1.example.test') === '', 5000, 'AAAA record removal');

    // SRV records change by restarting with a new config.
    await server.setRecords({ ...BASE, srv: [{ name: '_svc._tcp.example.test', target: 'host2.example.test', port: 9300 }] });
    await waitFor(() => view.addrs('_svc._tcp.example.test') === 'host2.example.test:9300', 5000, 'SRV change');

    // The server goes away: lookups fail, are counted, and the last targets stay.
    const m = DNSSDMetrics.for(reg);
    await server.pause();
    const failed = m.lookupFailures.value;
    await waitFor(() => m.lookupFailures.value >= failed + 8, 8000, 'failed lookups');
    assert.equal(view.addrs('_svc._tcp.example.test'), 'host2.example.test:9300');
    assert.equal(view.addrs('example.test'), 'mail.example.test:25');

    // Back without the records: the names do not exist any more, and the targets go.
    await server.setRecords({ hosts: [], localDomains: ['example.test'] });
    await waitFor(() => view.addrs('_svc._tcp.example.test') === '' && view.addrs('example.test') === '' && view.addrs('host1') === '', 5000, 'records removed');
    assert.ok(m.lookups.value > m.lookupFailures.value);
  } catch (e) {
    process.stderr.write(server.output().slice(-3000));
    throw e;
  } finally {
    ac.abort();
    await Promise.all(runs);
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
