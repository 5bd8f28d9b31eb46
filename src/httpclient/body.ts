/**
 * Reading a response body under a size limit. The limit applies to the decoded bytes: a gzip
 * or deflate body is decoded as it streams in and reading stops as soon as the decoded size
 * passes the limit, so a small compressed "bomb" never inflates in memory. Nothing is ever
 * allocated from a declared Content-Length.
 */
import type { Readable } from 'node:stream';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import { HTTPClientError } from './errors.js';

export type ContentCoding = 'identity' | 'gzip' | 'deflate';

/** The coding we decode for a Content-Encoding header; anything unknown is passed through as is. */
export function contentCoding(header: string | undefined): ContentCoding {
  if (header === undefined) return 'identity';
  const h = header.trim().toLowerCase();
  if (h === 'gzip' || h === 'x-gzip') return 'gzip';
  if (h === 'deflate') return 'deflate';
  return 'identity';
}

function limitError(limit: number): HTTPClientError {
  return new HTTPClientError('body_limit', `response body exceeds the limit of ${limit} bytes`);
}

/**
 * Reads `src` to the end and returns the (decoded) bytes. `limit` is the largest acceptable
 * decoded size in bytes (Infinity for none): one byte more and `src` is destroyed and a
 * `body_limit` error thrown. Destroys `src` on any error.
 */
export async function readBody(src: Readable, coding: ContentCoding, limit: number): Promise<Buffer> {
  switch (coding) {
    case 'identity':
      return collect(src, src, limit);
    case 'gzip':
    case 'deflate': {
      const dec: Gunzip | Inflate = coding === 'gzip' ? createGunzip() : createInflate();
      src.on('error', (e: Error) => { dec.destroy(e); });
      src.pipe(dec);
      try {
        return await collect(dec, src, limit);
      } catch (e) {
        if (e instanceof HTTPClientError) throw e;
        const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
        if (code.startsWith('Z_')) {
          throw new HTTPClientError('body', `${coding}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
        throw e;
      } finally {
        src.unpipe(dec);
        dec.destroy();
      }
    }
  }
}

async function collect(stream: Readable, src: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const c of stream) {
      const chunk = c as Buffer;
      total += chunk.length;
      if (total > limit) throw limitError(limit);
      chunks.push(chunk);
    }
  } catch (e) {
    src.on('error', () => undefined);
    src.destroy();
    throw e;
  }
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks, total);
}

/**
 * Hands each (decoded) chunk of `src` to `onChunk` as it arrives, until the end. Destroys
 * `src` on any error, including one thrown by `onChunk`.
 */
export async function streamBody(src: Readable, coding: ContentCoding, onChunk: (chunk: Buffer) => void): Promise<void> {
  if (coding === 'identity') return pump(src, src, onChunk);
  const dec: Gunzip | Inflate = coding === 'gzip' ? createGunzip() : createInflate();
  src.on('error', (e: Error) => { dec.destroy(e); });
  src.pipe(dec);
  try {
    await pump(dec, src, onChunk);
  } catch (e) {
    if (e instanceof HTTPClientError) throw e;
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    if (code.startsWith('Z_')) throw new HTTPClientError('body', `${coding}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    throw e;
  } finally {
    src.unpipe(dec);
    dec.destroy();
  }
}

async function pump(stream: Readable, src: Readable, onChunk: (chunk: Buffer) => void): Promise<void> {
  try {
    for await (const c of stream) onChunk(c as Buffer);
  } catch (e) {
    src.on('error', () => undefined);
    src.destroy();
    throw e;
  }
}

/** Delivers a body to a sink chunk by chunk (each valid only during the call); resolves at its end. */
export type PushedBody = (sink: (chunk: Buffer) => void) => Promise<void>;

function zlibError(coding: ContentCoding, e: unknown): unknown {
  if (e instanceof HTTPClientError) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code.startsWith('Z_')) return new HTTPClientError('body', `${coding}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  return e;
}

/**
 * Decodes a pushed body into `out` (decoded chunks, each valid only during the call). A throw
 * from `out` stops the body (the exchange fails with that error).
 */
async function decodePushed(deliver: PushedBody, coding: ContentCoding, out: (chunk: Buffer) => void): Promise<void> {
  if (coding === 'identity') {
    await deliver(out);
    return;
  }
  const dec: Gunzip | Inflate = coding === 'gzip' ? createGunzip() : createInflate();
  let failed: Error | null = null;
  const done = new Promise<void>((resolve, reject) => {
    dec.on('data', (d: Buffer) => {
      if (failed !== null) return;
      try {
        out(d);
      } catch (e) {
        failed = e instanceof Error ? e : new Error(String(e));
        dec.destroy(failed);
      }
    });
    dec.on('end', resolve);
    dec.on('error', (e) => { failed ??= e; reject(failed); });
  });
  done.catch(() => undefined);
  try {
    // zlib works on the chunk later: it gets a copy, since the delivered one is reused.
    await deliver((c) => {
      if (failed !== null) throw failed;
      dec.write(Buffer.from(c));
    });
    dec.end();
    await done;
  } catch (e) {
    dec.destroy();
    throw zlibError(coding, failed ?? e);
  }
}

/** `readBody` for a pushed body: the decoded bytes, at most `limit` of them. */
export async function readPushed(deliver: PushedBody, coding: ContentCoding, limit: number): Promise<Buffer> {
  let buf = Buffer.allocUnsafe(16 * 1024);
  let len = 0;
  await decodePushed(deliver, coding, (c) => {
    const need = len + c.length;
    if (need > limit) throw limitError(limit);
    if (need > buf.length) {
      let cap = buf.length * 2;
      while (cap < need) cap *= 2;
      const nb = Buffer.allocUnsafe(cap);
      buf.copy(nb, 0, 0, len);
      buf = nb;
    }
    c.copy(buf, len);
    len = need;
  });
  return buf.subarray(0, len);
}

/** `streamBody` for a pushed body; chunks given to `onChunk` are only valid during the call. */
export function streamPushed(deliver: PushedBody, coding: ContentCoding, onChunk: (chunk: Buffer) => void): Promise<void> {
  return decodePushed(deliver, coding, onChunk);
}
