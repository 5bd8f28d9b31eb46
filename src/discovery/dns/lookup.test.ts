import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupWithSearchPath } from './lookup.js';
import { parseResolvConf } from './resolv-conf.js';
import { fakeExchange, type FakeAnswer } from './testing-wire.js';
import { TYPE_A, TYPE_SRV } from './wire.js';

const conf = parseResolvConf('nameserver 10.0.0.1\nnameserver 10.0.0.2\nsearch a.example b.example\n');
const A = (name: string, address: string): FakeAnswer => ({ answers: [{ type: 'A', name, address }] });
const SERVFAIL: FakeAnswer = { rcode: 2 };

interface Case {
  name: string;
  table: Record<string, FakeAnswer>;
  /** Answer addresses, or the error expected. */
  want: string[] | RegExp;
  /** The (server name) pairs asked, in order. */
  asked?: string[];
}

const cases: Case[] = [
  {
    name: 'the first name of the search list answered with NOERROR wins',
    table: { '10.0.0.1 h.b.example.': A('h.b.example.', '192.0.2.2') },
    want: ['192.0.2.2'],
    asked: ['10.0.0.1 h.a.example.', '10.0.0.1 h.b.example.'],
  },
  {
    name: 'NOERROR without records ends the search too',
    table: { '10.0.0.1 h.a.example.': {}, '10.0.0.1 h.b.example.': A('h.b.example.', '192.0.2.2') },
    want: [],
    asked: ['10.0.0.1 h.a.example.'],
  },
  {
    name: 'NXDOMAIN everywhere: an empty answer, not an error',
    table: {},
    want: [],
    asked: ['10.0.0.1 h.a.example.', '10.0.0.1 h.b.example.', '10.0.0.1 h.'],
  },
  {
    name: 'a failing server is skipped for the next one',
    table: { '10.0.0.1 h.a.example.': SERVFAIL, '10.0.0.2 h.a.example.': A('h.a.example.', '192.0.2.9') },
    want: ['192.0.2.9'],
    asked: ['10.0.0.1 h.a.example.', '10.0.0.2 h.a.example.'],
  },
  {
    name: 'a transport error is skipped like SERVFAIL',
    table: { '10.0.0.1 h.a.example.': new Error('read udp 10.0.0.1:53: i/o timeout'), '10.0.0.2 h.a.example.': A('h.a.example.', '192.0.2.9') },
    want: ['192.0.2.9'],
  },
  {
    name: 'a name no server answers makes the lookup fail even if the others are NXDOMAIN',
    table: { '10.0.0.1 h.b.example.': SERVFAIL, '10.0.0.2 h.b.example.': SERVFAIL },
    want: /^could not resolve "h": all servers responded with errors to at least one search domain$/,
  },
  {
    name: 'a later success still wins over an earlier failure',
    table: { '10.0.0.1 h.a.example.': SERVFAIL, '10.0.0.2 h.a.example.': { rcode: 5 }, '10.0.0.1 h.b.example.': A('h.b.example.', '192.0.2.3') },
    want: ['192.0.2.3'],
  },
];

for (const c of cases) {
  test(`lookup: ${c.name}`, async () => {
    const { exchange, calls } = fakeExchange((server, name) => c.table[`${server} ${name}`]);
    const p = lookupWithSearchPath('h', TYPE_A, conf, { exchange });
    if (c.want instanceof RegExp) {
      await assert.rejects(p, { message: c.want });
    } else {
      const m = await p;
      assert.deepEqual(m.answers.map((a) => (a.kind === 'A' ? a.address : a.kind)), c.want);
    }
    if (c.asked !== undefined) assert.deepEqual(calls.map((x) => `${x.server} ${x.name}`), c.asked);
    assert.ok(calls.every((x) => x.port === 53 && x.qtype === TYPE_A));
  });
}

test('lookup: a truncated UDP answer is asked again over TCP', async () => {
  const { exchange, calls } = fakeExchange((_s, name, net) => (net === 'udp'
    ? { truncated: true }
    : { answers: [{ type: 'SRV', name, priority: 0, weight: 0, port: 80, target: 'big.example.' }] }));
  const m = await lookupWithSearchPath('_s._tcp.big.example.', TYPE_SRV, conf, { exchange });
  assert.equal(m.answers.length, 1);
  assert.deepEqual(calls.map((c) => c.net), ['udp', 'tcp']);
});

test('lookup: truncation over TCP too is an error for that server', async () => {
  const { exchange } = fakeExchange(() => ({ truncated: true }));
  await assert.rejects(lookupWithSearchPath('x.example.', TYPE_A, conf, { exchange }), /could not resolve "x.example."/);
});

test('lookup: no servers configured is a failure, not an empty answer', async () => {
  const { exchange } = fakeExchange(() => undefined);
  await assert.rejects(lookupWithSearchPath('x.example.', TYPE_A, parseResolvConf(''), { exchange }), /could not resolve/);
});
