/**
 * Tests driven by the OpenAPI description (`openapi.yaml`):
 * - the description is well formed for the validator's subset, and the served copy is the
 *   file with its version and server URLs rewritten;
 * - every route the router of a complete server serves is described, and every described
 *   operation is served;
 * - every operation gets a good request against a running Watchfire with data, whose
 *   answer must have a documented status and match the documented schema (JSON) or media
 *   type, and, where the operation takes parameters, a bad request whose error envelope
 *   must match the schema documented for its status code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { launchServer } from '../../../cmd/server-launch.js';
import { eventually } from '../../../testing/peers.js';
import { snappyCompress, SnappyBuffer } from '../../../util/snappy.js';
import { startFixture, type Fixture } from '../../api-fixture.js';
import { readOpenAPISpec, renderOpenAPISpec } from './openapi.js';
import { SchemaValidator } from './openapi-validate.js';
import { encodeWriteRequest } from './test-remote-write.js';
import { operationCases, type Req } from './openapi-cases.js';

type Obj = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options'] as const;

interface Operation {
  id: string;
  method: string;
  /** The full path in the router's notation (`/api/v1/label/:name/values`). */
  route: string;
  op: Obj;
}

const spec = parse(readOpenAPISpec()) as Obj;
const validator = new SchemaValidator(spec);

function obj(v: unknown, what: string): Obj {
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `${what} is an object`);
  return v as Obj;
}

function serverURL(item: Obj): string {
  const servers = (item['servers'] ?? spec['servers']) as { url: string }[];
  return servers[0]!.url;
}

function operations(): Operation[] {
  const out: Operation[] = [];
  for (const [p, raw] of Object.entries(obj(spec['paths'], 'paths'))) {
    const item = obj(raw, p);
    const base = serverURL(item).replace(/\/$/, '');
    const route = (base + p).replace(/\{([^}]+)\}/g, ':$1');
    for (const m of METHODS) {
      if (item[m] === undefined) continue;
      const op = obj(item[m], `${p} ${m}`);
      out.push({ id: String(op['operationId']), method: m.toUpperCase(), route, op });
    }
  }
  return out;
}

/** Every schema in the document: components and the inline ones of parameters, bodies and responses. */
function allSchemas(): [string, unknown][] {
  const out: [string, unknown][] = [];
  const comps = obj(spec['components'], 'components');
  for (const [k, s] of Object.entries(obj(comps['schemas'], 'schemas'))) out.push([`schemas.${k}`, s]);
  for (const [k, p] of Object.entries(obj(comps['parameters'], 'parameters'))) out.push([`parameters.${k}`, obj(p, k)['schema']]);
  const content = (where: string, c: unknown): void => {
    if (c === undefined) return;
    for (const [mt, m] of Object.entries(obj(c, where))) out.push([`${where} ${mt}`, obj(m, mt)['schema']]);
  };
  for (const [k, r] of Object.entries(obj(comps['responses'], 'responses'))) content(`responses.${k}`, obj(r, k)['content']);
  for (const o of operations()) {
    for (const p of (o.op['parameters'] ?? []) as unknown[]) {
      const d = validator.deref(p);
      out.push([`${o.id} parameter ${String(d['name'])}`, d['schema']]);
    }
    const body = o.op['requestBody'];
    if (body !== undefined) content(`${o.id} requestBody`, validator.deref(body)['content']);
    for (const [code, r] of Object.entries(obj(o.op['responses'], `${o.id} responses`))) content(`${o.id} ${code}`, validator.deref(r)['content']);
  }
  return out;
}

test('the description is well formed', () => {
  assert.equal(spec['openapi'], '3.1.0');
  assert.deepEqual(spec['servers'], [{ url: '/api/v1' }]);
  const problems: string[] = [];
  for (const [where, s] of allSchemas()) {
    if (s === undefined) { problems.push(`${where}: no schema`); continue; }
    for (const p of validator.lint(s)) problems.push(`${where}: ${p}`);
  }
  const ids = new Set<string>();
  for (const o of operations()) {
    if (ids.has(o.id)) problems.push(`operationId ${o.id} is used twice`);
    ids.add(o.id);
    for (const code of Object.keys(obj(o.op['responses'], o.id))) if (!/^[1-5]\d\d$/.test(code)) problems.push(`${o.id}: response ${code} is not a status code`);
  }
  assert.deepEqual(problems, []);
});

test('the served description: version, OpenAPI version and route prefix rewritten', () => {
  const text = readOpenAPISpec();
  const plain = parse(renderOpenAPISpec(text, { version: '1.2.3', routePrefix: '', openAPIVersion: '3.1.0' })) as Obj;
  assert.deepEqual({ ...plain, info: { ...obj(plain['info'], 'info'), version: '0.0.0' } }, spec);
  assert.equal(obj(plain['info'], 'info')['version'], '1.2.3');
  const prefixed = parse(renderOpenAPISpec(text, { version: '1.2.3', routePrefix: '/wf', openAPIVersion: '3.2.0' })) as Obj;
  assert.equal(prefixed['openapi'], '3.2.0');
  assert.deepEqual(prefixed['servers'], [{ url: '/wf/api/v1' }]);
  const paths = obj(prefixed['paths'], 'paths');
  assert.deepEqual(obj(paths['/federate'], 'federate')['servers'], [{ url: '/wf/' }]);
  assert.equal(obj(paths['/query'], 'query')['servers'], undefined);
});

async function send(base: string, r: Req, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { ...r.headers };
  const init: RequestInit = { method: r.method ?? 'GET', headers, redirect: 'manual' };
  if (r.form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    init.body = r.form;
  }
  if (r.remoteWrite !== undefined) {
    headers['Content-Encoding'] ??= 'snappy';
    headers['Content-Type'] ??= 'application/x-protobuf';
    init.body = Buffer.from(snappyCompress(encodeWriteRequest(r.remoteWrite), new SnappyBuffer()));
  }
  if (signal !== undefined) init.signal = signal;
  return fetch(base + r.path, init);
}

/** The parameter names an operation declares (query parameters and form fields). */
function declaredNames(o: Operation): Set<string> {
  const names = new Set<string>();
  for (const p of (o.op['parameters'] ?? []) as unknown[]) names.add(String(validator.deref(p)['name']));
  const body = o.op['requestBody'];
  if (body !== undefined) {
    const form = obj(validator.deref(body)['content'], 'content')['application/x-www-form-urlencoded'];
    const addProps = (s: unknown): void => {
      const d = validator.deref(s);
      for (const k of Object.keys(d['properties'] ?? {})) names.add(k);
      for (const sub of (d['allOf'] ?? []) as unknown[]) addProps(sub);
    };
    if (form !== undefined) addProps(obj(form, 'form')['schema']);
  }
  return names;
}

/** Checks one answer against the operation's documented responses; returns what was checked. */
async function checkAnswer(o: Operation, r: Req, res: Response, problems: string[]): Promise<'json' | 'other'> {
  const where = `${o.id} ${r.method ?? 'GET'} ${r.path} (${r.form ?? ''})`;
  const documented = obj(o.op['responses'], 'responses')[String(res.status)];
  if (res.status !== r.expect) problems.push(`${where}: status ${res.status}, expected ${r.expect}: ${(await res.text()).slice(0, 300)}`);
  if (documented === undefined) {
    problems.push(`${where}: status ${res.status} is not documented`);
    return 'other';
  }
  const content = validator.deref(documented)['content'] as Obj | undefined;
  const ctype = res.headers.get('content-type') ?? '';
  if (r.stream === true) {
    if (content !== undefined && !Object.keys(content).some((mt) => ctype.startsWith(mt))) problems.push(`${where}: content type ${ctype} not documented`);
    return 'other';
  }
  const body = await res.text();
  if (content === undefined) {
    if (body !== '') problems.push(`${where}: body ${JSON.stringify(body.slice(0, 100))} where none is documented`);
    return 'other';
  }
  const json = content['application/json'];
  if (json !== undefined) {
    if (!ctype.startsWith('application/json')) { problems.push(`${where}: content type ${ctype}, documented application/json`); return 'other'; }
    const errs = validator.validate(obj(json, 'json')['schema'], JSON.parse(body) as unknown);
    for (const e of errs.slice(0, 5)) problems.push(`${where}: ${e}`);
    return 'json';
  }
  if (!Object.keys(content).some((mt) => ctype.startsWith(mt))) problems.push(`${where}: content type ${ctype}, documented ${Object.keys(content).join(', ')}`);
  return 'other';
}

async function runRequest(base: string, o: Operation, r: Req, problems: string[]): Promise<'json' | 'other'> {
  const declared = declaredNames(o);
  const [path, query] = r.path.split('?') as [string, string | undefined];
  const re = new RegExp('^' + o.route.replace(/:[^/]+/g, '[^/]+') + '$');
  if (!re.test(path)) problems.push(`${o.id}: request path ${path} is not the operation's ${o.route}`);
  for (const src of [query ?? '', r.form ?? '']) {
    for (const name of new URLSearchParams(src).keys()) if (!declared.has(name)) problems.push(`${o.id}: parameter ${name} is not documented`);
  }
  if (r.stream === true) {
    const ac = new AbortController();
    const res = await send(base, r, ac.signal);
    const kind = await checkAnswer(o, r, res, problems);
    ac.abort();
    await res.body?.cancel().catch(() => undefined);
    return kind;
  }
  return checkAnswer(o, r, await send(base, r), problems);
}

test('every served route is described, every operation answers as described', { timeout: 120_000 }, async (t) => {
  const fx: Fixture = await startFixture(['--enable-feature=search-api']);
  const spare = mkdtempSync(join(tmpdir(), 'wf-openapi-'));
  try {
    // (a) Coverage, from the router of the running server.
    const routes = fx.server.routes?.() ?? [];
    assert.ok(routes.length > 40, `the server lists its routes (${routes.length})`);
    const served = new Set(routes.map((r) => `${r.method} ${r.pattern}`));
    const ops = operations();
    const described = new Set(ops.map((o) => `${o.method} ${o.route}`));
    assert.deepEqual([...served].filter((k) => !described.has(k)).sort(), [], 'served routes missing from the description');
    assert.deepEqual([...described].filter((k) => !served.has(k)).sort(), [], 'described operations the server does not serve');
    // The user documentation names every path too (`:name` written `<name>`).
    const docsDir = new URL('../../../../docs/', import.meta.url);
    const docs = readdirSync(docsDir).filter((f) => f.endsWith('.md')).map((f) => readFileSync(new URL(f, docsDir), 'utf8')).join('\n');
    const undocumented = [...new Set(routes.map((r) => r.pattern.replace(/:([A-Za-z_]+)/g, '<$1>')))]
      .filter((p) => !docs.includes('`' + p) && !docs.includes(' ' + p + '`') && !docs.includes('`' + p.replace(/\/\*$/, '')));
    assert.deepEqual(undocumented.sort(), [], 'served paths that docs/*.md does not name');

    // The description as served.
    const res = await fetch(`${fx.base}/api/v1/openapi.yaml`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/yaml; charset=utf-8');
    const served31 = parse(await res.text()) as Obj;
    assert.deepEqual(served31['paths'], spec['paths']);
    const v32 = parse(await (await fetch(`${fx.base}/api/v1/openapi.yaml?openapi_version=3.2`)).text()) as Obj;
    assert.equal(v32['openapi'], '3.2.0');

    // (b) Good and bad requests per operation; quitting comes last.
    const cases = operationCases(fx);
    assert.deepEqual(ops.map((o) => o.id).filter((id) => cases[id] === undefined), [], 'operations without test requests');
    assert.deepEqual(Object.keys(cases).filter((id) => !ops.some((o) => o.id === id)), [], 'test requests for unknown operations');
    const problems: string[] = [];
    let goodJSON = 0, goodOther = 0, bad = 0;
    const noBad: string[] = [];
    const order = [...ops].sort((a, b) => Number(a.id.startsWith('quit-')) - Number(b.id.startsWith('quit-')));
    for (const o of order) {
      const c = cases[o.id]!;
      const base = o.id === 'quit-post' ? await spareServer(spare) : fx.base;
      let kind: 'json' | 'other' = 'other';
      for (const r of c.good) if ((await runRequest(base, o, r, problems)) === 'json') kind = 'json';
      if (kind === 'json') goodJSON++;
      else goodOther++;
      if (c.bad.length === 0) noBad.push(o.id);
      else bad++;
      for (const r of c.bad) {
        const k = await runRequest(base, o, r, problems);
        if (k !== 'json' && obj(o.op['responses'], 'responses')[String(r.expect)] !== undefined && hasJSON(o, r.expect)) problems.push(`${o.id}: bad request ${r.path} did not answer JSON`);
      }
    }
    const stopped = await Promise.race([fx.server.done.then(() => true), new Promise<false>((r) => { setTimeout(r, 15000, false).unref(); })]);
    assert.ok(stopped, 'the server stopped after /-/quit');
    t.diagnostic(`routes served ${served.size}, operations described ${described.size}; good answers validated: ${goodJSON} JSON schemas + ${goodOther} status/media type; bad requests validated: ${bad} operations (${noBad.length} take no parameters: ${noBad.join(', ')})`);
    assert.deepEqual(problems, []);
  } finally {
    await fx.close();
    rmSync(spare, { recursive: true, force: true });
  }
});

function hasJSON(o: Operation, status: number): boolean {
  const r = obj(o.op['responses'], 'responses')[String(status)];
  const content = validator.deref(r)['content'] as Obj | undefined;
  return content?.['application/json'] !== undefined;
}

/** A second, bare server for the one request that stops the first kind of quit. */
async function spareServer(dir: string): Promise<string> {
  writeFileSync(join(dir, 'empty.yml'), 'global: {}\n');
  const h = await launchServer(['--web.listen-address=127.0.0.1:0', `--storage.tsdb.path=${join(dir, 'data')}`, '--web.enable-lifecycle', '--log.level=error', `--config.file=${join(dir, 'empty.yml')}`]);
  if (typeof h === 'number') throw new Error(`starting the spare server: exit ${h}`);
  const base = `http://${h.addresses[0]!}`;
  await eventually(async () => ((await fetch(`${base}/-/ready`)).status === 200 ? true : undefined), 20000, 'spare server ready');
  void h.done;
  return base;
}
