/**
 * Test support: builds DNS response messages on the wire (uncompressed, or with a compression
 * pointer to the question name), and a fake exchange answering from a table. Not part of the
 * component's API.
 */
import { encodeName, TYPE_A, TYPE_AAAA, TYPE_CNAME, TYPE_MX, TYPE_NS, TYPE_SRV, decodeMessage, type DNSMessage } from './wire.js';
import type { ExchangeFunc } from './lookup.js';
import type { DNSNet } from './exchange.js';

export type TestRecord =
  | { type: 'A'; name: string; address: string }
  | { type: 'AAAA'; name: string; address: string }
  | { type: 'SRV'; name: string; priority: number; weight: number; port: number; target: string }
  | { type: 'MX'; name: string; preference: number; mx: string }
  | { type: 'NS'; name: string; ns: string }
  | { type: 'CNAME'; name: string; target: string }
  | { type: 'TXT'; name: string; text: string };

function u16(n: number): number[] { return [(n >> 8) & 0xff, n & 0xff]; }

function ipv6Bytes(a: string): number[] {
  const [head, tail] = a.includes('::') ? a.split('::') as [string, string] : [a, null];
  const h = head === '' ? [] : head.split(':');
  const t = tail === null || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => u16(Number.parseInt(g, 16)));
}

function rdata(r: TestRecord): [number, number[]] {
  switch (r.type) {
    case 'A': return [TYPE_A, r.address.split('.').map(Number)];
    case 'AAAA': return [TYPE_AAAA, ipv6Bytes(r.address)];
    case 'SRV': return [TYPE_SRV, [...u16(r.priority), ...u16(r.weight), ...u16(r.port), ...encodeName(r.target)]];
    case 'MX': return [TYPE_MX, [...u16(r.preference), ...encodeName(r.mx)]];
    case 'NS': return [TYPE_NS, encodeName(r.ns)];
    case 'CNAME': return [TYPE_CNAME, encodeName(r.target)];
    case 'TXT': return [16, [r.text.length, ...Buffer.from(r.text)]];
  }
}

export interface TestResponse {
  id: number;
  question: string;
  qtype: number;
  rcode?: number;
  truncated?: boolean;
  answers?: TestRecord[];
  /** Extended rcode bits in an OPT record of the additional section. */
  ednsExtendedRcode?: number;
  /** Encode answer owner names as pointers to the question name when equal. */
  compress?: boolean;
}

export function buildResponse(r: TestResponse): Uint8Array {
  const answers = r.answers ?? [];
  const out: number[] = [...u16(r.id), ...u16(0x8180 | (r.truncated === true ? 0x0200 : 0) | (r.rcode ?? 0)), ...u16(1), ...u16(answers.length), ...u16(0), ...u16(r.ednsExtendedRcode !== undefined ? 1 : 0)];
  out.push(...encodeName(r.question), ...u16(r.qtype), ...u16(1));
  for (const a of answers) {
    if (r.compress === true && a.name.toLowerCase() === r.question.toLowerCase()) out.push(0xc0, 12);
    else out.push(...encodeName(a.name));
    const [type, data] = rdata(a);
    out.push(...u16(type), ...u16(1), 0, 0, 1, 44, ...u16(data.length), ...data);
  }
  if (r.ednsExtendedRcode !== undefined) out.push(0, ...u16(41), ...u16(4096), r.ednsExtendedRcode, 0, 0, 0, 0, 0);
  return new Uint8Array(out);
}

/** The question of a query built by `encodeQuery`: its name and type. */
export function questionOf(query: Uint8Array): { name: string; qtype: number } {
  let off = 12;
  const labels: string[] = [];
  while (query[off] !== 0) {
    const n = query[off]!;
    labels.push(Buffer.from(query.subarray(off + 1, off + 1 + n)).toString('latin1'));
    off += n + 1;
  }
  const qtype = (query[off + 1]! << 8) | query[off + 2]!;
  return { name: labels.join('.') + '.', qtype };
}

/** How the fake answers one (server, name) pair: a response, or a transport error. */
export type FakeAnswer = Omit<TestResponse, 'id' | 'question' | 'qtype'> | Error;

export interface ExchangeCall { server: string; port: number; name: string; qtype: number; net: DNSNet }

/**
 * An exchange answering from `table(server, name, net)`; an undefined answer is NXDOMAIN.
 * Every call is recorded in `calls`.
 */
export function fakeExchange(table: (server: string, name: string, net: DNSNet) => FakeAnswer | undefined): { exchange: ExchangeFunc; calls: ExchangeCall[] } {
  const calls: ExchangeCall[] = [];
  const exchange: ExchangeFunc = (server, port, query, id, net) => {
    const q = questionOf(query);
    calls.push({ server, port, name: q.name, qtype: q.qtype, net });
    const a = table(server, q.name, net) ?? { rcode: 3 };
    if (a instanceof Error) return Promise.reject(a);
    const m: DNSMessage = decodeMessage(buildResponse({ ...a, id, question: q.name, qtype: q.qtype }));
    return Promise.resolve(m);
  };
  return { exchange, calls };
}
