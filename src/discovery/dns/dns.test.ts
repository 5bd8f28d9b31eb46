import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DNSSDConfig } from '../../config/sd-types.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import { newLogger } from '../../util/log.js';
import { RefreshMetrics } from '../refresh/index.js';
import { DNSDiscoverer } from './dns.js';
import type { ExchangeFunc } from './lookup.js';
import { DNSSDMetrics } from './metrics.js';
import { fakeExchange, type FakeAnswer } from './testing-wire.js';

function config(names: string[], type: string, port = 0): DNSSDConfig {
  return { names, type, port, refresh_interval: 60_000 as Millis };
}

async function withResolvConf<T>(text: string, body: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'wf-dnssd-'));
  try {
    const p = join(dir, 'resolv.conf');
    await writeFile(p, text);
    return await body(p);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function discoverer(cfg: DNSSDConfig, resolvConfPath: string, exchange: ExchangeFunc, reg = new Registry(), logs?: string[]): DNSDiscoverer {
  return new DNSDiscoverer(cfg, {
    metrics: DNSSDMetrics.for(reg), refreshMetrics: RefreshMetrics.for(reg), setName: 'job', resolvConfPath, exchange,
    ...(logs !== undefined ? { logger: newLogger({ level: 'debug', sink: { write: (l) => { logs.push(l); } } }) } : {}),
  });
}

const none = { __meta_dns_srv_record_target: '', __meta_dns_srv_record_port: '', __meta_dns_mx_record_target: '', __meta_dns_ns_record_target: '' };

test('dns SD: targets and meta labels for each record type, as Prometheus builds them', async () => {
  const answers: Record<string, FakeAnswer> = {
    '_svc._tcp.example.': { answers: [
      { type: 'SRV', name: '_svc._tcp.example.', priority: 0, weight: 0, port: 9100, target: 'node1.example.' },
      { type: 'SRV', name: '_svc._tcp.example.', priority: 0, weight: 0, port: 9101, target: 'node2.example.' },
      { type: 'A', name: 'node1.example.', address: '192.0.2.1' }, // additional-looking records in the answer are targets too
    ] },
    'example.': { answers: [{ type: 'MX', name: 'example.', preference: 10, mx: 'mail.example.' }, { type: 'NS', name: 'example.', ns: 'ns1.example.' }] },
    'v6.example.': { answers: [{ type: 'AAAA', name: 'v6.example.', address: '2001:db8::1' }] },
    'alias.example.': { answers: [{ type: 'CNAME', name: 'alias.example.', target: 'v4.example.' }, { type: 'A', name: 'v4.example.', address: '192.0.2.7' }, { type: 'TXT', name: 'v4.example.', text: 'x' }] },
  };
  await withResolvConf('nameserver 10.0.0.1\n', async (rc) => {
    const { exchange } = fakeExchange((_s, name) => answers[name]);
    const logs: string[] = [];
    const table: [DNSSDConfig, Record<string, string>[]][] = [
      [config(['_svc._tcp.example.'], 'SRV'), [
        { __address__: 'node1.example:9100', __meta_dns_name: '_svc._tcp.example.', ...none, __meta_dns_srv_record_target: 'node1.example.', __meta_dns_srv_record_port: '9100' },
        { __address__: 'node2.example:9101', __meta_dns_name: '_svc._tcp.example.', ...none, __meta_dns_srv_record_target: 'node2.example.', __meta_dns_srv_record_port: '9101' },
        { __address__: '192.0.2.1:0', __meta_dns_name: '_svc._tcp.example.', ...none },
      ]],
      [config(['example.'], 'mx', 25), [
        { __address__: 'mail.example:25', __meta_dns_name: 'example.', ...none, __meta_dns_mx_record_target: 'mail.example.' },
        { __address__: 'ns1.example:25', __meta_dns_name: 'example.', ...none, __meta_dns_ns_record_target: 'ns1.example.' },
      ]],
      [config(['v6.example.'], 'AAAA', 9100), [{ __address__: '[2001:db8::1]:9100', __meta_dns_name: 'v6.example.', ...none }]],
      [config(['alias.example.'], 'A', 80), [{ __address__: '192.0.2.7:80', __meta_dns_name: 'alias.example.', ...none }]],
    ];
    for (const [cfg, want] of table) {
      const groups = await discoverer(cfg, rc, exchange, new Registry(), logs).refresh(new AbortController().signal);
      assert.equal(groups.length, 1);
      assert.deepEqual(groups[0], { source: cfg.names[0], labels: {}, targets: want }, cfg.type);
    }
    assert.ok(logs.some((l) => l.includes('Invalid record') && l.includes('TXT')), 'unexpected records are logged');
  });
});

test('dns SD: names resolve through the search list; failed names send nothing and are counted', async () => {
  await withResolvConf('nameserver 10.0.0.1\nsearch corp.example\n', async (rc) => {
    let failing = true;
    const { exchange, calls } = fakeExchange((_s, name) => {
      if (name === 'web.corp.example.') return { answers: [{ type: 'A', name, address: '192.0.2.5' }] };
      if (name === 'db.corp.example.' && failing) return { rcode: 2 };
      return undefined;
    });
    const reg = new Registry();
    const d = discoverer(config(['web', 'db', 'gone.example.'], 'A', 9100), rc, exchange, reg);
    const groups = await d.refresh(new AbortController().signal);
    assert.deepEqual(groups.map((g) => [g.source, g.targets.map((t) => t['__address__'])]).sort(), [['gone.example.', []], ['web', ['192.0.2.5:9100']]]);
    assert.ok(calls.some((c) => c.name === 'web.corp.example.'));
    const m = DNSSDMetrics.for(reg);
    assert.deepEqual([m.lookups.value, m.lookupFailures.value], [3, 1]);
    failing = false;
    const again = await d.refresh(new AbortController().signal);
    assert.deepEqual(again.map((g) => g.source).sort(), ['db', 'gone.example.', 'web'], 'db has an (empty) answer now');
  });
});

test('dns SD: an unreadable resolv.conf fails every name', async () => {
  const reg = new Registry();
  const d = discoverer(config(['a.example.'], 'A', 1), '/nonexistent/resolv.conf', fakeExchange(() => undefined).exchange, reg);
  assert.deepEqual(await d.refresh(new AbortController().signal), []);
  assert.equal(DNSSDMetrics.for(reg).lookupFailures.value, 1);
});
