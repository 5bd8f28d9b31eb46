import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HTTPSDConfig } from '../../config/sd-types.js';
import type { Secret } from '../../config/types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { TargetGroup } from '../interface.js';
import { RefreshMetrics } from '../refresh/index.js';
import { waitFor } from '../testing.js';
import { HTTPDiscoverer } from './http.js';
import { HTTPSDMetrics } from './metrics.js';

interface Reply { status?: number; type?: string; body: string }

/** A server answering every request with the current `reply`, recording request headers. */
async function withServer(body: (s: { url: string; reply: Reply; requests: IncomingMessage['headers'][] }) => Promise<void>): Promise<void> {
  const state = { url: '', reply: { body: '[]' } as Reply, requests: [] as IncomingMessage['headers'][] };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    state.requests.push(req.headers);
    const r = state.reply;
    res.writeHead(r.status ?? 200, { 'Content-Type': r.type ?? 'application/json' });
    res.end(r.body);
  });
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sd`;
  try {
    await body(state);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
  }
}

function cfg(url: string, intervalMs = 60_000, http = defaultHTTPClientConfig()): HTTPSDConfig {
  return { url, refresh_interval: intervalMs as Millis, http_client: http };
}

function discoverer(c: HTTPSDConfig, reg = new Registry(), maxBodyBytes?: number): HTTPDiscoverer {
  return new HTTPDiscoverer(c, {
    metrics: HTTPSDMetrics.for(reg), refreshMetrics: RefreshMetrics.for(reg), setName: 'job', userAgent: 'Watchfire/test',
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
  });
}

const never = new AbortController().signal;

test('http SD: groups with __meta_url and url sources; the request headers and credentials of the protocol', async () => {
  await withServer(async (s) => {
    s.reply = { body: JSON.stringify([{ targets: ['a:1', 'a:2'], labels: { env: 'prod' } }, { targets: ['b:1'] }, { targets: [], labels: null }]) };
    const http = defaultHTTPClientConfig({ basic_auth: { username: 'u', username_file: '', username_ref: '', password: 'p' as Secret, password_file: '', password_ref: '' } });
    const groups = await discoverer(cfg(s.url, 15_500, http)).refresh(never);
    assert.deepEqual(groups, [
      { source: `${s.url}:0`, labels: { env: 'prod', __meta_url: s.url }, targets: [{ __address__: 'a:1' }, { __address__: 'a:2' }] },
      { source: `${s.url}:1`, labels: { __meta_url: s.url }, targets: [{ __address__: 'b:1' }] },
      { source: `${s.url}:2`, labels: { __meta_url: s.url }, targets: [] },
    ]);
    const h = s.requests[0]!;
    assert.equal(h['accept'], 'application/json');
    assert.equal(h['x-prometheus-refresh-interval-seconds'], '15.5');
    assert.equal(h['user-agent'], 'Watchfire/test');
    assert.equal(h['authorization'], `Basic ${Buffer.from('u:p').toString('base64')}`);
  });
});

test('http SD: content types accepted and refused, as Prometheus matches them', async () => {
  await withServer(async (s) => {
    const reg = new Registry();
    const d = discoverer(cfg(s.url), reg);
    const table: [string, boolean][] = [
      ['application/json', true], ['Application/JSON', true], ['application/json; charset=utf-8', true],
      ['application/json;charset="UTF-8"', true], [' application/json ', true],
      ['application/json; charset=latin1', false], ['text/plain', false], ['application/json-seq', false], ['', false],
    ];
    let failures = 0;
    for (const [type, ok] of table) {
      s.reply = { type, body: '[{"targets":["x:1"]}]' };
      if (ok) {
        assert.equal((await d.refresh(never)).length, 1, type);
      } else {
        await assert.rejects(d.refresh(never), { message: `unsupported content type ${JSON.stringify(type.trim() === '' ? '' : type)}` }, type);
        failures++;
      }
    }
    assert.equal(HTTPSDMetrics.for(reg).failures.value, failures);
  });
});

test('http SD: bad answers fail the refresh with Prometheus\'s reasons', async () => {
  await withServer(async (s) => {
    const reg = new Registry();
    const d = discoverer(cfg(s.url), reg, 64);
    const table: [Reply, RegExp][] = [
      [{ status: 404, body: 'nope' }, /^server returned HTTP status 404 Not Found$/],
      [{ status: 500, body: '[]' }, /^server returned HTTP status 500 Internal Server Error$/],
      [{ body: '[{"targets":["x:1"]' }, /JSON/],
      [{ body: '[null]' }, /^nil target group item found$/],
      [{ body: '[{"targets":["x:1"],"lables":{}}]' }, /^json: unknown field "lables"$/],
      [{ body: '[{"targets":["x:1"],"labels":{"":"v"}}]' }, /^"" is not a valid label name$/],
      [{ body: '{"targets":[]}' }, /cannot unmarshal object/],
      [{ body: JSON.stringify([{ targets: ['x'.repeat(100)] }]) }, /limit|exceed/i],
    ];
    for (const [reply, want] of table) {
      s.reply = reply;
      await assert.rejects(d.refresh(never), { message: want }, reply.body);
    }
    assert.equal(HTTPSDMetrics.for(reg).failures.value, table.length);
    s.reply = { body: 'null' };
    assert.deepEqual(await d.refresh(never), [], 'a JSON null is an empty list');
  });
});

test('http SD: a transport error fails the refresh like Go\'s client', async () => {
  const reg = new Registry();
  const d = discoverer(cfg('http://127.0.0.1:1/sd'), reg);
  await assert.rejects(d.refresh(never), { message: /^Get "http:\/\/127.0.0.1:1\/sd": .*connection refused$/ });
  assert.equal(HTTPSDMetrics.for(reg).failures.value, 1);
});

test('http SD: running, shrinking lists empty the dropped groups and failures keep the last targets', async () => {
  await withServer(async (s) => {
    const reg = new Registry();
    const view = new Map<string, TargetGroup>();
    let sends = 0;
    s.reply = { body: JSON.stringify([{ targets: ['a:1'] }, { targets: ['b:1'] }]) };
    const ac = new AbortController();
    const done = discoverer(cfg(s.url, 30), reg).run(ac.signal, (gs) => { sends++; for (const g of gs) view.set(g.source, g); });
    try {
      const addrs = (): string => [...view.values()].flatMap((g) => g.targets.map((t) => t['__address__'])).sort().join(' ');
      await waitFor(() => addrs() === 'a:1 b:1');
      s.reply = { body: JSON.stringify([{ targets: ['a:2'] }]) };
      await waitFor(() => addrs() === 'a:2', 3000, 'shrunk list');
      assert.deepEqual(view.get(`${s.url}:1`)?.targets, []);
      s.reply = { status: 503, body: 'down' };
      const m = HTTPSDMetrics.for(reg);
      const before = sends;
      await waitFor(() => m.failures.value >= 3, 3000, 'failures');
      assert.equal(sends, before, 'nothing sent while failing');
      assert.equal(addrs(), 'a:2');
      assert.equal(RefreshMetrics.for(reg).failures.labels('job', 'http').value, m.failures.value);
      s.reply = { body: '[]' };
      await waitFor(() => addrs() === '', 3000, 'recovered, empty');
    } finally {
      ac.abort();
      await done;
    }
  });
});
