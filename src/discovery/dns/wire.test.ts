import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResponse, questionOf } from './testing-wire.js';
import {
  decodeMessage, decodeName, encodeName, encodeQuery, formatIPv6, DNSWireError, TYPE_A, TYPE_AAAA, TYPE_MX, TYPE_SRV,
} from './wire.js';

test('queries: header, question and the EDNS0 OPT record advertising 4096 bytes', () => {
  const q = encodeQuery(0xbeef, '_x._tcp.example.org.', TYPE_SRV, true);
  assert.deepEqual([...q.subarray(0, 12)], [0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(questionOf(q), { name: '_x._tcp.example.org.', qtype: TYPE_SRV });
  assert.deepEqual([...q.subarray(q.length - 11)], [0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0]);
  const plain = encodeQuery(1, 'a.', TYPE_A, false);
  assert.equal(plain.length, 12 + 3 + 4);
  assert.equal(plain[11], 0, 'no additional record without EDNS');
});

test('names: escapes in and out, and rejected shapes', () => {
  const table: [string, number[]][] = [
    ['.', [0]],
    ['a.b.', [1, 97, 1, 98, 0]],
    ['a.b', [1, 97, 1, 98, 0]],
    ['a\\.b.c.', [3, 97, 46, 98, 1, 99, 0]],
    ['\\001x.', [2, 1, 120, 0]],
  ];
  for (const [name, wire] of table) {
    assert.deepEqual(encodeName(name), wire, name);
    assert.equal(decodeName(new Uint8Array(wire), 0)[0], name.endsWith('.') ? name : name + '.', name);
  }
  // Bytes outside printable ASCII and the special characters come out escaped as Prometheus's library prints them.
  assert.equal(decodeName(new Uint8Array([4, 0x40, 0x20, 0xff, 0x3b, 0]), 0)[0], '\\@\\ \\255\\;.');
  for (const bad of ['a..b', 'x'.repeat(64) + '.com']) assert.throws(() => encodeName(bad), DNSWireError, bad);
});

test('names: compression pointers are followed, and pointer loops rejected', () => {
  const msg = new Uint8Array([1, 97, 0, 1, 98, 0xc0, 0]);
  assert.deepEqual(decodeName(msg, 3), ['b.a.', 7]);
  assert.throws(() => decodeName(new Uint8Array([0xc0, 0]), 0), /too many compression pointers/);
  assert.throws(() => decodeName(new Uint8Array([5, 97]), 0), /buffer size too small/);
});

test('responses: records of every supported type, rcode, truncation, extended rcode', () => {
  const m = decodeMessage(buildResponse({
    id: 7, question: 'example.org.', qtype: TYPE_SRV, compress: true,
    answers: [
      { type: 'SRV', name: 'example.org.', priority: 1, weight: 2, port: 9100, target: 'node.example.org.' },
      { type: 'MX', name: 'example.org.', preference: 10, mx: 'mail.example.org.' },
      { type: 'NS', name: 'example.org.', ns: 'ns1.example.org.' },
      { type: 'A', name: 'node.example.org.', address: '192.0.2.1' },
      { type: 'AAAA', name: 'node.example.org.', address: '2001:db8::1' },
      { type: 'CNAME', name: 'www.example.org.', target: 'node.example.org.' },
      { type: 'TXT', name: 'example.org.', text: 'hi' },
    ],
  }));
  assert.equal(m.id, 7);
  assert.equal(m.rcode, 0);
  assert.equal(m.truncated, false);
  assert.deepEqual(m.answers.map((a) => a.kind), ['SRV', 'MX', 'NS', 'A', 'AAAA', 'CNAME', 'other']);
  assert.deepEqual(m.answers[0], { kind: 'SRV', name: 'example.org.', ttl: 300, priority: 1, weight: 2, port: 9100, target: 'node.example.org.' });
  assert.deepEqual(m.answers[1], { kind: 'MX', name: 'example.org.', ttl: 300, preference: 10, mx: 'mail.example.org.' });
  assert.equal(m.answers[4]?.kind === 'AAAA' ? m.answers[4].address : '', '2001:db8::1');
  const t = decodeMessage(buildResponse({ id: 1, question: 'x.', qtype: TYPE_MX, truncated: true, rcode: 3 }));
  assert.deepEqual([t.truncated, t.rcode, t.answers.length], [true, 3, 0]);
  const ext = decodeMessage(buildResponse({ id: 1, question: 'x.', qtype: TYPE_A, ednsExtendedRcode: 1 }));
  assert.equal(ext.rcode, 16, 'BADVERS is not success');
  assert.throws(() => decodeMessage(new Uint8Array(5)), DNSWireError);
});

test('IPv6 addresses print as Go prints them', () => {
  const table: [number[], string][] = [
    [[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], '2001:db8::1'],
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], '::1'],
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], '::'],
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1], '192.0.2.1'],
    [[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], '2001:db8:0:1::1'],
    [[0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], '2001:0:0:1::1'],
    [[0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1], '2001:db8:1:0:1:1:1:1'],
    [[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0, 0, 0, 0, 0, 0], 'fe80::abcd:0:0:0'],
  ];
  for (const [b, s] of table) assert.equal(formatIPv6(new Uint8Array(b)), s, s);
  assert.equal(TYPE_AAAA, 28);
  assert.equal(TYPE_MX, 15);
});
