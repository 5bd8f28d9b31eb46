/**
 * The fake API server itself, over raw HTTP: the documented list and watch behaviour the
 * discoverer (and vmagent, in the e2e test) rely on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { FakeKubeAPIServer } from './testing-fake-apiserver.js';
import { fieldMatcher, labelMatcher } from './testing-selectors.js';
import * as o from './testing-objects.js';

interface Event { type: string; object: { metadata: { name?: string; resourceVersion: string } } }

/** Opens a watch and collects its events until `n` arrived or the stream ends. */
function watchEvents(url: string, n: number, during?: () => void): Promise<{ status: number; events: Event[] }> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      const events: Event[] = [];
      let buf = '';
      const finish = (): void => { req.destroy(); resolve({ status: res.statusCode ?? 0, events }); };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0 && events.length < n) {
          events.push(JSON.parse(buf.slice(0, nl)) as Event);
          buf = buf.slice(nl + 1);
        }
        if (events.length >= n) finish();
      });
      res.on('end', finish);
      res.on('error', () => { finish(); });
      during?.();
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
  });
}

test('fake API server: list with selectors and pages; watch replay, selector transitions, bookmarks, expiry, timeout', async () => {
  const f = new FakeKubeAPIServer({ bookmarkIntervalMs: 20 });
  await f.up();
  try {
    f.apply('pods', o.pod({ name: 'a', ip: '10.0.0.1', labels: { app: 'web' } }));
    f.apply('pods', o.pod({ name: 'b', ip: '10.0.0.2', labels: { app: 'db' } }));
    f.apply('pods', o.pod({ ns: 'x', name: 'c', ip: '10.0.0.3', labels: { app: 'web' } }));
    const list = await (await fetch(`${f.url}/api/v1/pods?labelSelector=app%3Dweb&limit=1`)).json() as { kind: string; metadata: { resourceVersion: string; continue?: string }; items: { metadata: { name: string } }[] };
    assert.equal(list.kind, 'PodList');
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['a']);
    const page2 = await (await fetch(`${f.url}/api/v1/pods?labelSelector=app%3Dweb&limit=1&continue=${encodeURIComponent(list.metadata.continue!)}`)).json() as typeof list;
    assert.deepEqual(page2.items.map((i) => i.metadata.name), ['c']);
    assert.equal(page2.metadata.continue, undefined);
    const ns = await (await fetch(`${f.url}/api/v1/namespaces/x/pods`)).json() as typeof list;
    assert.deepEqual(ns.items.map((i) => i.metadata.name), ['c']);
    const bad = await fetch(`${f.url}/api/v1/pods?fieldSelector=spec.bogus%3D1`);
    assert.equal(bad.status, 400);

    const rv = list.metadata.resourceVersion;
    // From the list's version: a change of b into the selector is an ADDED, of a out of it a DELETED.
    const w = await watchEvents(`${f.url}/api/v1/pods?watch=1&labelSelector=app%3Dweb&resourceVersion=${rv}&allowWatchBookmarks=true`, 3, () => {
      f.apply('pods', o.pod({ name: 'b', ip: '10.0.0.2', labels: { app: 'web' } }));
      f.apply('pods', o.pod({ name: 'a', ip: '10.0.0.1', labels: { app: 'gone' } }));
    });
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`), ['ADDED b', 'DELETED a', 'BOOKMARK ']);
    assert.equal(w.events[2]!.object.metadata.resourceVersion, f.resourceVersion);

    // Without a version: synthetic ADDED events for what exists.
    const all = await watchEvents(`${f.url}/api/v1/pods?watch=true`, 3);
    assert.deepEqual(all.events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`), ['ADDED a', 'ADDED b', 'ADDED c']);

    f.compact();
    const expired = await watchEvents(`${f.url}/api/v1/pods?watch=1&resourceVersion=${rv}`, 1);
    assert.equal(expired.status, 200);
    assert.equal(expired.events[0]!.type, 'ERROR');
    assert.equal((expired.events[0]!.object as unknown as { code: number }).code, 410);

    const t0 = Date.now();
    const timed = await watchEvents(`${f.url}/api/v1/pods?watch=1&resourceVersion=${f.resourceVersion}&timeoutSeconds=1`, 1);
    assert.equal(timed.events.length, 0);
    assert.ok(Date.now() - t0 >= 900, 'the stream ends after timeoutSeconds');
  } finally {
    await f.down();
  }
});

test('selectors: label set-based and equality requirements, field selectors with escapes', () => {
  const obj = (labels: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ metadata: { name: 'n,1', namespace: 'ns', labels }, ...extra });
  const cases: [string, Record<string, string>, boolean][] = [
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'db' }, false],
    ['app!=web', {}, true],
    ['app in (web, db),tier', { app: 'db', tier: 'x' }, true],
    ['app notin (web)', {}, true],
    ['!canary', { canary: '1' }, false],
    ['size>3', { size: '5' }, true],
    ['size<3', { size: '5' }, false],
    ['', { any: 'x' }, true],
  ];
  for (const [sel, labels, want] of cases) assert.equal(labelMatcher(sel)(obj(labels)), want, sel);
  assert.equal(fieldMatcher('metadata.name=n\\,1,metadata.namespace!=other', 'pods')(obj({})), true);
  assert.equal(fieldMatcher('spec.nodeName=a', 'pods')(obj({}, { spec: { nodeName: 'a' } })), true);
  assert.equal(fieldMatcher('spec.unschedulable=false', 'nodes')(obj({})), true);
  assert.throws(() => fieldMatcher('spec.nodeName=a', 'services'), /field label not supported: spec.nodeName/);
  assert.throws(() => labelMatcher('a=(b'), /unable to parse requirement/);
});
