/**
 * One HTTP/1.1 client connection over plain TCP: writes a request, parses the response head
 * and hands the body out as it arrives, then goes back to its pool when the response allows
 * keep-alive. It does what a scrape needs and nothing more: no pipelining, no upgrades, no
 * request bodies. Undici does the same job in general, but costs several hundred microseconds
 * of CPU per request in streams, a WebAssembly parser and per-request objects; a server that
 * scrapes hundreds of targets a second pays that many times over.
 *
 * Reads go into one buffer shared by every connection (`onread`), so a chunk handed to a body
 * sink is only valid during that call: sinks copy what they keep.
 *
 * The head is parsed as Go's client parses it (h1-head.ts), 1xx responses skipped; chunked
 * bodies go through h1-chunked.ts.
 */
import { connect, type Socket } from 'node:net';
import type { Cancel } from './cancel.js';
import { HTTPClientError } from './errors.js';
import { ChunkedDecoder } from './h1-chunked.js';
import { Framing, parseResponseHead } from './h1-head.js';

/** Largest response head accepted (Go's default `MaxResponseHeaderBytes`). */
export const MAX_HEAD_BYTES = 1 << 20;
const READ_BUFFER_BYTES = 64 * 1024;

let sharedReadBuffer: Buffer | null = null;

/**
 * Buffers for body bytes read before the caller takes the body. A connection holds one only
 * for the few microtasks between its response head and the caller's `body()`/`discard()`, so
 * a handful serve every connection; a fresh copy per response was most of the transport's
 * cost (64 KiB zero-filled, copied and collected per scrape).
 */
const stashPool: Buffer[] = [];

function takeStash(need: number): Buffer {
  const b = stashPool.pop();
  if (b !== undefined && b.length >= need) return b;
  return Buffer.allocUnsafe(Math.max(need, READ_BUFFER_BYTES));
}

function giveStash(b: Buffer): void {
  if (stashPool.length < 8 && b.length <= 4 * READ_BUFFER_BYTES) stashPool.push(b);
}

export interface H1Head {
  readonly status: number;
  readonly statusText: string;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
}

/** Receives body bytes; the chunk is only valid during the call. A throw aborts the exchange. */
export type ChunkSink = (chunk: Buffer) => void;

const enum Phase { Idle, Head, Held, Body }

const CR = 13, LF = 10;

/** The response of one exchange, after its head. Exactly one of `body` or `discard` is called. */
export interface H1Response extends H1Head {
  /** Delivers the body to `sink` and resolves at its end; the connection is then reused or closed. */
  readonly body: (sink: ChunkSink) => Promise<void>;
  /** Drops the body: the connection is reused if the body is already complete, closed otherwise. */
  readonly discard: () => void;
}

export interface H1ConnectionOwner {
  /** The connection finished an exchange and may serve another. */
  release(c: H1Connection): void;
  /** The connection closed (or was closed); forget it. */
  closed(c: H1Connection): void;
}

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export class H1Connection {
  readonly key: string;
  /** Completed exchanges; a connection that served one before may find its server gone. */
  served = 0;
  /** When it last became idle (ms since epoch), for the pool's idle timeout. */
  idleSince = 0;
  readonly #socket: Socket;
  readonly #owner: H1ConnectionOwner;
  #closed = false;
  #phase = Phase.Idle;
  /** Bytes of the current response seen so far (0: the server never answered). */
  #gotBytes = 0;
  #isHead = false;
  #head: Buffer | null = null;
  #headLen = 0;
  /** Bytes (CR aside) of the head line being read; 0 right after a line end. */
  #lineLen = 1;
  /** The server ended the connection while the body was held. */
  #ended = false;
  /** Why the exchange in progress failed (for a body attached after the failure). */
  #lastErr: Error | null = null;
  #mode = Framing.None;
  #remaining = 0;
  readonly #chunked = new ChunkedDecoder();
  #keepAlive = true;
  /** Body bytes read before the body was taken: #stash[0, #stashLen). */
  #stash: Buffer | null = null;
  #stashLen = 0;
  #sink: ChunkSink | null = null;
  #onHead: ((r: H1Response) => void) | null = null;
  #pending: Pending | null = null;
  #cancel: Cancel | null = null;
  readonly #onAbort = (): void => { this.#fail(new Error('request aborted')); };

  constructor(host: string, port: number, key: string, owner: H1ConnectionOwner) {
    this.key = key;
    this.#owner = owner;
    sharedReadBuffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES);
    this.#socket = connect({
      host, port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 30_000,
      // Never pauses (returning false would stop reading below the stream layer).
      onread: { buffer: sharedReadBuffer, callback: (n: number, buf: Uint8Array): boolean => { this.#onRead(n, buf as Buffer); return true; } },
    });
    this.#socket.on('error', (e) => { this.#fail(e); });
    this.#socket.on('end', () => { this.#onEnd(); });
    this.#socket.on('close', () => { this.#onClose(); });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether the current (failed) exchange received nothing: a reused connection may be retried. */
  get answered(): boolean {
    return this.#gotBytes > 0;
  }

  /** Closes the connection; an exchange in progress fails. */
  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#fail(new HTTPClientError('connect', 'EOF'));
    this.#owner.closed(this);
  }

  /**
   * Sends `request` (a complete request head, no body) and resolves with the response head.
   * Rejects with the socket's error, an `HTTPClientError`, or, when `cancel` aborts, a plain Error.
   */
  exchange(request: string | Buffer, isHead: boolean, cancel: Cancel): Promise<H1Response> {
    if (this.#closed || this.#phase !== Phase.Idle) return Promise.reject(new HTTPClientError('connect', 'EOF'));
    this.#phase = Phase.Head;
    this.#gotBytes = 0;
    this.#isHead = isHead;
    this.#headLen = 0;
    this.#lineLen = 1;
    this.#ended = false;
    this.#lastErr = null;
    this.#keepAlive = true;
    this.#cancel = cancel;
    cancel.setOnAbort(this.#onAbort);
    this.#socket.ref();
    const p = new Promise<H1Response>((resolve, reject) => {
      this.#onHead = resolve;
      this.#pending = { resolve: () => undefined, reject };
    });
    if (cancel.aborted) {
      this.#onAbort();
    } else {
      this.#socket.write(request);
    }
    return p;
  }

  #onRead(n: number, buf: Buffer): void {
    this.#gotBytes += n;
    try {
      this.#consume(buf, 0, n);
    } catch (e) {
      this.#fail(e);
    }
  }

  /** Processes buf[off, end). */
  #consume(buf: Buffer, off: number, end: number): void {
    while (off < end) {
      switch (this.#phase) {
        case Phase.Idle:
          // Bytes nobody asked for: the connection is out of step; never reuse it.
          throw new HTTPClientError('connect', `unsolicited response received on idle HTTP channel starting with ${JSON.stringify(buf.toString('latin1', off, Math.min(end, off + 40)))}`);
        case Phase.Head:
          off = this.#consumeHead(buf, off, end);
          break;
        case Phase.Held:
          // Between the head and the caller taking the body (microtasks later, so normally
          // only the rest of the read that completed the head).
          this.#addStash(buf, off, end);
          return;
        case Phase.Body:
          off = this.#consumeBody(buf, off, end);
          break;
      }
    }
  }

  #addStash(buf: Buffer, off: number, end: number): void {
    const need = this.#stashLen + end - off;
    let st = this.#stash;
    if (st === null || st.length < need) {
      const nb = takeStash(need);
      if (st !== null) {
        st.copy(nb, 0, 0, this.#stashLen);
        giveStash(st);
      }
      st = this.#stash = nb;
    }
    buf.copy(st, this.#stashLen, off, end);
    this.#stashLen = need;
  }

  #dropStash(): void {
    if (this.#stash !== null) giveStash(this.#stash);
    this.#stash = null;
    this.#stashLen = 0;
  }

  /** Appends head bytes up to the empty line; parses the head when it is complete. */
  #consumeHead(buf: Buffer, off: number, end: number): number {
    // A line ends at LF (a CR before it is not counted): an empty line ends the head.
    let lineLen = this.#lineLen;
    let found = -1;
    for (let i = off; i < end; i++) {
      const c = buf[i]!;
      if (c === LF) {
        if (lineLen === 0) { found = i + 1; break; }
        lineLen = 0;
      } else if (c !== CR) {
        lineLen++;
      }
    }
    this.#lineLen = lineLen;
    const take = (found < 0 ? end : found) - off;
    if (this.#headLen + take > MAX_HEAD_BYTES) throw new HTTPClientError('other', `net/http: server response headers exceeded ${MAX_HEAD_BYTES} bytes; aborted`);
    let h = this.#head;
    if (h === null || h.length < this.#headLen + take) {
      const nh = Buffer.allocUnsafe(Math.max(4096, (this.#headLen + take) * 2));
      if (h !== null) h.copy(nh, 0, 0, this.#headLen);
      h = this.#head = nh;
    }
    buf.copy(h, this.#headLen, off, off + take);
    this.#headLen += take;
    if (found < 0) return end;
    const text = h.toString('latin1', 0, this.#headLen);
    this.#headLen = 0;
    this.#lineLen = 1;
    if (h.length > 64 * 1024) this.#head = null;
    this.#parseHead(text);
    return found;
  }

  /** Head errors read as Go's transport words a response it cannot read. */
  #parseHead(text: string): void {
    try {
      this.#parseHeadText(text);
    } catch (e) {
      if (e instanceof HTTPClientError) throw new HTTPClientError(e.kind, `net/http: HTTP/1.x transport connection broken: ${e.message}`);
      throw e;
    }
  }

  #parseHeadText(text: string): void {
    const h = parseResponseHead(text, this.#isHead);
    if (h.informational) return; // the real response follows
    this.#keepAlive = h.keepAlive;
    this.#mode = h.framing;
    this.#remaining = h.length;
    if (h.framing === Framing.Chunked) this.#chunked.reset();
    this.#phase = Phase.Held;
    const onHead = this.#onHead!;
    this.#onHead = null;
    onHead({
      status: h.status, statusText: h.statusText, headers: h.headers,
      body: (sink) => this.#attach(sink),
      discard: () => { this.#discard(); },
    });
  }

  #attach(sink: ChunkSink): Promise<void> {
    if (this.#phase !== Phase.Held) return Promise.reject(this.#lastErr ?? new HTTPClientError('body', 'response body already read'));
    const pending = this.#pending!;
    const p = new Promise<void>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    this.#sink = sink;
    this.#phase = Phase.Body;
    if (this.#mode === Framing.None) {
      this.#finish();
      return p;
    }
    const stash = this.#stash, len = this.#stashLen;
    this.#stash = null;
    this.#stashLen = 0;
    try {
      if (stash !== null) this.#consume(stash, 0, len);
    } catch (e) {
      this.#fail(e);
      return p;
    } finally {
      if (stash !== null) giveStash(stash);
    }
    // The server closed before the body was complete.
    if (this.#phase === Phase.Body && (this.#ended || this.#closed)) this.#fail(new HTTPClientError('body', 'unexpected EOF'));
    return p;
  }

  #discard(): void {
    if (this.#phase !== Phase.Held) return;
    // A body already complete in what was read leaves the connection reusable.
    let complete = this.#mode === Framing.None;
    if (!complete && this.#mode === Framing.Length && this.#stashLen === this.#remaining) complete = true;
    if (!complete) {
      this.destroy();
      return;
    }
    this.#dropStash();
    this.#pending = { resolve: () => undefined, reject: () => undefined };
    this.#phase = Phase.Body;
    this.#finish();
  }

  /** Delivers body bytes; returns the offset after what belongs to this response. */
  #consumeBody(buf: Buffer, off: number, end: number): number {
    switch (this.#mode) {
      case Framing.None:
        this.#finish();
        return off;
      case Framing.Close:
        this.#sink!(buf.subarray(off, end));
        return end;
      case Framing.Length: {
        const n = Math.min(end - off, this.#remaining);
        this.#sink!(buf.subarray(off, off + n));
        this.#remaining -= n;
        if (this.#remaining === 0) this.#finish();
        return off + n;
      }
      case Framing.Chunked:
        return this.#consumeChunked(buf, off, end);
    }
  }

  #consumeChunked(buf: Buffer, off: number, end: number): number {
    // A step at a time: a sink may end the exchange (abort) between pieces of data.
    while (off < end && this.#phase === Phase.Body) {
      off = this.#chunked.step(buf, off, end, this.#sink!);
      if (this.#chunked.done) { this.#finish(); break; }
    }
    return off;
  }

  /** The response ended: settle, then go back to the pool or close. */
  #finish(): void {
    const p = this.#pending;
    this.#reset();
    this.served++;
    if (this.#keepAlive && !this.#closed) {
      this.idleSince = Date.now();
      this.#socket.unref();
      this.#owner.release(this);
    } else {
      this.destroy();
    }
    p?.resolve();
  }

  #reset(): void {
    this.#phase = Phase.Idle;
    this.#pending = null;
    this.#onHead = null;
    this.#sink = null;
    this.#dropStash();
    this.#cancel?.clearOnAbort(this.#onAbort);
    this.#cancel = null;
  }

  #fail(cause: unknown): void {
    const e = asError(cause);
    const p = this.#pending;
    if (this.#phase !== Phase.Idle) this.#lastErr = e;
    const wasBusy = this.#phase !== Phase.Idle;
    this.#reset();
    if (!this.#closed) {
      this.#closed = true;
      this.#socket.destroy();
      this.#owner.closed(this);
    }
    if (wasBusy) p?.reject(e);
  }

  #onEnd(): void {
    if (this.#phase === Phase.Held) {
      // What is left of the body is in the stash; attaching delivers (or fails) it.
      this.#ended = true;
      this.#keepAlive = false;
      if (this.#mode === Framing.Close) {
        this.#remaining = this.#stashLen;
        this.#mode = this.#remaining === 0 ? Framing.None : Framing.Length;
      }
      return;
    }
    if (this.#phase === Phase.Body && this.#mode === Framing.Close) {
      this.#keepAlive = false;
      this.#finish();
      return;
    }
    this.#fail(new HTTPClientError(this.#gotBytes === 0 ? 'connect' : 'body', this.#gotBytes === 0 ? 'EOF' : 'unexpected EOF'));
  }

  #onClose(): void {
    if (this.#phase === Phase.Held) {
      this.#ended = true;
      this.#keepAlive = false;
      return;
    }
    this.#fail(new HTTPClientError(this.#gotBytes === 0 ? 'connect' : 'body', this.#gotBytes === 0 ? 'EOF' : 'unexpected EOF'));
  }
}
