/**
 * The notification log snapshot in Alertmanager's format: length-delimited
 * `nflogpb.MeshEntry` messages (an `Entry` — group key, receiver, timestamp, firing and
 * resolved alert hashes as packed uint64 — and its expiry). Hashes travel as 16 hex digits
 * in memory and as uint64 varints on disk, converted through two 32-bit words.
 */
import { WireReader, WIRE_BYTES, WIRE_VARINT, fieldNumber, wrongWireType } from '../../util/protobuf-wire.js';
import { PBWriter, readDelimited, readString, readTimestamp, writeDelimited } from '../store/index.js';
import type { NflogEntry, NflogReceiver } from './nflog.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function hashWords(h: string): [number, number] {
  const s = h.padStart(16, '0');
  return [parseInt(s.slice(0, 8), 16) >>> 0, parseInt(s.slice(8), 16) >>> 0];
}

function wordsHash(hi: number, lo: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

function packedHashes(w: PBWriter, field: number, hashes: readonly string[]): void {
  if (hashes.length === 0) return;
  const p = new PBWriter();
  for (const h of hashes) {
    const [hi, lo] = hashWords(h);
    p.varint64(hi, lo);
  }
  w.bytesField(field, p.bytes());
}

export function encodeNflogSnapshot(entries: readonly NflogEntry[]): Uint8Array {
  const out = new PBWriter();
  for (const e of entries) {
    const w = new PBWriter();
    w.message(1, (ew) => {
      if (e.groupKey !== '') ew.bytesField(1, enc.encode(e.groupKey));
      ew.message(2, (rw) => {
        rw.string(1, e.receiver.groupName);
        rw.string(2, e.receiver.integration);
        rw.uint(3, e.receiver.idx);
      });
      ew.timestamp(5, e.timestamp);
      packedHashes(ew, 6, e.firingAlerts);
      packedHashes(ew, 7, e.resolvedAlerts);
    });
    w.timestamp(2, e.expiresAt);
    writeDelimited(out, w.bytes());
  }
  return out.bytes();
}

function readHashes(r: WireReader, wire: number, end: number, into: string[], field: string): void {
  if (wire === WIRE_VARINT) {
    r.varint(end);
    into.push(wordsHash(r.hi, r.lo));
    return;
  }
  if (wire !== WIRE_BYTES) wrongWireType(wire, field);
  const e = r.lengthDelimited(end);
  while (r.pos < e) {
    r.varint(e);
    into.push(wordsHash(r.hi, r.lo));
  }
}

function decodeReceiver(r: WireReader, end: number): NflogReceiver {
  const out: NflogReceiver = { groupName: '', integration: '', idx: 0 };
  while (r.pos < end) {
    const start = r.pos;
    const tag = r.tag(end);
    const wire = tag % 8;
    const f = fieldNumber(tag, wire, 'Receiver');
    if (f === 1 && wire === WIRE_BYTES) out.groupName = readString(r, end);
    else if (f === 2 && wire === WIRE_BYTES) out.integration = readString(r, end);
    else if (f === 3 && wire === WIRE_VARINT) out.idx = r.uint32(end);
    else r.skipField(start, end);
  }
  return out;
}

function decodeEntry(r: WireReader, end: number): Omit<NflogEntry, 'expiresAt'> | null {
  const e: Omit<NflogEntry, 'expiresAt'> = { groupKey: '', receiver: { groupName: '', integration: '', idx: 0 }, timestamp: 0, firingAlerts: [], resolvedAlerts: [] };
  let hasReceiver = false;
  while (r.pos < end) {
    const start = r.pos;
    const tag = r.tag(end);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'Entry')) {
      case 1: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'GroupKey');
        const x = r.lengthDelimited(end);
        e.groupKey = dec.decode(r.b.subarray(r.pos, x));
        r.pos = x;
        break;
      }
      case 2: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Receiver');
        const x = r.lengthDelimited(end);
        e.receiver = decodeReceiver(r, x);
        r.pos = x;
        hasReceiver = true;
        break;
      }
      case 5: {
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Timestamp');
        const x = r.lengthDelimited(end);
        e.timestamp = readTimestamp(r, x);
        r.pos = x;
        break;
      }
      case 6: readHashes(r, wire, end, e.firingAlerts, 'FiringAlerts'); break;
      case 7: readHashes(r, wire, end, e.resolvedAlerts, 'ResolvedAlerts'); break;
      default: r.skipField(start, end);
    }
  }
  return hasReceiver ? e : null;
}

/** Decodes a snapshot; an entry without its receiver makes the file invalid, as in Alertmanager. */
export function decodeNflogSnapshot(b: Uint8Array): NflogEntry[] {
  const out: NflogEntry[] = [];
  for (const msg of readDelimited(b)) {
    const r = new WireReader(msg);
    let entry: Omit<NflogEntry, 'expiresAt'> | null = null;
    let expiresAt = 0;
    while (r.pos < msg.length) {
      const start = r.pos;
      const tag = r.tag(msg.length);
      const wire = tag % 8;
      const f = fieldNumber(tag, wire, 'MeshEntry');
      if (f === 1 || f === 2) {
        if (wire !== WIRE_BYTES) wrongWireType(wire, f === 1 ? 'Entry' : 'ExpiresAt');
        const x = r.lengthDelimited(msg.length);
        if (f === 1) entry = decodeEntry(r, x);
        else expiresAt = readTimestamp(r, x);
        r.pos = x;
      } else {
        r.skipField(start, msg.length);
      }
    }
    if (entry === null) throw new Error('invalid state');
    out.push({ ...entry, expiresAt });
  }
  return out;
}
