/**
 * The silences snapshot file (`<storage.path>/silences`) in Alertmanager's own format: a
 * sequence of length-delimited `silencepb.MeshSilence` messages, so that a data directory
 * moves between Alertmanager and Watchfire in both directions. Written to a temporary file,
 * synced and renamed over the old one, so a crash never leaves a torn snapshot.
 */
import { WireReader, WIRE_BYTES, WIRE_VARINT, fieldNumber, wrongWireType } from '../../util/protobuf-wire.js';
import { PBWriter, readDelimited, readSnapshotFile, readString, readTimestamp, writeDelimited, writeSnapshotFile } from '../store/delimited-proto.js';
import type { MatchType } from '../labels/index.js';
import type { Silence, SilenceMatcher } from './silence.js';

export interface SnapshotEntry {
  silence: Silence;
  /** When the silence may be forgotten (Unix ms). */
  expiresAt: number;
}

const TYPE_CODE: Readonly<Record<MatchType, number>> = { '=': 0, '=~': 1, '!=': 2, '!~': 3 };
const CODE_TYPE: readonly MatchType[] = ['=', '=~', '!=', '!~'];

export function encodeSnapshot(entries: readonly SnapshotEntry[]): Uint8Array {
  const out = new PBWriter();
  for (const e of entries) {
    const w = new PBWriter();
    w.message(1, (s) => {
      const sil = e.silence;
      s.string(1, sil.id);
      for (const m of sil.matchers) {
        s.message(2, (mw) => {
          mw.uint(1, TYPE_CODE[m.type]);
          mw.string(2, m.name);
          mw.string(3, m.value);
        });
      }
      s.timestamp(3, sil.startsAt);
      s.timestamp(4, sil.endsAt);
      s.timestamp(5, sil.updatedAt);
      s.string(8, sil.createdBy);
      s.string(9, sil.comment);
    });
    w.timestamp(2, e.expiresAt);
    writeDelimited(out, w.bytes());
  }
  return out.bytes();
}

function decodeMatcher(r: WireReader, end: number): SilenceMatcher {
  let code = 0;
  let name = '';
  let value = '';
  while (r.pos < end) {
    const start = r.pos;
    const tag = r.tag(end);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'Matcher')) {
      case 1:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Type');
        code = r.int32(end);
        break;
      case 2:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Name');
        name = readString(r, end);
        break;
      case 3:
        if (wire !== WIRE_BYTES) wrongWireType(wire, 'Pattern');
        value = readString(r, end);
        break;
      default:
        r.skipField(start, end);
    }
  }
  const type = CODE_TYPE[code];
  if (type === undefined) throw new Error(`unknown matcher type ${code}`);
  return { name, value, type };
}

function decodeComment(r: WireReader, end: number): { author: string; comment: string } {
  let author = '';
  let comment = '';
  while (r.pos < end) {
    const start = r.pos;
    const tag = r.tag(end);
    const wire = tag % 8;
    const f = fieldNumber(tag, wire, 'Comment');
    if (f === 1 && wire === WIRE_BYTES) author = readString(r, end);
    else if (f === 2 && wire === WIRE_BYTES) comment = readString(r, end);
    else r.skipField(start, end);
  }
  return { author, comment };
}

function decodeSilence(r: WireReader, end: number): Silence {
  const s: Silence = { id: '', matchers: [], startsAt: 0, endsAt: 0, updatedAt: 0, createdBy: '', comment: '' };
  const comments: { author: string; comment: string }[] = [];
  while (r.pos < end) {
    const start = r.pos;
    const tag = r.tag(end);
    const wire = tag % 8;
    const f = fieldNumber(tag, wire, 'Silence');
    if (f === 1 || f === 2 || (f >= 3 && f <= 5) || f === 7 || f === 8 || f === 9) {
      if (wire !== WIRE_BYTES) wrongWireType(wire, String(f));
    }
    switch (f) {
      case 1: s.id = readString(r, end); break;
      case 2: { const e = r.lengthDelimited(end); s.matchers.push(decodeMatcher(r, e)); r.pos = e; break; }
      case 3: { const e = r.lengthDelimited(end); s.startsAt = readTimestamp(r, e); r.pos = e; break; }
      case 4: { const e = r.lengthDelimited(end); s.endsAt = readTimestamp(r, e); r.pos = e; break; }
      case 5: { const e = r.lengthDelimited(end); s.updatedAt = readTimestamp(r, e); r.pos = e; break; }
      case 7: { const e = r.lengthDelimited(end); comments.push(decodeComment(r, e)); r.pos = e; break; }
      case 8: s.createdBy = readString(r, end); break;
      case 9: s.comment = readString(r, end); break;
      default: r.skipField(start, end);
    }
  }
  // Silences from Alertmanager versions before 0.15 carry their author in a comment list.
  const first = comments[0];
  if (first !== undefined) {
    s.comment = first.comment;
    s.createdBy = first.author;
  }
  return s;
}

/** Decodes a snapshot. Throws on a malformed file, as Alertmanager refuses to start then. */
export function decodeSnapshot(b: Uint8Array): SnapshotEntry[] {
  const out: SnapshotEntry[] = [];
  for (const msg of readDelimited(b)) {
    const r = new WireReader(msg);
    let silence: Silence | null = null;
    let expiresAt = 0;
    while (r.pos < msg.length) {
      const start = r.pos;
      const tag = r.tag(msg.length);
      const wire = tag % 8;
      switch (fieldNumber(tag, wire, 'MeshSilence')) {
        case 1: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'Silence');
          const e = r.lengthDelimited(msg.length);
          silence = decodeSilence(r, e);
          r.pos = e;
          break;
        }
        case 2: {
          if (wire !== WIRE_BYTES) wrongWireType(wire, 'ExpiresAt');
          const e = r.lengthDelimited(msg.length);
          expiresAt = readTimestamp(r, e);
          r.pos = e;
          break;
        }
        default:
          r.skipField(start, msg.length);
      }
    }
    if (silence === null) throw new Error('invalid state');
    out.push({ silence, expiresAt });
  }
  return out;
}

export async function writeSnapshot(file: string, entries: readonly SnapshotEntry[]): Promise<number> {
  return writeSnapshotFile(file, encodeSnapshot(entries));
}

export async function readSnapshot(file: string): Promise<SnapshotEntry[]> {
  const b = await readSnapshotFile(file);
  return b === null ? [] : decodeSnapshot(b);
}
