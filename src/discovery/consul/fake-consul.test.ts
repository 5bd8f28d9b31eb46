/** The fake Consul agent itself: blocking queries, filters and errors behave as documented. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeConsul } from './testing-fake-consul.js';

async function get(f: FakeConsul, path: string, headers: Record<string, string> = {}): Promise<{ status: number; index: string | null; body: unknown; ms: number }> {
  const t0 = Date.now();
  const r = await fetch(`${f.url}${path}`, { headers });
  const text = await r.text();
  return { status: r.status, index: r.headers.get('x-consul-index'), body: r.status === 200 ? JSON.parse(text) as unknown : text, ms: Date.now() - t0 };
}

async function withFake(body: (f: FakeConsul) => Promise<void>, o: { token?: string } = {}): Promise<void> {
  const f = new FakeConsul(o);
  await f.up();
  try {
    f.setNode({ node: 'n1', address: '10.0.0.1', meta: { rack: 'r1' } });
    f.setNode({ node: 'n2', address: '10.0.0.2', meta: { rack: 'r2' } });
    f.register({ node: 'n1', service: 'web', id: 'web-1', tags: ['prod', 'v1'], port: 80 });
    f.register({ node: 'n2', service: 'web', id: 'web-2', tags: ['canary'], port: 80 });
    f.register({ node: 'n2', service: 'db', port: 5432, meta: { role: 'primary' } });
    await body(f);
  } finally {
    await f.down();
  }
}

test('fake consul: catalog and health answers with tags, node-meta, filter and passing', async () => {
  await withFake(async (f) => {
    const cat = await get(f, '/v1/catalog/services');
    assert.deepEqual(cat.body, { web: ['canary', 'prod', 'v1'], db: [] });
    assert.equal(cat.index, String(f.index));
    assert.deepEqual((await get(f, '/v1/catalog/services?node-meta=rack:r1')).body, { web: ['prod', 'v1'] });
    assert.deepEqual((await get(f, `/v1/catalog/services?filter=${encodeURIComponent('ServiceMeta.role == "primary"')}`)).body, { db: [] });
    const ids = (b: unknown): string[] => (b as { Service: { ID: string } }[]).map((e) => e.Service.ID);
    assert.deepEqual(ids((await get(f, '/v1/health/service/web')).body), ['web-1', 'web-2']);
    assert.deepEqual(ids((await get(f, '/v1/health/service/web?tag=prod&tag=v1')).body), ['web-1']);
    assert.deepEqual(ids((await get(f, '/v1/health/service/web?tag=prod&tag=canary')).body), []);
    assert.deepEqual(ids((await get(f, `/v1/health/service/web?filter=${encodeURIComponent('"canary" in Service.Tags or Node.Meta.rack == "none"')}`)).body), ['web-2']);
    f.register({ node: 'n1', service: 'web', id: 'web-1', tags: ['prod'], port: 80, checks: [{ checkID: 'serfHealth', status: 'critical' }] });
    assert.deepEqual(ids((await get(f, '/v1/health/service/web?passing=1')).body), ['web-2']);
    assert.equal((await get(f, '/v1/catalog/services?filter=Bogus%20%3D%3D%20%22x%22')).status, 400);
    assert.equal((await get(f, '/v1/catalog/services?dc=other')).status, 500);
    assert.deepEqual((await get(f, '/v1/agent/self')).body, { Config: { Datacenter: 'dc1', NodeName: 'fake-agent', Server: true, Version: '1.15.0' }, Member: { Name: 'fake-agent', Addr: '127.0.0.1', Port: 8301 } });
  });
});

test('fake consul: blocking queries wait for a change past the index, or for the wait to expire', async () => {
  await withFake(async (f) => {
    const first = await get(f, '/v1/health/service/db');
    const idx = first.index!;
    // Expiry: the same index comes back after the wait.
    const expired = await get(f, `/v1/health/service/db?index=${idx}&wait=150ms`);
    assert.equal(expired.index, idx);
    assert.ok(expired.ms >= 100, `waited ${expired.ms} ms`);
    // A change elsewhere does not wake a service's query; a change to it does.
    const pending = get(f, `/v1/health/service/db?index=${idx}&wait=5s`);
    await new Promise((r) => setTimeout(r, 50));
    f.register({ node: 'n1', service: 'cache', port: 6379 });
    await new Promise((r) => setTimeout(r, 50));
    f.register({ node: 'n1', service: 'db', id: 'db-2', port: 5433 });
    const woke = await pending;
    assert.ok(Number(woke.index) > Number(idx));
    assert.equal((woke.body as unknown[]).length, 2);
    // The catalog's index moves with every change; an index from the future waits too.
    const cat = await get(f, `/v1/catalog/services?index=${f.index}&wait=1ms`);
    assert.equal(cat.index, String(f.index));
    f.change(() => { for (let i = 0; i < 50; i++) f.register({ node: 'n2', service: `svc${i}`, port: 1000 + i }); });
    assert.equal(Number((await get(f, '/v1/catalog/services')).index), Number(cat.index) + 1, 'one index for a batch');
  });
});

test('fake consul: the token is required when configured, and down() drops blocked queries', async () => {
  await withFake(async (f) => {
    assert.equal((await get(f, '/v1/catalog/services')).status, 403);
    assert.equal((await get(f, '/v1/catalog/services', { 'X-Consul-Token': 's3cret' })).status, 200);
    assert.equal((await get(f, '/v1/catalog/services', { Authorization: 'Bearer s3cret' })).status, 200);
    const blocked = fetch(`${f.url}/v1/catalog/services?index=${f.index}&wait=10s&token=s3cret`).then(() => 'answered', () => 'dropped');
    await new Promise((r) => setTimeout(r, 50));
    await f.down();
    assert.equal(await blocked, 'dropped');
    await assert.rejects(fetch(`${f.url}/v1/agent/self`));
    await f.up();
    assert.equal((await get(f, '/v1/agent/self', { 'X-Consul-Token': 's3cret' })).status, 200, 'back on the same port');
  }, { token: 's3cret' });
});
