/**
 * The one place every HTTP request passes through: `Router.dispatch` resolves the route under
 * the route prefix, runs the request hooks (where authentication, authorization and the
 * audit log sit) and then the handler. Paths are matched exactly, with `:name` segments as
 * parameters and a trailing `*` for subtrees.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'HEAD';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request URL with the route prefix removed from its path. */
  url: URL;
  method: string;
  params: Record<string, string>;
  /** Aborted when the client goes away or the server stops. */
  signal: AbortSignal;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

/**
 * Runs before the handler of every route. Returning false means the hook has answered the
 * request itself (e.g. 401) and the handler must not run.
 */
export type RequestHook = (ctx: RequestContext, route: string) => Promise<boolean> | boolean;

interface Route {
  method: Method;
  pattern: string;
  segments: string[];
  handler: Handler;
  /** A HEAD route added for a GET route rather than registered itself. */
  implied: boolean;
  /** Position in registration order (the first matching route wins). */
  order: number;
}

/** A registered route as `Router.routes` lists it. */
export interface RouteInfo {
  method: Method;
  /** The path pattern, `:name` segments for parameters, e.g. `/api/v1/label/:name/values`. */
  pattern: string;
}

export class Router {
  readonly #routes: Route[] = [];
  /** Routes without parameters by path, in registration order: found without a scan. */
  readonly #static = new Map<string, Route[]>();
  /** Routes with `:name` or `*` segments, in registration order. */
  readonly #dynamic: Route[] = [];
  readonly #hooks: RequestHook[] = [];
  readonly #optionsUnder: Route[] = [];

  on(method: Method, pattern: string, handler: Handler): this {
    this.#add({ method, pattern, segments: pattern.split('/'), handler, implied: false, order: this.#routes.length });
    if (method === 'GET') this.#add({ method: 'HEAD', pattern, segments: pattern.split('/'), handler, implied: true, order: this.#routes.length });
    return this;
  }

  #add(r: Route): void {
    this.#routes.push(r);
    if (r.segments.some((x) => x === '*' || x.startsWith(':'))) {
      this.#dynamic.push(r);
      return;
    }
    const same = this.#static.get(r.pattern);
    if (same === undefined) this.#static.set(r.pattern, [r]);
    else same.push(r);
  }

  /**
   * The routes registered with `on` (and its shorthands), in registration order: neither the
   * HEAD twins of GET routes nor the `optionsUnder` catch-alls. A fresh array each call.
   */
  routes(): RouteInfo[] {
    const out: RouteInfo[] = [];
    for (const r of this.#routes) if (!r.implied) out.push({ method: r.method, pattern: r.pattern });
    return out;
  }

  get(pattern: string, h: Handler): this { return this.on('GET', pattern, h); }
  post(pattern: string, h: Handler): this { return this.on('POST', pattern, h); }
  put(pattern: string, h: Handler): this { return this.on('PUT', pattern, h); }
  del(pattern: string, h: Handler): this { return this.on('DELETE', pattern, h); }
  options(pattern: string, h: Handler): this { return this.on('OPTIONS', pattern, h); }

  /**
   * Answers OPTIONS on every path under `prefix` (ending in '/') that has no OPTIONS route of
   * its own, known path or not, as Prometheus's API does. Unlike an OPTIONS route on
   * `prefix*`, it does not turn other methods on unknown paths into 405s.
   */
  optionsUnder(prefix: string, h: Handler): this {
    this.#optionsUnder.push({ method: 'OPTIONS', pattern: prefix + '*', segments: [], handler: h, implied: false, order: -1 });
    return this;
  }

  /** Adds a hook run before every handler, in the order added. */
  use(hook: RequestHook): this {
    this.#hooks.push(hook);
    return this;
  }

  /** Finds the route for a method and path; `methodNotAllowed` when only other methods match. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'notFound' | 'methodNotAllowed' {
    let pathMatched = false;
    let best: Route | null = null;
    let bestParams: Record<string, string> = {};
    const same = this.#static.get(path);
    if (same !== undefined) {
      pathMatched = true;
      for (const r of same) {
        if (r.method === method) {
          best = r;
          break;
        }
      }
    }
    // A route with parameters registered before the static one still comes first.
    if (this.#dynamic.length > 0 && (best === null || this.#dynamic[0]!.order < best.order)) {
      const parts = path.split('/');
      for (const r of this.#dynamic) {
        if (best !== null && r.order > best.order) break;
        const params = matchSegments(r.segments, parts);
        if (params === null) continue;
        pathMatched = true;
        if (r.method === method) {
          best = r;
          bestParams = params;
          break;
        }
      }
    }
    if (best !== null) return { route: best, params: bestParams };
    if (method === 'OPTIONS') {
      for (const r of this.#optionsUnder) {
        if (path.startsWith(r.pattern.slice(0, -1))) return { route: r, params: {} };
      }
    }
    return pathMatched ? 'methodNotAllowed' : 'notFound';
  }

  /**
   * Runs the request through the hooks and its route; returns the route pattern ('' when none
   * matched). Sets `ctx.params` to the route's parameters (the context is used as given, so
   * that a lazily made signal stays lazy).
   */
  async dispatch(ctx: RequestContext, notFound: Handler): Promise<string> {
    const m = this.match(ctx.method, ctx.url.pathname);
    if (m === 'notFound') {
      ctx.params = {};
      await notFound(ctx);
      return '';
    }
    if (m === 'methodNotAllowed') {
      ctx.res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8' });
      ctx.res.end('Method Not Allowed\n');
      return '';
    }
    ctx.params = m.params;
    for (const hook of this.#hooks) {
      if (!(await hook(ctx, m.route.pattern))) return m.route.pattern;
    }
    await m.route.handler(ctx);
    return m.route.pattern;
  }
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | null {
  // Literal segments first: most routes fail on them, before any parameter is decoded.
  if (pattern[pattern.length - 1] !== '*' && parts.length !== pattern.length) return null;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p === '*') break;
    const v = parts[i];
    if (v === undefined) return null;
    if (!p.startsWith(':') && p !== v) return null;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p === '*') {
      params['*'] = parts.slice(i).join('/');
      return params;
    }
    const v = parts[i];
    if (v === undefined) return null;
    if (p.startsWith(':')) {
      if (v === '') return null;
      try {
        params[p.slice(1)] = decodeURIComponent(v);
      } catch {
        return null;
      }
    } else if (p !== v) {
      return null;
    }
  }
  return parts.length === pattern.length ? params : null;
}
