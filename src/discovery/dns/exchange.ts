/**
 * One DNS exchange with one server over UDP or TCP, with the timeouts Prometheus's DNS client
 * uses by default (2 s to connect, 2 s to write, 2 s to read). Over UDP, replies whose id does
 * not match are ignored (they answer an earlier, timed-out query), as that client does.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP, connect, type Socket as TCPSocket } from 'node:net';
import { decodeMessage, type DNSMessage } from './wire.js';

export type DNSNet = 'udp' | 'tcp';

/** Prometheus's DNS client timeouts: dial, write and read, each. */
export const DNS_TIMEOUT_MS = 2000;

/** `host:port` with brackets around IPv6 hosts, as Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Exchanges `query` (whose id is `id`) with `server:port`; rejects with a Go-like error text. */
export function exchange(server: string, port: number, query: Uint8Array, id: number, net: DNSNet, signal?: AbortSignal, timeoutMs = DNS_TIMEOUT_MS): Promise<DNSMessage> {
  return net === 'udp' ? exchangeUDP(server, port, query, id, signal, timeoutMs) : exchangeTCP(server, port, query, id, signal, timeoutMs);
}

function exchangeUDP(server: string, port: number, query: Uint8Array, id: number, signal: AbortSignal | undefined, timeoutMs: number): Promise<DNSMessage> {
  const addr = joinHostPort(server, port);
  return new Promise((resolve, reject) => {
    let sock: Socket;
    try {
      sock = createSocket(isIP(server) === 6 ? 'udp6' : 'udp4');
    } catch (e) {
      reject(new Error(`dial udp ${addr}: ${errText(e)}`, { cause: e }));
      return;
    }
    let settled = false;
    const finish = (err: Error | null, m?: DNSMessage): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.close();
      if (err !== null) reject(err);
      else resolve(m!);
    };
    const onAbort = (): void => { finish(new Error('context canceled')); };
    const timer = setTimeout(() => { finish(new Error(`read udp ${addr}: i/o timeout`)); }, timeoutMs);
    if (signal?.aborted === true) { onAbort(); return; }
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('error', (e) => { finish(new Error(`read udp ${addr}: ${errText(e)}`, { cause: e })); });
    sock.on('message', (buf) => {
      let m: DNSMessage;
      try {
        m = decodeMessage(buf);
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      if (m.id === id) finish(null, m);
    });
    // A connected socket, as Go dials UDP: a closed port then fails the read with "connection
    // refused" at once instead of waiting for the timeout.
    sock.connect(port, server, () => {
      if (settled) return;
      sock.send(query, (e) => {
        if (e) finish(new Error(`write udp ${addr}: ${errText(e)}`, { cause: e }));
      });
    });
  });
}

function exchangeTCP(server: string, port: number, query: Uint8Array, id: number, signal: AbortSignal | undefined, timeoutMs: number): Promise<DNSMessage> {
  const addr = joinHostPort(server, port);
  return new Promise((resolve, reject) => {
    let settled = false;
    let phase = 'dial';
    let chunks: Buffer[] = [];
    let have = 0;
    const sock: TCPSocket = connect({ host: server, port });
    const finish = (err: Error | null, m?: DNSMessage): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err !== null) reject(err);
      else resolve(m!);
    };
    const onAbort = (): void => { finish(new Error('context canceled')); };
    let timer = setTimeout(() => { finish(new Error(`dial tcp ${addr}: i/o timeout`)); }, timeoutMs);
    if (signal?.aborted === true) { onAbort(); return; }
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('error', (e) => { finish(new Error(`${phase} tcp ${addr}: ${errText(e)}`, { cause: e })); });
    sock.on('connect', () => {
      phase = 'read';
      clearTimeout(timer);
      timer = setTimeout(() => { finish(new Error(`read tcp ${addr}: i/o timeout`)); }, timeoutMs);
      const framed = Buffer.allocUnsafe(2 + query.length);
      framed.writeUInt16BE(query.length, 0);
      framed.set(query, 2);
      sock.write(framed);
    });
    sock.on('data', (b: Buffer) => {
      chunks.push(b);
      have += b.length;
      if (have < 2) return;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      chunks = [all];
      const len = all.readUInt16BE(0);
      if (have < 2 + len) return;
      try {
        const m = decodeMessage(all.subarray(2, 2 + len));
        if (m.id !== id) finish(new Error('dns: id mismatch'));
        else finish(null, m);
      } catch (e) {
        finish(e instanceof Error ? e : new Error(String(e)));
      }
    });
    sock.on('end', () => { finish(new Error(`read tcp ${addr}: EOF`)); });
  });
}

function errText(e: unknown): string {
  if (e instanceof Error && 'code' in e) {
    switch (e.code) {
      case 'ECONNREFUSED': return 'connection refused';
      case 'ECONNRESET': return 'connection reset by peer';
      case 'ENETUNREACH': return 'network is unreachable';
      case 'EHOSTUNREACH': return 'no route to host';
      default: break;
    }
  }
  return e instanceof Error ? e.message : String(e);
}
