/**
 * The shape of an API route: a function from the request (and its merged form) to a result,
 * answered with Prometheus's envelope. Routes throw `ApiError` for failures; anything else
 * thrown is an `internal` error. A result without data answers 204, as Prometheus's API does
 * for the admin routes and for exemplar queries without selectors.
 */
import type { Handler, RequestContext } from '../../router.js';
import { form, type Form } from '../../form.js';
import { queryError } from '../../federate.js';
import { ApiError, respond, respondBytesData, respondError, respondRawData } from './envelope.js';

export type ApiResult =
  /** `data` serialized with JSON.stringify. */
  | { kind: 'data'; data: unknown; warnings?: readonly string[]; infos?: readonly string[] }
  /** `data` already serialized (large query results). */
  | { kind: 'raw'; json: string; warnings?: readonly string[]; infos?: readonly string[] }
  /** `data` already serialized as UTF-8 bytes (query results, written by a JsonWriter). */
  | { kind: 'bytes'; data: Buffer; warnings?: readonly string[]; infos?: readonly string[] }
  | { kind: 'noContent' };

export type ApiFunc = (c: RequestContext, f: Form) => Promise<ApiResult> | ApiResult;

export function data(d: unknown, warnings?: readonly string[]): ApiResult {
  return warnings === undefined ? { kind: 'data', data: d } : { kind: 'data', data: d, warnings };
}

export const NO_CONTENT: ApiResult = { kind: 'noContent' };

/** The most warnings and infos an answer lists; the rest are counted in one closing line, as Prometheus does. */
const MAX_ANNOTATIONS = 10;

/** Caps annotations at ten per level, as Prometheus's API does. */
export function capAnnotations(list: readonly string[], level: 'warning' | 'info'): string[] {
  if (list.length <= MAX_ANNOTATIONS) return [...list];
  const out = list.slice(0, MAX_ANNOTATIONS);
  out.push(`${list.length - MAX_ANNOTATIONS} more ${level} annotations omitted`);
  return out;
}

/**
 * The form of a request, or a bad_data error for query strings Go refuses
 * (`error parsing form values: ...`), as Prometheus's routes that parse the form explicitly
 * answer. Routes that only read single values (Go's FormValue ignores parse errors) use `form`.
 */
export async function strictForm(c: RequestContext): Promise<Form> {
  const bad = queryError(c.url.search.slice(1));
  if (bad !== null) throw new ApiError('bad_data', `error parsing form values: ${bad}`);
  return form(c);
}

/** Error types whose status Prometheus does not map (they answer 500), unlike the envelope's table. */
/** The storage's error while it opens (Prometheus's tsdb.ErrNotReady). */
const TSDB_NOT_READY = 'TSDB not ready';

function isNotReady(e: unknown): boolean {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    if (c.message === TSDB_NOT_READY) return true;
  }
  return false;
}

/**
 * An error as answered: a storage that is not ready yet turns any error type into
 * `unavailable`, as Prometheus's API does (with its default status, 500).
 */
export function answeredError(e: unknown): ApiError {
  const err = e instanceof ApiError ? e : new ApiError('internal', e instanceof Error ? e.message : String(e), { cause: e });
  if (isNotReady(e)) return new ApiError('unavailable', err.message, { cause: e });
  return err;
}

/** Adapts an ApiFunc to a router handler. */
export function apiHandler(fn: ApiFunc): Handler {
  return async (c) => {
    const enc = c.req.headers['accept-encoding'];
    let r: ApiResult;
    try {
      r = await fn(c, await form(c));
    } catch (e) {
      if (c.res.headersSent) return;
      respondError(c.res, answeredError(e), { acceptEncoding: enc });
      return;
    }
    if (c.res.headersSent) return;
    switch (r.kind) {
      case 'data': {
        const opts = { acceptEncoding: enc, warnings: capAnnotations(r.warnings ?? [], 'warning'), infos: capAnnotations(r.infos ?? [], 'info') };
        respond(c.res, r.data, opts);
        return;
      }
      case 'raw': {
        const opts = { acceptEncoding: enc, warnings: capAnnotations(r.warnings ?? [], 'warning'), infos: capAnnotations(r.infos ?? [], 'info') };
        respondRawData(c.res, r.json, opts);
        return;
      }
      case 'bytes': {
        const opts = { acceptEncoding: enc, warnings: capAnnotations(r.warnings ?? [], 'warning'), infos: capAnnotations(r.infos ?? [], 'info') };
        respondBytesData(c.res, r.data, opts);
        return;
      }
      case 'noContent':
        c.res.writeHead(204);
        c.res.end();
        return;
    }
  };
}
