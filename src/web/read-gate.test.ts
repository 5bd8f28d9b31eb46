import { test } from 'node:test';
import { get } from 'node:http';
import assert from 'node:assert/strict';
import { nopLogger } from '../util/log.js';
import { eventually } from '../testing/peers.js';
import { WebServer } from './server.js';
import { FifoGate, registerReadGate } from './read-gate.js';

test('FifoGate: at most N holders, waiters served in arrival order, given-up waiters skipped', async () => {
  const g = new FifoGate(2);
  const never = new AbortController().signal;
  assert.equal(await g.acquire(never), true);
  assert.equal(await g.acquire(never), true);
  const order: string[] = [];
  const ac = new AbortController();
  const w1 = g.acquire(never).then((ok) => { order.push(`w1 ${ok}`); });
  const w2 = g.acquire(ac.signal).then((ok) => { order.push(`w2 ${ok}`); });
  const w3 = g.acquire(never).then((ok) => { order.push(`w3 ${ok}`); });
  assert.deepEqual([g.active, g.waiting], [2, 3]);
  ac.abort();
  await w2;
  assert.deepEqual([g.active, g.waiting], [2, 2]);
  g.release();
  await w1;
  g.release();
  await w3;
  assert.deepEqual(order, ['w2 false', 'w1 true', 'w3 true']);
  assert.deepEqual([g.active, g.waiting], [2, 0]);
  g.release();
  g.release();
  assert.equal(g.active, 0);
  assert.equal(await g.acquire(AbortSignal.abort()), false, 'an aborted signal gets no slot');
  assert.equal(g.active, 0);
  assert.throws(() => new FifoGate(0), /positive integer/);
});

test('FifoGate: a long queue is compacted without losing or reordering waiters', async () => {
  const g = new FifoGate(1);
  await g.acquire(new AbortController().signal);
  const served: number[] = [];
  const all = Array.from({ length: 3000 }, (_v, i) => g.acquire(new AbortController().signal).then(() => { served.push(i); }));
  for (let i = 0; i < 3000; i++) {
    g.release();
    await all[i];
  }
  assert.deepEqual(served, Array.from({ length: 3000 }, (_v, i) => i));
  g.release();
  assert.deepEqual([g.active, g.waiting], [0, 0]);
});

/** GET on a connection of its own (closed after the answer), so that the server's close does not wait on pooled connections. */
function httpGet(url: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, headers: { Connection: 'close' }, ...(signal !== undefined ? { signal } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => { resolve(body); });
    });
    req.on('error', reject);
  });
}

test('read gate on the server: gated routes wait for a slot, lookups in their own lane, others not at all, a client that leaves frees its place', async () => {
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: '', readTimeoutMs: 10_000, maxConnections: 20, logger: nopLogger });
  const gate = registerReadGate(web.router, 1);
  let started = 0;
  let finish: (() => void) | null = null;
  web.router.get('/api/v1/query', async (c) => {
    started++;
    await new Promise<void>((r) => { finish = r; });
    c.res.end('done');
  });
  web.router.get('/api/v1/status/buildinfo', (c) => { c.res.end('free'); });
  web.router.get('/api/v1/labels', (c) => { c.res.end('lookup'); });
  const [addr] = await web.listen();
  web.setReady(true);
  const base = `http://${addr!}`;
  try {
    const a = httpGet(`${base}/api/v1/query`);
    await eventually(() => (started === 1 ? true : undefined), 5000, 'the first query started');
    const b = httpGet(`${base}/api/v1/query`);
    const leaving = new AbortController();
    const c = httpGet(`${base}/api/v1/query`, leaving.signal).catch(() => 'aborted');
    await eventually(() => (gate.waiting === 2 ? true : undefined), 5000, 'two queries queued');
    assert.equal(await httpGet(`${base}/api/v1/status/buildinfo`), 'free', 'ungated routes answer while the gate is full');
    assert.equal(await httpGet(`${base}/api/v1/labels`, AbortSignal.timeout(5000)), 'lookup', 'lookups have their own lane');
    const t0 = Date.now();
    leaving.abort();
    assert.equal(await c, 'aborted');
    await eventually(() => (gate.waiting === 1 ? true : undefined), 5000, 'the leaving client left the queue');
    console.error('left after', Date.now() - t0);
    assert.equal(started, 1);
    finish!();
    assert.equal(await a, 'done');
    await eventually(() => (started === 2 ? true : undefined), 5000, 'the queued query started');
    finish!();
    assert.equal(await b, 'done');
    await eventually(() => (gate.active === 0 ? true : undefined), 5000, 'every slot given back');
    assert.equal(started, 2, 'the query whose client left never ran');
  } finally {
    await web.close();
  }
});
