/**
 * The network exchange against a small DNS server of the test's own on 127.0.0.1: UDP with a
 * stale reply first, truncation answered over TCP, timeouts and refused ports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { exchange } from './exchange.js';
import { lookupWithSearchPath } from './lookup.js';
import { parseResolvConf } from './resolv-conf.js';
import { buildResponse, questionOf } from './testing-wire.js';
import { encodeQuery, TYPE_SRV } from './wire.js';

interface Server { port: number; udpQueries: number; tcpQueries: number; close(): Promise<void> }

/**
 * UDP: answers every query twice, first with a wrong id (a late reply to an old query), then
 * truncated unless `udpFull`. TCP (same port): the full answer with SRV records.
 */
async function startServer(udpFull: boolean): Promise<Server> {
  const answer = (query: Uint8Array, truncated: boolean, id: number): Uint8Array => {
    const q = questionOf(query);
    const answers = truncated ? [] : Array.from({ length: 40 }, (_, i) => ({ type: 'SRV' as const, name: q.name, priority: 0, weight: 0, port: 9000 + i, target: `node${i}.example.` }));
    return buildResponse({ id, question: q.name, qtype: q.qtype, truncated, answers });
  };
  const tcp = createServer((s: Socket) => {
    let buf = Buffer.alloc(0);
    s.on('data', (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      const q = buf.subarray(2, 2 + buf.readUInt16BE(0));
      state.tcpQueries++;
      const r = answer(q, false, q.readUInt16BE(0));
      const framed = Buffer.alloc(2 + r.length);
      framed.writeUInt16BE(r.length, 0);
      framed.set(r, 2);
      // Written in two pieces, as a stream may deliver it.
      s.write(framed.subarray(0, 5));
      setTimeout(() => s.end(framed.subarray(5)), 5);
    });
  });
  await new Promise<void>((resolve) => { tcp.listen(0, '127.0.0.1', resolve); });
  const port = (tcp.address() as AddressInfo).port;
  const udp = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    state.udpQueries++;
    const id = msg.readUInt16BE(0);
    udp.send(answer(msg, false, (id + 1) & 0xffff), rinfo.port, rinfo.address);
    udp.send(answer(msg, !udpFull, id), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => { udp.bind(port, '127.0.0.1', resolve); });
  const state: Server = {
    port, udpQueries: 0, tcpQueries: 0,
    close: async () => {
      udp.close();
      await new Promise<void>((resolve) => { tcp.close(() => { resolve(); }); });
    },
  };
  return state;
}

test('exchange: UDP ignores replies to other queries; a truncated answer is asked again over TCP', async () => {
  const s = await startServer(false);
  try {
    const conf = { ...parseResolvConf('nameserver 127.0.0.1\n'), port: s.port };
    const m = await lookupWithSearchPath('_x._tcp.example.', TYPE_SRV, conf);
    assert.equal(m.answers.length, 40);
    assert.deepEqual([s.udpQueries, s.tcpQueries], [1, 1]);
  } finally {
    await s.close();
  }
});

test('exchange: a full UDP answer needs no TCP', async () => {
  const s = await startServer(true);
  try {
    const m = await exchange('127.0.0.1', s.port, encodeQuery(77, 'a.example.', TYPE_SRV, true), 77, 'udp');
    assert.equal(m.id, 77);
    assert.equal(m.answers.length, 40);
    assert.equal(s.tcpQueries, 0);
  } finally {
    await s.close();
  }
});

test('exchange: refused ports fail at once, silent servers time out, aborts cancel', async () => {
  // A UDP port nobody listens on: the connected socket reports the ICMP refusal.
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => { probe.bind(0, '127.0.0.1', resolve); });
  const closedPort = probe.address().port;
  probe.close();
  await assert.rejects(exchange('127.0.0.1', closedPort, encodeQuery(1, 'x.', TYPE_SRV, true), 1, 'udp'), { message: /connection refused/ });
  // A TCP port nobody listens on (probed in TCP's own port space: the UDP port's number may
  // be in use for TCP by another test running beside this one).
  const tcpProbe = createServer();
  await new Promise<void>((resolve) => { tcpProbe.listen(0, '127.0.0.1', resolve); });
  const closedTcpPort = (tcpProbe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => { tcpProbe.close(() => { resolve(); }); });
  await assert.rejects(exchange('127.0.0.1', closedTcpPort, encodeQuery(1, 'x.', TYPE_SRV, false), 1, 'tcp'), { message: /^dial tcp 127.0.0.1:\d+: connection refused$/ });
  // A UDP socket that never answers.
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => { silent.bind(0, '127.0.0.1', resolve); });
  try {
    await assert.rejects(exchange('127.0.0.1', silent.address().port, encodeQuery(1, 'x.', TYPE_SRV, true), 1, 'udp', undefined, 100), { message: /^read udp 127.0.0.1:\d+: i\/o timeout$/ });
    const ac = new AbortController();
    const p = exchange('127.0.0.1', silent.address().port, encodeQuery(1, 'x.', TYPE_SRV, true), 1, 'udp', ac.signal, 10_000);
    ac.abort();
    await assert.rejects(p, { message: 'context canceled' });
  } finally {
    silent.close();
  }
});
