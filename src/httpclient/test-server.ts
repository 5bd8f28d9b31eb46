/** Test support: HTTP(S) servers on 127.0.0.1, port 0, closed with all their connections. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTLSServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  server: Server;
  port: number;
  /** `http://127.0.0.1:port` (or https). */
  url: string;
  close(): Promise<void>;
}

export async function listen(handler: Handler, tls?: ServerOptions): Promise<TestServer> {
  const server: Server = tls === undefined ? createServer(handler) : createTLSServer(tls, handler);
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => { resolve(); });
    }),
  };
}
