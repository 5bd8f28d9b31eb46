/**
 * `POST /api/v1/write`: the remote-write 1.0/2.0 receiver. With the receiver disabled
 * (no `--web.enable-remote-write-receiver`) the route answers 404 with Prometheus's hint;
 * other methods get the router's 405. Headers are judged before the body is read; the body
 * is read up to the receiver's limit and no further (413, connection closed).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Buffer } from 'node:buffer';
import { textResponse, type RemoteWriteReceiver, type WriteResponse } from '../../../storage/remote/index.js';
import type { Router } from '../../router.js';

export const ERR_RECEIVER_DISABLED = 'remote write receiver needs to be enabled with --web.enable-remote-write-receiver';

function send(res: ServerResponse, r: WriteResponse): void {
  res.writeHead(r.status, r.headers);
  res.end(r.body === '' ? undefined : r.body);
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Reads the whole body, or stops at `limit` bytes and resolves null (the rest is left unread).
 * A declared Content-Length over the limit is refused without reading; a shorter one is not
 * trusted for anything (chunks are collected as they come).
 */
export function readBodyLimited(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(firstHeader(req, 'content-length') ?? NaN);
  if (declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (c: Buffer): void => {
      n += c.length;
      if (n > limit) {
        cleanup();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(c);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, n));
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('reading remote write request body: client disconnected'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * After answering an oversized request: reads and drops what the client is still sending, for
 * a little while and up to a bound, then closes. Closing at once would reset the connection
 * under a client that is still writing, and it might never read the answer (Go's server
 * lingers in the same way).
 */
function discardThenClose(req: IncomingMessage, limit: number): void {
  let dropped = 0;
  const timer = setTimeout(() => { req.destroy(); }, 500);
  timer.unref();
  req.on('data', (d: Buffer) => {
    dropped += d.length;
    if (dropped > 4 * limit) req.destroy();
  });
  req.once('close', () => { clearTimeout(timer); });
  req.resume();
}

/** Registers the route; `receiver` null means disabled. */
export function registerRemoteWrite(r: Router, receiver: RemoteWriteReceiver | null): void {
  r.post('/api/v1/write', async (c) => {
    if (receiver === null) {
      send(c.res, textResponse(404, ERR_RECEIVER_DISABLED));
      return;
    }
    const chk = receiver.checkHeaders(firstHeader(c.req, 'content-type'), firstHeader(c.req, 'content-encoding'));
    if ('response' in chk) {
      send(c.res, chk.response);
      return;
    }
    let body: Buffer | null;
    try {
      body = await readBodyLimited(c.req, receiver.maxBodyBytes);
    } catch (e) {
      if (c.signal.aborted || c.res.destroyed) return;
      send(c.res, textResponse(400, e instanceof Error ? e.message : String(e)));
      return;
    }
    if (body === null) {
      const tooLarge = receiver.bodyTooLarge();
      c.res.once('finish', () => { discardThenClose(c.req, receiver.maxBodyBytes); });
      send(c.res, { ...tooLarge, headers: { ...tooLarge.headers, Connection: 'close' } });
      return;
    }
    send(c.res, await receiver.write(chk.msg, body));
  });
}
