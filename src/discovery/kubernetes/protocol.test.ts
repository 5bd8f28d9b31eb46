/**
 * The list/watch protocol as Kubernetes SD speaks it against the fake API server: paged
 * lists, watches resumed from the last event or bookmark, relists on 410 Gone (as an ERROR
 * event, as a status, for an expired continue token), retries with the last targets kept
 * while the server fails or is down, and the failure count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeKubeAPIServer, type FakeAPIServerOptions, type RequestRecord } from './testing-fake-apiserver.js';
import { Harness } from './testing-harness.js';
import * as o from './testing-objects.js';

async function withFake(opts: FakeAPIServerOptions, fn: (f: FakeKubeAPIServer) => Promise<void>): Promise<void> {
  const f = new FakeKubeAPIServer(opts);
  await f.up();
  try {
    await fn(f);
  } finally {
    await f.down();
  }
}

const podRequests = (f: FakeKubeAPIServer, watch: boolean): RequestRecord[] => f.requests.filter((r) => r.path === '/api/v1/pods' && r.watch === watch);

function addPods(f: FakeKubeAPIServer, from: number, to: number): void {
  for (let i = from; i < to; i++) f.apply('pods', o.pod({ name: `p-${String(i).padStart(4, '0')}`, ip: `10.2.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
}

test('paged list of 1200 pods: limit=500 pages joined by continue tokens, then a watch from the list version', async () => {
  await withFake({ token: 'tok' }, async (f) => {
    addPods(f, 0, 1200);
    const h = new Harness(o.sdConfig(f.url, 'pod', { token: 'tok' })).start();
    try {
      await h.until(() => h.count() === 1200, '1200 targets');
      const lists = podRequests(f, false);
      assert.deepEqual(lists.map((r) => [r.query.get('limit'), r.query.has('continue')]), [['500', false], ['500', true], ['500', true]]);
      assert.ok(f.requests.every((r) => r.authorization === 'Bearer tok' && r.userAgent === 'watchfire-test'));
      await h.until(() => podRequests(f, true).length === 1, 'the watch');
      const w = podRequests(f, true)[0]!.query;
      assert.equal(w.get('watch'), '1');
      assert.equal(w.get('allowWatchBookmarks'), 'true');
      assert.equal(w.get('resourceVersion'), f.resourceVersion);
      const ts = Number(w.get('timeoutSeconds'));
      assert.ok(ts >= 300 && ts < 600, `timeoutSeconds ${ts}`);
      assert.equal(h.batches.length, 1, 'the initial list goes out as one batch');
    } finally {
      await h.stop();
    }
  });
});

test('an expired continue token falls back to one unpaged list', async () => {
  await withFake({}, async (f) => {
    addPods(f, 0, 700);
    f.onRequest = (r) => {
      if (r.query.has('continue')) {
        f.compact();
        f.onRequest = null;
      }
    };
    const h = new Harness(o.sdConfig(f.url, 'pod')).start();
    try {
      await h.until(() => h.count() === 700, '700 targets');
      assert.deepEqual(podRequests(f, false).map((r) => r.query.get('limit')), ['500', '500', null]);
    } finally {
      await h.stop();
    }
  });
});

test('watch disconnects resume from the last event or bookmark, without a relist', async () => {
  await withFake({ bookmarkIntervalMs: 30 }, async (f) => {
    addPods(f, 0, 3);
    const h = new Harness(o.sdConfig(f.url, 'pod')).start();
    try {
      await h.until(() => h.count() === 3 && f.activeWatches === 1, 'synced and watching');
      addPods(f, 3, 5);
      await h.until(() => h.count() === 5, 'watched pods');
      // Changes elsewhere move the cluster's version; the pod watch learns it from bookmarks.
      f.apply('services', o.service('default', 'unrelated'));
      const rv = f.resourceVersion;
      const sent = f.bookmarksSent;
      await h.until(() => f.bookmarksSent > sent, 'a bookmark with the new version');
      await new Promise((r) => setTimeout(r, 100));
      f.dropWatches();
      await h.until(() => podRequests(f, true).length === 2, 'a second watch');
      assert.equal(podRequests(f, true)[1]!.query.get('resourceVersion'), rv, 'resumed from the bookmark');
      f.remove('pods', 'default', 'p-0000');
      await h.until(() => h.count() === 4, 'a deletion after the resume');
      assert.equal(podRequests(f, false).length, 1, 'no relist');
      assert.equal(h.failures, 0, 'a dropped stream is not a failure');
    } finally {
      await h.stop();
    }
  });
});

for (const expiredAs of ['event', 'status'] as const) {
  test(`an expired resource version (${expiredAs === 'event' ? 'ERROR event' : 'HTTP 410'}) relists and catches up`, async () => {
    await withFake({ expiredAs }, async (f) => {
      addPods(f, 0, 10);
      const h = new Harness(o.sdConfig(f.url, 'pod')).start();
      try {
        await h.until(() => h.count() === 10 && f.activeWatches === 1, 'synced');
        await f.down();
        for (let i = 0; i < 10; i += 2) f.remove('pods', 'default', `p-${String(i).padStart(4, '0')}`);
        addPods(f, 10, 13);
        f.compact();
        await f.up();
        await h.until(() => h.count() === 8, 'the state after the relist');
        assert.equal(podRequests(f, false).length, 2, 'one relist');
        assert.ok(h.failures >= 1, 'the expiry counts as a failure');
        assert.deepEqual(h.view.get('pod/default/p-0000')!.targets, [], 'pods gone while the watch was down are deleted');
        assert.equal(h.events('pod', 'delete'), 5);
        assert.equal(h.events('pod', 'add'), 13);
        // Objects that were there before and after the relist count as updates, as in client-go.
        assert.equal(h.events('pod', 'update'), 5);
      } finally {
        await h.stop();
      }
    });
  });
}

test('a failing or unreachable API server: last targets kept, failures counted, recovery afterwards', async () => {
  await withFake({}, async (f) => {
    addPods(f, 0, 4);
    const h = new Harness(o.sdConfig(f.url, 'pod')).start();
    try {
      await h.until(() => h.count() === 4 && f.activeWatches === 1, 'synced');
      const before = h.targets();
      f.failWith(500);
      f.dropWatches();
      await h.until(() => h.failures >= 2, 'failures counted');
      assert.deepEqual(h.targets(), before, 'targets kept while the server fails');
      await f.down();
      const failed = h.failures;
      await h.until(() => h.failures > failed, 'connection failures counted');
      assert.ok(h.metrics.requests.labels('500').value >= 1, 'failed requests by status code');
      assert.ok(h.metrics.requests.labels('<error>').value >= 1, 'requests without a response');
      f.failWith(null);
      addPods(f, 4, 6);
      await f.up();
      await h.until(() => h.count() === 6, 'changes after recovery', 8000);
      assert.equal(podRequests(f, false).length, 1, 'resumed without a relist: the history still holds the version');
    } finally {
      await h.stop();
    }
  });
});

test('a server that rejects the credentials: nothing discovered, failures counted', async () => {
  await withFake({ token: 'right' }, async (f) => {
    addPods(f, 0, 2);
    const h = new Harness(o.sdConfig(f.url, 'pod', { token: 'wrong' })).start();
    try {
      await h.until(() => h.failures >= 2, 'failures');
      assert.equal(h.view.size, 0);
    } finally {
      await h.stop();
    }
  });
});
