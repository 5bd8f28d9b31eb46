/**
 * How Alertmanager's API v2 answers: models as JSON (with Go's escaping of `<`, `>` and `&`,
 * as encoding/json writes them), application errors as a JSON string followed by a newline,
 * request validation errors as go-swagger's `{"code":...,"message":...}`, and bodiless
 * successes without a content type.
 */
import type { ServerResponse } from 'node:http';

/** JSON.stringify with Go's HTML-safe escaping. */
export function goJSON(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function sendJSON(res: ServerResponse, body: string, status: number): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** A model (already serialised), followed by a newline as Go's JSON encoder writes it. */
export function sendModel(res: ServerResponse, body: string, status = 200): void {
  sendJSON(res, body + '\n', status);
}

/** An application error: the message as a JSON string and a newline (go-swagger's string payload). */
export function sendErrorString(res: ServerResponse, status: number, msg: string): void {
  sendJSON(res, JSON.stringify(msg) + '\n', status);
}

/** A request that go-swagger itself refuses (parsing, validation, routing): no newline. */
export function sendSwaggerError(res: ServerResponse, status: number, code: number, msg: string): void {
  sendJSON(res, JSON.stringify({ code, message: msg }), status);
}

/** A success or a 404 without a body. */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': '0' });
  res.end();
}

export function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}
