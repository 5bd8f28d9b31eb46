/**
 * The file format of Alertmanager's snapshots (`silences`, `nflog` under --storage.path): a
 * sequence of protobuf messages, each preceded by its length as a varint. This file has the
 * small protobuf writer, the framing, and `google.protobuf.Timestamp` in both directions;
 * the message layouts live with the silences and the notification log.
 *
 * Times are Unix milliseconds with 0 standing for Go's zero time, which Alertmanager writes
 * as -62135596800 seconds.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { WireReader, WIRE_BYTES, WIRE_VARINT, fieldNumber, wrongWireType } from '../../util/protobuf-wire.js';

const TWO32 = 4294967296;
/** Seconds of Go's zero time (0001-01-01T00:00:00Z) since the Unix epoch. */
export const GO_ZERO_SECONDS = -62135596800;

const enc = new TextEncoder();

/** A growable protobuf writer. Not for hot paths: nested messages are built in their own writer. */
export class PBWriter {
  #buf = new Uint8Array(128);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  #grow(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < this.#len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.#buf.subarray(0, this.#len));
    this.#buf = b;
  }

  /** A non-negative integer up to 2^53 as a varint. */
  varint(n: number): void {
    this.varint64(Math.floor(n / TWO32), n >>> 0);
  }

  /** A 64-bit varint given as two unsigned 32-bit words. */
  varint64(hi: number, lo: number): void {
    this.#grow(10);
    const b = this.#buf;
    let p = this.#len;
    while (hi !== 0 || lo > 0x7f) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | ((hi & 0x7f) << 25)) >>> 0;
      hi = hi >>> 7;
    }
    b[p++] = lo;
    this.#len = p;
  }

  raw(bytes: Uint8Array): void {
    this.#grow(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** A two's-complement int64 (negative values take ten bytes, as in Go). */
  int64(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, WIRE_VARINT);
    if (v >= 0) {
      this.varint(v);
      return;
    }
    const mag = -v;
    const lo = (~(mag >>> 0) + 1) >>> 0;
    let hi = (~Math.floor(mag / TWO32)) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
    this.varint64(hi, lo);
  }

  uint(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, WIRE_VARINT);
    this.varint(v);
  }

  bool(field: number, v: boolean): void {
    if (!v) return;
    this.tag(field, WIRE_VARINT);
    this.varint(1);
  }

  /** A string field; proto3 leaves out the empty string. */
  string(field: number, s: string): void {
    if (s === '') return;
    this.bytesField(field, enc.encode(s));
  }

  bytesField(field: number, b: Uint8Array): void {
    this.tag(field, WIRE_BYTES);
    this.varint(b.length);
    this.raw(b);
  }

  /** A nested message, always written (Alertmanager's timestamps are non-nullable). */
  message(field: number, body: (w: PBWriter) => void): void {
    const w = new PBWriter();
    body(w);
    this.bytesField(field, w.bytes());
  }

  timestamp(field: number, ms: number): void {
    this.message(field, (w) => {
      if (ms === 0) {
        w.int64(1, GO_ZERO_SECONDS);
        return;
      }
      const secs = Math.floor(ms / 1000);
      w.int64(1, secs);
      w.uint(2, Math.round((ms - secs * 1000) * 1e6));
    });
  }
}

/** Appends `msg` to `out` with its varint length in front. */
export function writeDelimited(out: PBWriter, msg: Uint8Array): void {
  out.varint(msg.length);
  out.raw(msg);
}

/** Splits a snapshot into its messages (views into `b`). Throws ProtoWireError when truncated. */
export function readDelimited(b: Uint8Array): Uint8Array[] {
  const r = new WireReader(b);
  const out: Uint8Array[] = [];
  while (r.pos < b.length) {
    const end = r.lengthDelimited(b.length);
    out.push(b.subarray(r.pos, end));
    r.pos = end;
  }
  return out;
}

/** Reads a `google.protobuf.Timestamp` body spanning [r.pos, end) into Unix ms (0 for Go's zero time). */
export function readTimestamp(r: WireReader, end: number): number {
  let secs = 0;
  let nanos = 0;
  while (r.pos < end) {
    const start = r.pos;
    const tag = r.tag(end);
    const wire = tag % 8;
    switch (fieldNumber(tag, wire, 'Timestamp')) {
      case 1:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Seconds');
        secs = r.int64(end);
        break;
      case 2:
        if (wire !== WIRE_VARINT) wrongWireType(wire, 'Nanos');
        nanos = r.int32(end);
        break;
      default:
        r.skipField(start, end);
    }
  }
  if (secs <= GO_ZERO_SECONDS) return 0;
  return secs * 1000 + Math.floor(nanos / 1e6);
}

const dec = new TextDecoder();

/** A length-delimited field's content as text. */
export function readString(r: WireReader, end: number): string {
  const e = r.lengthDelimited(end);
  const s = dec.decode(r.b.subarray(r.pos, e));
  r.pos = e;
  return s;
}

/** Writes a snapshot file atomically; returns its size in bytes. */
export async function writeSnapshotFile(file: string, body: Uint8Array): Promise<number> {
  const tmp = `${file}.${randomBytes(8).toString('hex')}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(body);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await rename(tmp, file);
  return body.length;
}

/** Reads a snapshot file; a missing file is an empty snapshot (null). */
export async function readSnapshotFile(file: string): Promise<Uint8Array | null> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
