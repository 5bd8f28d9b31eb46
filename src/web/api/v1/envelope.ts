/**
 * The JSON envelope of the HTTP API, as Prometheus writes it:
 * `{"status":"success","data":...,"warnings":[...],"infos":[...]}` or
 * `{"status":"error","errorType":"bad_data","error":"..."}`, with the status code that
 * belongs to each error type.
 */
import type { ServerResponse } from 'node:http';
import { gzip, gzipSync, type ZlibOptions } from 'node:zlib';

export type ErrorType =
  | 'timeout'
  | 'canceled'
  | 'execution'
  | 'bad_data'
  | 'internal'
  | 'unavailable'
  | 'not_found'
  | 'not_acceptable';

const STATUS: Readonly<Record<ErrorType, number>> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  internal: 500,
  not_found: 404,
  not_acceptable: 406,
  // Prometheus gives `unavailable` no status of its own: the default, 500.
  unavailable: 500,
};

/** An error to be answered with Prometheus's error envelope. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly errorType: ErrorType;
  /** Data sent along with the error (Prometheus sends it for some errors). */
  readonly data: unknown;
  constructor(errorType: ErrorType, message: string, opts: { cause?: unknown; data?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.errorType = errorType;
    this.data = opts.data;
  }

  get status(): number {
    return STATUS[this.errorType];
  }
}

export interface ResponseOptions {
  warnings?: readonly string[];
  infos?: readonly string[];
  /** The request's Accept-Encoding, for gzip. */
  acceptEncoding?: string | undefined;
}

export function writeJSON(res: ServerResponse, status: number, body: unknown, acceptEncoding?: string): void {
  writeJSONText(res, status, JSON.stringify(body), acceptEncoding);
}

/**
 * gzip level 1: on query results about five times faster than zlib's default (6), for output
 * about an eighth larger (6.5 MB of matrix JSON: 48 ms and 2.1 MB against 244 ms and 1.9 MB).
 */
const GZIP_OPTIONS: ZlibOptions = { level: 1 };

/**
 * Bodies from this size on are compressed in libuv's thread pool: the event loop (scrapes,
 * other requests) goes on meanwhile, and a second core can do the work. Smaller ones are
 * compressed in place, where a round trip to the pool would cost more than it saves.
 */
const ASYNC_GZIP_MIN_LENGTH = 64 * 1024;

function acceptsGzip(acceptEncoding: string | undefined, length: number): boolean {
  return acceptEncoding !== undefined && length > 1024 && /\bgzip\b/.test(acceptEncoding);
}

/** Sends a JSON body gzipped: in place when small, in the thread pool from ASYNC_GZIP_MIN_LENGTH on. */
function sendGzipped(res: ServerResponse, status: number, body: string | Buffer): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' };
  const send = (z: Buffer): void => {
    headers['Content-Length'] = String(z.length);
    res.writeHead(status, headers);
    res.end(z);
  };
  if (body.length < ASYNC_GZIP_MIN_LENGTH) {
    send(gzipSync(body, GZIP_OPTIONS));
    return;
  }
  gzip(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, GZIP_OPTIONS, (err, z) => {
    if (res.destroyed) return;
    if (err !== null) res.destroy(err);
    else send(z);
  });
}

/**
 * Writes JSON text already serialized, gzipped when the client accepts it and it is over
 * 1 KiB. The response is complete when the compression is (large bodies: after this returns);
 * nothing else may be written to it.
 */
export function writeJSONText(res: ServerResponse, status: number, text: string, acceptEncoding?: string): void {
  if (acceptsGzip(acceptEncoding, text.length)) {
    sendGzipped(res, status, text);
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function respond(res: ServerResponse, data: unknown, opts: ResponseOptions = {}): void {
  const body: Record<string, unknown> = { status: 'success', data };
  if (opts.warnings !== undefined && opts.warnings.length > 0) body['warnings'] = opts.warnings;
  if (opts.infos !== undefined && opts.infos.length > 0) body['infos'] = opts.infos;
  writeJSON(res, 200, body, opts.acceptEncoding);
}

export function respondError(res: ServerResponse, err: ApiError, opts: ResponseOptions = {}): void {
  const body: Record<string, unknown> = { status: 'error', errorType: err.errorType, error: err.message };
  if (err.data !== undefined) body['data'] = err.data;
  if (opts.warnings !== undefined && opts.warnings.length > 0) body['warnings'] = opts.warnings;
  if (opts.infos !== undefined && opts.infos.length > 0) body['infos'] = opts.infos;
  writeJSON(res, err.status, body, opts.acceptEncoding);
}

/**
 * `respond` with `data` already serialized as JSON text, for results too large to build as
 * objects first (query results). Warnings and infos as in `respond`.
 */
export function respondRawData(res: ServerResponse, dataJSON: string, opts: ResponseOptions = {}): void {
  writeJSONText(res, 200, SUCCESS_PREFIX + dataJSON + annotationsSuffix(opts), opts.acceptEncoding);
}

const SUCCESS_PREFIX = '{"status":"success","data":';

/** What follows `data` in a success envelope: warnings and infos when there are any, and the closing brace. */
function annotationsSuffix(opts: ResponseOptions): string {
  let text = '';
  if (opts.warnings !== undefined && opts.warnings.length > 0) text += ',"warnings":' + JSON.stringify(opts.warnings);
  if (opts.infos !== undefined && opts.infos.length > 0) text += ',"infos":' + JSON.stringify(opts.infos);
  return text + '}';
}

/**
 * `respondRawData` with `data` as UTF-8 bytes (a JsonWriter's): without gzip the envelope and
 * the data go out in one write without being copied together. `data` must not change until
 * the response is finished.
 */
export function respondBytesData(res: ServerResponse, data: Buffer, opts: ResponseOptions = {}): void {
  const head = Buffer.from(SUCCESS_PREFIX, 'latin1');
  const tail = Buffer.from(annotationsSuffix(opts), 'utf8');
  const length = head.length + data.length + tail.length;
  if (acceptsGzip(opts.acceptEncoding, length)) {
    sendGzipped(res, 200, Buffer.concat([head, data, tail], length));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(length) });
  res.cork();
  res.write(head);
  res.write(data);
  res.end(tail);
  res.uncork();
}
