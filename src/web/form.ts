/**
 * Request parameters as Go's `Request.FormValue` sees them: values from a form-encoded POST
 * body first, then the URL query. The body is read up to a limit and no further.
 */
import type { RequestContext } from './router.js';
import { ApiError } from './api/v1/envelope.js';

const DEFAULT_FORM_LIMIT = 10 << 20;

export class Form {
  constructor(private readonly body: URLSearchParams, private readonly query: URLSearchParams) {}

  /** The first value of a parameter, or '' (as Go's FormValue). */
  get(name: string): string {
    return this.body.get(name) ?? this.query.get(name) ?? '';
  }

  has(name: string): boolean {
    return this.body.has(name) || this.query.has(name);
  }

  /** All values of a parameter, body values first. */
  getAll(name: string): string[] {
    return [...this.body.getAll(name), ...this.query.getAll(name)];
  }
}

/** Reads body bytes up to `limit`; more than that is an error, and nothing beyond is buffered. */
export async function readBody(ctx: RequestContext, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of ctx.req) {
    const b = chunk as Buffer;
    n += b.length;
    if (n > limit) {
      ctx.req.destroy();
      throw new ApiError('bad_data', `request body too large: more than ${limit} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, n);
}

const forms = new WeakMap<RequestContext['req'], Promise<Form>>();

/** The merged form of a request (parsed once per request). */
export function form(ctx: RequestContext, limit = DEFAULT_FORM_LIMIT): Promise<Form> {
  let f = forms.get(ctx.req);
  if (f === undefined) {
    f = parseForm(ctx, limit);
    forms.set(ctx.req, f);
  }
  return f;
}

async function parseForm(ctx: RequestContext, limit: number): Promise<Form> {
  let body = new URLSearchParams();
  const ct = (ctx.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if ((ctx.method === 'POST' || ctx.method === 'PUT') && ct === 'application/x-www-form-urlencoded') {
    body = new URLSearchParams((await readBody(ctx, limit)).toString('utf8'));
  }
  return new Form(body, ctx.url.searchParams);
}
