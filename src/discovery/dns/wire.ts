/**
 * The DNS wire format (RFC 1035, EDNS0 from RFC 6891), as much as DNS SD needs: building a
 * recursive query for one name and type, and reading a response's header and answer records.
 * Names come out in presentation format with a trailing dot and the escapes Prometheus's DNS
 * library uses (`\.`, `\@`, `\DDD`, ...), since they end up in `__meta_dns_*` labels.
 */

export const TYPE_A = 1;
export const TYPE_NS = 2;
export const TYPE_CNAME = 5;
export const TYPE_MX = 15;
export const TYPE_AAAA = 28;
export const TYPE_SRV = 33;
export const TYPE_OPT = 41;

export const RCODE_SUCCESS = 0;
export const RCODE_NAME_ERROR = 3;

/** The UDP payload size advertised with EDNS0, as Prometheus does. */
export const EDNS_UDP_SIZE = 4096;

const TYPE_NAMES: Record<number, string> = {
  [TYPE_A]: 'A', [TYPE_NS]: 'NS', [TYPE_CNAME]: 'CNAME', 6: 'SOA', 12: 'PTR', [TYPE_MX]: 'MX', 16: 'TXT',
  [TYPE_AAAA]: 'AAAA', [TYPE_SRV]: 'SRV', 39: 'DNAME', [TYPE_OPT]: 'OPT',
};

export function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `TYPE${t}`;
}

/** An answer record. Addresses are in the form Prometheus prints them. */
export type ResourceRecord =
  | { kind: 'A'; name: string; ttl: number; address: string }
  | { kind: 'AAAA'; name: string; ttl: number; address: string }
  | { kind: 'SRV'; name: string; ttl: number; priority: number; weight: number; port: number; target: string }
  | { kind: 'MX'; name: string; ttl: number; preference: number; mx: string }
  | { kind: 'NS'; name: string; ttl: number; ns: string }
  | { kind: 'CNAME'; name: string; ttl: number; target: string }
  | { kind: 'other'; name: string; ttl: number; type: number };

export interface DNSMessage {
  id: number;
  /** With the extended bits of an EDNS0 OPT record folded in. */
  rcode: number;
  truncated: boolean;
  answers: ResourceRecord[];
}

export class DNSWireError extends Error {
  override readonly name = 'DNSWireError';
}

/** Encodes a presentation-format name (escapes allowed, trailing dot optional) as wire labels. */
export function encodeName(name: string): number[] {
  const out: number[] = [];
  if (name === '.' || name === '') { out.push(0); return out; }
  let label: number[] = [];
  const flush = (): void => {
    if (label.length === 0) throw new DNSWireError(`bad domain name ${JSON.stringify(name)}: empty label`);
    if (label.length > 63) throw new DNSWireError(`bad domain name ${JSON.stringify(name)}: label longer than 63 octets`);
    out.push(label.length, ...label);
    label = [];
  };
  const bytes = Buffer.from(name, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x5c) { // backslash: \DDD or an escaped character
      const d = bytes.subarray(i + 1, i + 4);
      if (d.length === 3 && d.every((x) => x >= 0x30 && x <= 0x39)) {
        const v = (d[0]! - 0x30) * 100 + (d[1]! - 0x30) * 10 + (d[2]! - 0x30);
        if (v > 255) throw new DNSWireError(`bad domain name ${JSON.stringify(name)}: bad escape`);
        label.push(v);
        i += 3;
      } else if (i + 1 < bytes.length) {
        label.push(bytes[++i]!);
      } else {
        throw new DNSWireError(`bad domain name ${JSON.stringify(name)}: trailing backslash`);
      }
    } else if (b === 0x2e) {
      flush();
    } else {
      label.push(b);
    }
  }
  if (label.length > 0) flush();
  out.push(0);
  if (out.length > 255) throw new DNSWireError(`bad domain name ${JSON.stringify(name)}: longer than 255 octets`);
  return out;
}

/** A recursive query (RD set) for `name`, with an EDNS0 OPT record advertising 4096 bytes when `edns`. */
export function encodeQuery(id: number, name: string, qtype: number, edns: boolean): Uint8Array {
  const qname = encodeName(name);
  const size = 12 + qname.length + 4 + (edns ? 11 : 0);
  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);
  v.setUint16(0, id);
  v.setUint16(2, 0x0100); // RD
  v.setUint16(4, 1); // QDCOUNT
  v.setUint16(10, edns ? 1 : 0); // ARCOUNT
  buf.set(qname, 12);
  let off = 12 + qname.length;
  v.setUint16(off, qtype);
  v.setUint16(off + 2, 1); // IN
  off += 4;
  if (edns) {
    buf[off] = 0; // root name
    v.setUint16(off + 1, TYPE_OPT);
    v.setUint16(off + 3, EDNS_UDP_SIZE);
    v.setUint32(off + 5, 0); // extended rcode, version 0, no DO bit
    v.setUint16(off + 9, 0); // no options
  }
  return buf;
}

const SPECIAL = new Set([0x2e, 0x20, 0x27, 0x40, 0x3b, 0x28, 0x29, 0x22, 0x5c]); // . space ' @ ; ( ) " \

/** Reads a (possibly compressed) name at `off`; returns it and the offset after it in place. */
export function decodeName(msg: Uint8Array, off: number): [string, number] {
  let s = '';
  let end = -1;
  let pointers = 0;
  let budget = 255;
  for (;;) {
    if (off >= msg.length) throw new DNSWireError('dns: buffer size too small');
    const c = msg[off++]!;
    switch (c & 0xc0) {
      case 0x00: {
        if (c === 0) {
          if (end < 0) end = off;
          return [s === '' ? '.' : s, end];
        }
        if (off + c > msg.length) throw new DNSWireError('dns: buffer size too small');
        budget -= c + 1;
        if (budget <= 0) throw new DNSWireError('dns: domain name exceeded 255 wire-format octets');
        for (let i = off; i < off + c; i++) {
          const b = msg[i]!;
          if (SPECIAL.has(b)) s += '\\' + String.fromCharCode(b);
          else if (b < 0x20 || b > 0x7e) s += '\\' + String(b).padStart(3, '0');
          else s += String.fromCharCode(b);
        }
        s += '.';
        off += c;
        break;
      }
      case 0xc0: {
        if (off >= msg.length) throw new DNSWireError('dns: buffer size too small');
        const c1 = msg[off++]!;
        if (end < 0) end = off;
        if (++pointers > 126) throw new DNSWireError('dns: too many compression pointers');
        off = ((c & 0x3f) << 8) | c1;
        break;
      }
      default:
        throw new DNSWireError('dns: bad rdata');
    }
  }
}

/** Decodes a whole response. Records of the authority and additional sections are skipped, but an OPT record's extended rcode is read. */
export function decodeMessage(msg: Uint8Array): DNSMessage {
  if (msg.length < 12) throw new DNSWireError('dns: buffer size too small');
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const id = v.getUint16(0);
  const flags = v.getUint16(2);
  const qd = v.getUint16(4), an = v.getUint16(6), ns = v.getUint16(8), ar = v.getUint16(10);
  let rcode = flags & 0x0f;
  const truncated = (flags & 0x0200) !== 0;
  let off = 12;
  for (let i = 0; i < qd; i++) {
    off = decodeName(msg, off)[1] + 4;
    if (off > msg.length) throw new DNSWireError('dns: buffer size too small');
  }
  const answers: ResourceRecord[] = [];
  for (let i = 0; i < an + ns + ar; i++) {
    if (off >= msg.length && i >= an) break; // counts that overstate the sections, as servers sometimes send
    const [name, o] = decodeName(msg, off);
    if (o + 10 > msg.length) throw new DNSWireError('dns: overflow unpacking uint16');
    const type = v.getUint16(o);
    const ttlField = v.getUint32(o + 4);
    const rdlen = v.getUint16(o + 8);
    const rd = o + 10;
    if (rd + rdlen > msg.length) throw new DNSWireError('dns: overflow unpacking rdata');
    if (i < an) answers.push(decodeRecord(msg, v, name, type, ttlField, rd, rdlen));
    else if (type === TYPE_OPT) rcode |= ((ttlField >>> 24) & 0xff) << 4;
    off = rd + rdlen;
  }
  return { id, rcode, truncated, answers };
}

function decodeRecord(msg: Uint8Array, v: DataView, name: string, type: number, ttl: number, rd: number, rdlen: number): ResourceRecord {
  const need = (n: number): void => {
    if (rdlen < n) throw new DNSWireError(`dns: bad rdata for ${typeName(type)} record`);
  };
  switch (type) {
    case TYPE_A:
      need(4);
      return { kind: 'A', name, ttl, address: `${msg[rd]!}.${msg[rd + 1]!}.${msg[rd + 2]!}.${msg[rd + 3]!}` };
    case TYPE_AAAA:
      need(16);
      return { kind: 'AAAA', name, ttl, address: formatIPv6(msg.subarray(rd, rd + 16)) };
    case TYPE_SRV:
      need(7);
      return { kind: 'SRV', name, ttl, priority: v.getUint16(rd), weight: v.getUint16(rd + 2), port: v.getUint16(rd + 4), target: decodeName(msg, rd + 6)[0] };
    case TYPE_MX:
      need(3);
      return { kind: 'MX', name, ttl, preference: v.getUint16(rd), mx: decodeName(msg, rd + 2)[0] };
    case TYPE_NS:
      need(1);
      return { kind: 'NS', name, ttl, ns: decodeName(msg, rd)[0] };
    case TYPE_CNAME:
      need(1);
      return { kind: 'CNAME', name, ttl, target: decodeName(msg, rd)[0] };
    default:
      return { kind: 'other', name, ttl, type };
  }
}

/**
 * An IPv6 address as Go prints it: an IPv4-mapped address in dotted form, otherwise RFC 5952
 * (lower-case hex, the first longest run of two or more zero groups as `::`).
 */
export function formatIPv6(b: Uint8Array): string {
  let mapped = b[10] === 0xff && b[11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (b[i] !== 0) mapped = false;
  if (mapped) return `${b[12]!}.${b[13]!}.${b[14]!}.${b[15]!}`;
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) best = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += g[i]!.toString(16);
  }
  return s;
}

/** A record as Prometheus's log line shows it (for "Invalid record" warnings). */
export function recordString(r: ResourceRecord): string {
  switch (r.kind) {
    case 'A': case 'AAAA': return `${r.name}\t${r.ttl}\tIN\t${r.kind}\t${r.address}`;
    case 'SRV': return `${r.name}\t${r.ttl}\tIN\tSRV\t${r.priority} ${r.weight} ${r.port} ${r.target}`;
    case 'MX': return `${r.name}\t${r.ttl}\tIN\tMX\t${r.preference} ${r.mx}`;
    case 'NS': return `${r.name}\t${r.ttl}\tIN\tNS\t${r.ns}`;
    case 'CNAME': return `${r.name}\t${r.ttl}\tIN\tCNAME\t${r.target}`;
    case 'other': return `${r.name}\t${r.ttl}\tIN\t${typeName(r.type)}`;
  }
}
