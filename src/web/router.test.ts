import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { nopLogger } from '../util/log.js';
import { Router, type Handler } from './router.js';
import { WebServer } from './server.js';

const h: Handler = () => undefined;

/** Routes in registration order: static and parameterised ones overlapping on purpose. */
function router(): Router {
  const r = new Router();
  r.get('/api/v1/label/:name/values', h);
  r.get('/api/v1/label/__name__/values', h); // after the parameterised route: never chosen
  r.get('/api/v1/query', h).post('/api/v1/query', h);
  r.get('/static/first', h);
  r.post('/static/:x', h); // after a static route of the same path: chosen only for POST
  r.get('/files/*', h);
  r.del('/api/v1/admin/tsdb/delete_series', h);
  r.optionsUnder('/api/', h);
  return r;
}

test('router: first registered match wins, static or not; 404 and 405 as before', () => {
  const r = router();
  // [method, path, pattern | 'notFound' | 'methodNotAllowed', params]
  const cases: [string, string, string, Record<string, string>][] = [
    ['GET', '/api/v1/query', '/api/v1/query', {}],
    ['POST', '/api/v1/query', '/api/v1/query', {}],
    ['HEAD', '/api/v1/query', '/api/v1/query', {}],
    ['PUT', '/api/v1/query', 'methodNotAllowed', {}],
    ['GET', '/api/v1/query/', 'notFound', {}],
    ['GET', '/api/v1/label/__name__/values', '/api/v1/label/:name/values', { name: '__name__' }],
    ['GET', '/api/v1/label/job/values', '/api/v1/label/:name/values', { name: 'job' }],
    ['GET', '/api/v1/label/a%2Fb/values', '/api/v1/label/:name/values', { name: 'a/b' }],
    ['GET', '/api/v1/label/%zz/values', 'notFound', {}],
    ['GET', '/api/v1/label//values', 'notFound', {}],
    ['POST', '/api/v1/label/job/values', 'methodNotAllowed', {}],
    ['GET', '/static/first', '/static/first', {}],
    ['POST', '/static/first', '/static/:x', { x: 'first' }],
    ['POST', '/static/other', '/static/:x', { x: 'other' }],
    ['GET', '/static/other', 'methodNotAllowed', {}],
    ['GET', '/files/a/b/c', '/files/*', { '*': 'a/b/c' }],
    ['GET', '/files', '/files/*', { '*': '' }],
    ['DELETE', '/api/v1/admin/tsdb/delete_series', '/api/v1/admin/tsdb/delete_series', {}],
    ['OPTIONS', '/api/v1/anything', '/api/*', {}],
    ['OPTIONS', '/other', 'notFound', {}],
    ['GET', '/nope', 'notFound', {}],
  ];
  for (const [method, path, want, params] of cases) {
    const m = r.match(method, path);
    if (typeof m === 'string') {
      assert.equal(m, want, `${method} ${path}`);
      continue;
    }
    assert.equal(m.route.pattern, want, `${method} ${path}`);
    assert.equal(m.route.method, method, `${method} ${path}`);
    assert.deepEqual(m.params, params, `${method} ${path}`);
  }
});

/** Sends a GET and destroys the connection once `arrived` (the handler runs). */
function getAndAbort(url: string, arrived: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, () => undefined);
    req.on('error', () => { resolve(); });
    req.on('close', () => { resolve(); });
    req.end();
    void arrived.then(() => { req.destroy(); });
  });
}

/** A promise and its resolver. */
function latch(): { done: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const done = new Promise<void>((resolve) => { open = resolve; });
  return { done, open };
}

test('request signal: made on demand, aborted when the client leaves before the answer, not after it', async () => {
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: '', readTimeoutMs: 5000, maxConnections: 10, logger: nopLogger });
  const seen: { route: string; aborted: boolean; reason: string }[] = [];
  const slow = latch(), late = latch();
  web.router.get('/answered', (c) => {
    c.res.end('ok');
    // Asked for after the answer: not aborted, and never later.
    const s = c.signal;
    setImmediate(() => { seen.push({ route: 'answered', aborted: s.aborted, reason: '' }); });
  });
  web.router.get('/slow', async (c) => {
    const s = c.signal;
    slow.open();
    await new Promise<void>((resolve) => {
      if (s.aborted) resolve();
      else s.addEventListener('abort', () => { resolve(); }, { once: true });
    });
    seen.push({ route: 'slow', aborted: s.aborted, reason: (s.reason as Error).message });
  });
  web.router.get('/late', async (c) => {
    late.open();
    // The client leaves before the signal is asked for.
    for (let i = 0; i < 1000 && !c.res.closed; i++) await new Promise((r) => setTimeout(r, 5));
    seen.push({ route: 'late', aborted: c.signal.aborted, reason: (c.signal.reason as Error).message });
  });
  const [addr] = await web.listen();
  web.setReady(true);
  try {
    const r = await fetch(`http://${addr!}/answered`);
    assert.equal(await r.text(), 'ok');
    await getAndAbort(`http://${addr!}/slow`, slow.done);
    await getAndAbort(`http://${addr!}/late`, late.done);
    const deadline = Date.now() + 5000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    seen.sort((a, b) => a.route.localeCompare(b.route));
    assert.deepEqual(seen, [
      { route: 'answered', aborted: false, reason: '' },
      { route: 'late', aborted: true, reason: 'client disconnected' },
      { route: 'slow', aborted: true, reason: 'client disconnected' },
    ]);
  } finally {
    await web.close();
  }
});

test('request signal: a request still running when the server stops is aborted, and only it', async () => {
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: '', readTimeoutMs: 5000, maxConnections: 10, logger: nopLogger });
  const running = latch();
  let reason = '';
  let finishedAborted: boolean | null = null;
  let finishedSignal: AbortSignal | null = null;
  web.router.get('/done', (c) => {
    finishedSignal = c.signal;
    c.res.end('ok');
  });
  web.router.get('/wait', async (c) => {
    const s = c.signal;
    running.open();
    await new Promise<void>((resolve) => { s.addEventListener('abort', () => { resolve(); }, { once: true }); });
    reason = (s.reason as Error).message;
    c.res.end();
  });
  const [addr] = await web.listen();
  web.setReady(true);
  const r = await fetch(`http://${addr!}/done`);
  assert.equal(await r.text(), 'ok');
  const pending = fetch(`http://${addr!}/wait`).then((x) => x.text()).catch(() => '');
  await running.done;
  await web.close();
  await pending;
  finishedAborted = (finishedSignal as AbortSignal | null)?.aborted ?? null;
  assert.equal(reason, 'server shutting down');
  assert.equal(finishedAborted, false, 'an answered request is not aborted by the stop');
});
