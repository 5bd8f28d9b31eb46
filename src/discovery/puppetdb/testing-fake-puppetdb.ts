/**
 * Test support: a fake PuppetDB on 127.0.0.1 (port 0) answering `POST /pdb/query/v4` (and
 * `GET ?query=`) with the resources a PQL query selects, as PuppetDB does: a JSON list with
 * `Content-Type: application/json; charset=utf-8`, or HTTP 400 with a plain-text message for
 * a query it cannot parse.
 *
 * The PQL understood is the part discovery configs use: `resources { <condition> }` where a
 * condition compares a field (`certname`, `type`, `title`, `exported`, `file`, `line`,
 * `environment`, `tag`, `parameters.<name>`) with a string, number or boolean using
 * `=`, `!=`, `~`, `!~`, `<`, `<=`, `>`, `>=`, combined with `and`, `or`, `!` and parentheses;
 * `tag = "x"` holds when any tag is "x". Not part of the component's API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../../testing/fake-http-server.js';

export interface FakeResource {
  certname: string;
  type: string;
  title: string;
  exported?: boolean;
  file?: string;
  line?: number;
  environment?: string;
  tags?: string[];
  parameters?: Record<string, unknown>;
}

type Lit = string | number | boolean;
type Cond =
  | { kind: 'and' | 'or'; a: Cond; b: Cond }
  | { kind: 'not'; c: Cond }
  | { kind: 'cmp'; field: string[]; op: string; value: Lit }
  | { kind: 'true' };

class PQLError extends Error {}

function tokenize(q: string): string[] {
  const re = /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|!=|!~|<=|>=|[=~<>!{}()[\]]|[A-Za-z_][A-Za-z0-9_:.-]*|-?[0-9]+(?:\.[0-9]+)?)/y;
  const out: string[] = [];
  let i = 0;
  while (i < q.length) {
    if (/^\s*$/.test(q.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(q);
    if (m === null) throw new PQLError(`PQL parse error at line 1, column ${i + 1}: unexpected input`);
    out.push(m[1]!);
    i = re.lastIndex;
  }
  return out;
}

function parsePQL(q: string): Cond {
  const t = tokenize(q);
  let i = 0;
  const peek = (): string | undefined => t[i];
  const expect = (s: string): void => {
    if (t[i] !== s) throw new PQLError(`PQL parse error: expected ${s}, found ${t[i] ?? 'end of query'}`);
    i++;
  };
  const literal = (): Lit => {
    const s = t[i++];
    if (s === undefined) throw new PQLError('PQL parse error: expected a value');
    if (s.startsWith('"') || s.startsWith("'")) return JSON.parse(`"${s.slice(1, -1).replace(/\\'/g, "'")}"`) as string;
    if (s === 'true' || s === 'false') return s === 'true';
    if (/^-?[0-9]/.test(s)) return Number(s);
    throw new PQLError(`PQL parse error: unexpected ${s}`);
  };
  const primary = (): Cond => {
    if (peek() === '(') { i++; const c = or(); expect(')'); return c; }
    if (peek() === '!') { i++; return { kind: 'not', c: primary() }; }
    const f = t[i++];
    if (f === undefined || !/^[A-Za-z_]/.test(f)) throw new PQLError(`PQL parse error: expected a field, found ${f ?? 'end of query'}`);
    const op = t[i++];
    if (op === undefined || !['=', '!=', '~', '!~', '<', '<=', '>', '>='].includes(op)) throw new PQLError(`PQL parse error: expected an operator after ${f}`);
    return { kind: 'cmp', field: f.split('.'), op, value: literal() };
  };
  const and = (): Cond => {
    let c = primary();
    while (peek() === 'and') { i++; c = { kind: 'and', a: c, b: primary() }; }
    return c;
  };
  const or = (): Cond => {
    let c = and();
    while (peek() === 'or') { i++; c = { kind: 'or', a: c, b: and() }; }
    return c;
  };
  expect('resources');
  if (peek() === '[') throw new PQLError('PQL parse error: projections are not supported by this fake');
  expect('{');
  const c: Cond = peek() === '}' ? { kind: 'true' } : or();
  expect('}');
  if (i !== t.length) throw new PQLError(`PQL parse error: unexpected ${t[i] ?? ''} after the query`);
  return c;
}

function fieldValues(r: FakeResource, f: string[]): unknown[] {
  switch (f[0]) {
    case 'tag': return r.tags ?? [];
    case 'parameters': {
      let v: unknown = r.parameters ?? {};
      for (const k of f.slice(1)) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
      return [v];
    }
    case 'certname': return [r.certname];
    case 'type': return [r.type];
    case 'title': return [r.title];
    case 'exported': return [r.exported ?? false];
    case 'file': return [r.file ?? null];
    case 'line': return [r.line ?? null];
    case 'environment': return [r.environment ?? 'production'];
    default: throw new PQLError(`'${f.join('.')}' is not a queryable object for resources`);
  }
}

function holds(c: Cond, r: FakeResource): boolean {
  switch (c.kind) {
    case 'true': return true;
    case 'and': return holds(c.a, r) && holds(c.b, r);
    case 'or': return holds(c.a, r) || holds(c.b, r);
    case 'not': return !holds(c.c, r);
    case 'cmp': return fieldValues(r, c.field).some((v) => {
      switch (c.op) {
        case '=': return v === c.value;
        case '!=': return v !== c.value;
        case '~': return typeof v === 'string' && new RegExp(String(c.value)).test(v);
        case '!~': return typeof v === 'string' && !new RegExp(String(c.value)).test(v);
        case '<': return typeof v === 'number' && v < Number(c.value);
        case '<=': return typeof v === 'number' && v <= Number(c.value);
        case '>': return typeof v === 'number' && v > Number(c.value);
        case '>=': return typeof v === 'number' && v >= Number(c.value);
        default: return false;
      }
    });
    default: { const never: never = c; return never; }
  }
}

/** PuppetDB's resource hash: a stable 40-hex id of type, title and certname. */
async function resourceHash(r: FakeResource): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha1').update(`${r.certname}\x00${r.type}\x00${r.title}`).digest('hex');
}

export class FakePuppetDB extends FakeHttpServer {
  readonly resources: FakeResource[] = [];
  readonly requests: { method: string; path: string; query: string; accept: string; contentType: string; userAgent: string }[] = [];
  #failure: number | null = null;

  get url(): string { return `http://127.0.0.1:${this.port}`; }


  /** Answers every query with this status (503, ...) until cleared with null. */
  failWith(status: number | null): void { this.#failure = status; }

  protected handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    void this.#answer(req, body, res);
  }

  async #answer(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    let query = url.searchParams.get('query') ?? '';
    if (req.method === 'POST') {
      try {
        query = (JSON.parse(body) as { query?: unknown }).query as string;
      } catch {
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Malformed JSON for body of POST request');
        return;
      }
    }
    this.requests.push({
      method: req.method ?? '', path: url.pathname, query, accept: req.headers.accept ?? '',
      contentType: req.headers['content-type'] ?? '', userAgent: req.headers['user-agent'] ?? '',
    });
    if (url.pathname !== '/pdb/query/v4') { res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found'); return; }
    if (this.#failure !== null) { res.writeHead(this.#failure, { 'Content-Type': 'text/plain' }).end('Service Unavailable'); return; }
    let cond: Cond;
    try {
      if (typeof query !== 'string' || query === '') throw new PQLError('Missing query');
      cond = parsePQL(query);
      const out: Record<string, unknown>[] = [];
      for (const r of this.resources) {
        if (!holds(cond, r)) continue;
        out.push({
          certname: r.certname, resource: await resourceHash(r), type: r.type, title: r.title, exported: r.exported ?? false,
          tags: r.tags ?? [], file: r.file ?? null, line: r.line ?? null, environment: r.environment ?? 'production', parameters: r.parameters ?? {},
        });
      }
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(out));
    } catch (e) {
      if (!(e instanceof PQLError)) throw e;
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end(e.message);
    }
  }
}
