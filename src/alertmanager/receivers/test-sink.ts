/**
 * Test helpers: an HTTP sink on 127.0.0.1 that records requests and answers as the vendors
 * (and the capture sink of the reference payloads) do — optionally also as an HTTP CONNECT
 * proxy that terminates TLS itself, for integrations whose URL is fixed — and an SMTP server
 * from npm (`smtp-server`) that records envelopes and messages. For tests only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Alert } from '../store/index.js';
import { compareAlerts, newAlert, parseTime } from '../store/index.js';
import type { NotifyContext } from '../notify/index.js';

export interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** `CONNECT <host:port>` when the request came through the sink's TLS tunnel; absent when direct. */
  via?: string;
}

export interface HTTPSink {
  readonly base: string;
  readonly requests: Captured[];
  /** Answers by path; default: 200 with an empty body. */
  answer: (c: Captured) => { status: number; headers?: Record<string, string>; body?: string };
  close(): Promise<void>;
}

export function vendorAnswer(c: Captured): { status: number; headers?: Record<string, string>; body?: string } {
  if (c.url.includes('slack')) return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
  if (c.url.includes('create_event')) return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"success","message":"Event processed","incident_key":"x"}' };
  if (c.url.includes('enqueue')) return { status: 202, headers: { 'content-type': 'application/json' }, body: '{"status":"success","message":"Event processed","dedup_key":"x"}' };
  return { status: 200 };
}

/** A self-signed certificate for `cn`, made with the `openssl` CLI (no CA: clients must skip verification). */
function selfSigned(cn: string): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'wf-sink-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '2', '-subj', `/CN=${cn}`], { cwd: dir, stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface HTTPSinkOptions {
  /**
   * Also act as an HTTP CONNECT proxy that answers `200` and terminates the tunnel's TLS with a
   * self-signed certificate for this host name, then serves the requests inside as direct ones
   * (recorded with `via`), as the capture sink of the reference payloads did.
   */
  readonly tlsTunnelHost?: string;
}

export async function startHTTPSink(opts: HTTPSinkOptions = {}): Promise<HTTPSink> {
  const requests: Captured[] = [];
  const sink: { answer: HTTPSink['answer'] } = { answer: vendorAnswer };
  const vias = new WeakMap<Socket, string>();
  // Tunnelled sockets are not the HTTP server's connections: closed by hand on close().
  const tunnels = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const c: Captured = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      const via = vias.get(req.socket);
      if (via !== undefined) c.via = via;
      requests.push(c);
      const a = sink.answer(c);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  if (opts.tlsTunnelHost !== undefined) {
    const { key, cert } = selfSigned(opts.tlsTunnelHost);
    server.on('connect', (req, socket: Socket) => {
      socket.on('error', () => undefined);
      tunnels.add(socket);
      socket.once('close', () => tunnels.delete(socket));
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      const tls = new TLSSocket(socket, { isServer: true, key, cert });
      tls.on('error', () => undefined);
      vias.set(tls, `CONNECT ${req.url ?? ''}`);
      tunnels.add(tls);
      tls.once('close', () => tunnels.delete(tls));
      server.emit('connection', tls);
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    get answer() { return sink.answer; },
    set answer(f) { sink.answer = f; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      for (const t of tunnels) t.destroy();
      server.close(() => { resolve(); });
    }),
  };
}

export interface Mail {
  envelope: { mailFrom: unknown; rcptTo: unknown };
  helo: string;
  user: string | null;
  authMethod: string | null;
  data: Buffer;
}

export interface SMTPSink {
  readonly port: number;
  readonly mails: Mail[];
  close(): Promise<void>;
}

export async function startSMTPSink(opts: Partial<SMTPServerOptions> = {}): Promise<SMTPSink> {
  const mails: Mail[] = [];
  const methods = new Map<string, string>();
  const { onAuth: userAuth, ...rest } = opts;
  const server = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS'], authOptional: true, allowInsecureAuth: true, logger: false,
    ...rest,
    onAuth(auth, session, cb) {
      methods.set(session.id, auth.method);
      if (userAuth !== undefined) userAuth(auth, session, cb);
      else cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => { chunks.push(c); });
      stream.on('end', () => {
        const user: unknown = session.user;
        mails.push({
          envelope: { mailFrom: session.envelope.mailFrom, rcptTo: session.envelope.rcptTo },
          helo: session.hostNameAppearsAs,
          user: typeof user === 'string' ? user : null,
          authMethod: methods.get(session.id) ?? null,
          data: Buffer.concat(chunks),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => { server.close(() => { resolve(); }); }) };
}

interface InputAlert { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt?: string; generatorURL: string }

/** Alerts as the dispatcher hands them over: sorted, firing ones with no end time. */
export function dispatchedAlerts(input: readonly InputAlert[], now: number): Alert[] {
  const out = input.map((a) => {
    const endsAt = a.endsAt === undefined ? 0 : parseTime(a.endsAt) ?? 0;
    return newAlert({
      labels: a.labels, annotations: a.annotations, startsAt: parseTime(a.startsAt) ?? 0,
      endsAt: endsAt !== 0 && endsAt <= now ? endsAt : 0, updatedAt: now, generatorURL: a.generatorURL, timeout: false,
    });
  });
  return out.sort(compareAlerts);
}

/** The context the pipeline gives an integration. */
export function notifyContext(o: { receiver: string; groupKey: string; groupLabels: Record<string, string>; now: number; externalURL: string; signal?: AbortSignal }): NotifyContext {
  return {
    signal: o.signal ?? new AbortController().signal, groupKey: o.groupKey, receiverName: o.receiver, groupLabels: o.groupLabels,
    now: o.now, repeatIntervalMs: 4 * 3600_000, routeID: '{}', firingAlerts: [], resolvedAlerts: [], externalURL: o.externalURL,
  };
}
