/**
 * Test support for pointing real Google clients (Prometheus, vmagent) at the fake: an HTTP
 * proxy on 127.0.0.1 that accepts `CONNECT` to Google's API hosts, terminates TLS with a
 * certificate for them signed by a throw-away CA (made with the `openssl` CLI), and hands
 * the requests to the fake. Clients reach it through `HTTPS_PROXY` and trust the CA through
 * `SSL_CERT_FILE` (which Go reads instead of the system roots). Not part of the component's
 * API.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, TLSSocket } from 'node:tls';

const HOSTS = ['compute.googleapis.com', 'www.googleapis.com', 'oauth2.googleapis.com'];

export class GoogleProxy {
  readonly dir = mkdtempSync(join(tmpdir(), 'wf-gproxy-'));
  readonly caFile = join(this.dir, 'ca.crt');
  /** Hosts clients connected to. */
  readonly connects: string[] = [];
  #proxy: Server | null = null;
  readonly #inner: Server;
  #port = 0;

  constructor(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
    const ossl = (args: string[]): void => { execFileSync('openssl', args, { cwd: this.dir, stdio: 'ignore' }); };
    ossl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
    ossl(['req', '-x509', '-new', '-key', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=wf-google-test-ca']);
    ossl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'srv.key']);
    ossl(['req', '-new', '-key', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=googleapis.com']);
    writeFileSync(join(this.dir, 'srv.ext'), `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(',')}\n`);
    ossl(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '2', '-extfile', 'srv.ext']);
    this.#inner = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => { handler(req, Buffer.concat(chunks).toString('utf8'), res); });
    });
  }

  /** The `HTTPS_PROXY` value. */
  get url(): string { return `http://127.0.0.1:${this.#port}`; }

  async up(): Promise<void> {
    const ctx = createSecureContext({ key: readFileSync(join(this.dir, 'srv.key')), cert: readFileSync(join(this.dir, 'srv.crt')) });
    const proxy = createServer((_req, res) => { res.writeHead(405).end('CONNECT only'); });
    proxy.on('connect', (req: IncomingMessage, sock: Socket) => {
      const host = (req.url ?? '').replace(/:\d+$/, '');
      this.connects.push(host);
      if (!HOSTS.includes(host)) { sock.end('HTTP/1.1 403 Forbidden\r\n\r\n'); return; }
      sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      const tls = new TLSSocket(sock, { isServer: true, secureContext: ctx, ALPNProtocols: ['http/1.1'] });
      tls.on('error', () => { sock.destroy(); });
      this.#inner.emit('connection', tls);
    });
    await new Promise<void>((resolve) => { proxy.listen(0, '127.0.0.1', resolve); });
    this.#port = (proxy.address() as AddressInfo).port;
    this.#proxy = proxy;
  }

  async down(): Promise<void> {
    const p = this.#proxy;
    this.#proxy = null;
    this.#inner.closeAllConnections();
    if (p !== null) {
      p.closeAllConnections();
      await new Promise<void>((resolve) => { p.close(() => { resolve(); }); });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
