/**
 * Test support: lets real clients whose API endpoint is fixed (`https://api.digitalocean.com`,
 * `https://api.hetzner.cloud`, ...) reach a local fake. An HTTP proxy on 127.0.0.1 accepts
 * `CONNECT <host>:443` for the routed hosts and tunnels to a local TLS terminator that holds
 * a certificate for those hosts (signed by a throw-away CA made with the `openssl` CLI) and
 * forwards the decrypted stream to the fake's plain HTTP port. A client configured with
 * `proxy_url` and `tls_config: {ca_file}` then talks to the fake as if it were the real API.
 * Not part of the component's API.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHTTPServer, type Server as HTTPServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTLSServer, type Server as TLSServer } from 'node:tls';

export interface TLSTunnel {
  /** `http://127.0.0.1:<port>`, for `proxy_url`. */
  proxyURL: string;
  /** The CA certificate file, for `tls_config.ca_file`. */
  caFile: string;
  /** CONNECT requests seen (`host:port`). */
  connects: string[];
  close(): Promise<void>;
}

function ossl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** Starts the proxy; `routes` maps a host name to the local plain HTTP port of its fake. */
export async function startTLSTunnel(routes: Readonly<Record<string, number>>): Promise<TLSTunnel> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-tunnel-'));
  ossl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  ossl(dir, ['req', '-x509', '-new', '-key', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=watchfire-tunnel-test-ca']);
  ossl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'srv.key']);
  ossl(dir, ['req', '-new', '-key', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=api']);
  writeFileSync(join(dir, 'srv.ext'), `subjectAltName=${Object.keys(routes).map((h) => `DNS:${h}`).join(',')}\n`);
  ossl(dir, ['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '2', '-extfile', 'srv.ext']);
  const key = readFileSync(join(dir, 'srv.key')), cert = readFileSync(join(dir, 'srv.crt'));

  const sockets = new Set<Socket>();
  const track = (s: Socket): void => { sockets.add(s); s.once('close', () => sockets.delete(s)); s.on('error', () => undefined); };
  const terminators = new Map<string, { server: TLSServer; port: number }>();
  for (const [host, port] of Object.entries(routes)) {
    const server = createTLSServer({ key, cert }, (tls) => {
      track(tls);
      const up = connect(port, '127.0.0.1');
      track(up);
      tls.pipe(up).pipe(tls);
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
    terminators.set(host, { server, port: (server.address() as AddressInfo).port });
  }

  const connects: string[] = [];
  const proxy: HTTPServer = createHTTPServer((_req, res) => { res.writeHead(405); res.end(); });
  proxy.on('connect', (req, client: Socket, head: Buffer) => {
    track(client);
    const target = req.url ?? '';
    connects.push(target);
    const host = target.replace(/:\d+$/, '');
    const t = terminators.get(host);
    if (t === undefined) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const up = connect(t.port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) up.write(head);
      up.pipe(client).pipe(up);
    });
    track(up);
  });
  await new Promise<void>((resolve) => { proxy.listen(0, '127.0.0.1', resolve); });

  return {
    proxyURL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    caFile: join(dir, 'ca.crt'),
    connects,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([proxy, ...[...terminators.values()].map((t) => t.server)].map((s) => new Promise<void>((resolve) => { s.close(() => { resolve(); }); })));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
