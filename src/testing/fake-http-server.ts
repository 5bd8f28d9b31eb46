/**
 * Test support: the HTTP server under the fakes of cloud and service APIs that discovery
 * tests run against. It listens on 127.0.0.1 (port 0 at first, then the same port across
 * `down()`/`up()`, so clients reconnect to the address they were given), reads each request's
 * body whole and hands it to the fake's `handle`. `down()` drops every open connection, as a
 * server that goes away does.
 *
 * Not part of any component's API.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export abstract class FakeHttpServer {
  /** The listening port (0 before the first `up()`). */
  port = 0;
  #server: Server | null = null;

  async up(): Promise<void> {
    if (this.#server !== null) return;
    const s = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => { this.handle(req, Buffer.concat(chunks).toString('utf8'), res); });
    });
    await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(this.port, '127.0.0.1', resolve); });
    this.port = (s.address() as AddressInfo).port;
    this.#server = s;
  }

  async down(): Promise<void> {
    const s = this.#server;
    if (s === null) return;
    this.#server = null;
    s.closeAllConnections();
    await new Promise<void>((resolve) => { s.close(() => { resolve(); }); });
  }

  /** Answers one request; `body` is the whole request body as UTF-8 text. */
  protected abstract handle(req: IncomingMessage, body: string, res: ServerResponse): void;
}

/** Writes a JSON answer (Content-Type `application/json` unless `headers` names another). */
export function replyJSON(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
