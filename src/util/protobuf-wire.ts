/**
 * Protobuf wire-format reading over a Uint8Array with a cursor: varints (64-bit values kept
 * as two 32-bit words, converted to numbers only at the end), zigzag, little-endian doubles,
 * length-delimited fields and skipping of unknown fields. Every length is checked against
 * the enclosing message before use and never used to size an allocation. Errors read like
 * those of the gogo-protobuf code Prometheus runs.
 */

/**
 * A malformed protobuf message. Decoders built on this reader may rethrow it as their own
 * error type (textparse does, as `ParseError`); the message text stays the same.
 */
export class ProtoWireError extends Error {
  override readonly name = 'ProtoWireError';
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const TWO32 = 4294967296;

export const ERR_UNEXPECTED_EOF = 'unexpected EOF';
export const ERR_INT_OVERFLOW = 'proto: integer overflow';
export const ERR_INVALID_LENGTH = 'proto: negative length found during unmarshaling';

export class WireReader {
  readonly b: Uint8Array;
  readonly dv: DataView;
  /** Cursor: the next byte to read. */
  pos = 0;
  /** Low and high 32-bit words (unsigned) of the last varint read. */
  lo = 0;
  hi = 0;

  constructor(b: Uint8Array) {
    this.b = b;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** Reads a varint that must end before `end` into `lo`/`hi`; at most 10 bytes, extra high bits dropped. */
  varint(end: number): void {
    const b = this.b;
    let p = this.pos;
    if (p < end) {
      const c = b[p]!;
      if (c < 0x80) {
        this.lo = c;
        this.hi = 0;
        this.pos = p + 1;
        return;
      }
    }
    let lo = 0, hi = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift >= 64) throw new ProtoWireError(ERR_INT_OVERFLOW);
      if (p >= end) throw new ProtoWireError(ERR_UNEXPECTED_EOF);
      const c = b[p++]!;
      const v = c & 0x7f;
      if (shift < 28) lo |= v << shift;
      else if (shift === 28) {
        lo |= v << 28;
        hi |= v >>> 4;
      } else hi |= v << (shift - 32);
      if (c < 0x80) break;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    this.pos = p;
  }

  /** A field tag: returns `fieldNumber * 8 + wireType` as a number (field numbers up to 2^29). */
  tag(end: number): number {
    this.varint(end);
    return this.hi * TWO32 + this.lo;
  }

  uint64(end: number): number {
    this.varint(end);
    return this.hi * TWO32 + this.lo;
  }

  uint32(end: number): number {
    this.varint(end);
    return this.lo;
  }

  /** int32 (and enums): the low word as a signed 32-bit integer, as Go truncates. */
  int32(end: number): number {
    this.varint(end);
    return this.lo | 0;
  }

  /** Two's-complement int64; exact within ±2^53. */
  int64(end: number): number {
    this.varint(end);
    const lo = this.lo, hi = this.hi;
    if (hi < 0x80000000) return hi * TWO32 + lo;
    const nlo = (~lo + 1) >>> 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    return -(nhi * TWO32 + nlo);
  }

  sint32(end: number): number {
    this.varint(end);
    const x = this.lo;
    return (x >>> 1) ^ -(x & 1);
  }

  sint64(end: number): number {
    this.varint(end);
    const lo = this.lo, hi = this.hi;
    const slo = ((lo >>> 1) | (hi << 31)) >>> 0;
    const shi = hi >>> 1;
    const mag = shi * TWO32 + slo;
    return (lo & 1) === 0 ? mag : -mag - 1;
  }

  double(end: number): number {
    const p = this.pos;
    if (p + 8 > end) throw new ProtoWireError(ERR_UNEXPECTED_EOF);
    this.pos = p + 8;
    return this.dv.getFloat64(p, true);
  }

  /** A length prefix; the content `[pos, pos + len)` must fit before `end`. Returns the content end. */
  lengthDelimited(end: number): number {
    this.varint(end);
    if (this.hi >= 0x80000000) throw new ProtoWireError(ERR_INVALID_LENGTH);
    const len = this.hi * TWO32 + this.lo;
    const e = this.pos + len;
    if (e > end) throw new ProtoWireError(ERR_UNEXPECTED_EOF);
    return e;
  }

  /** Skips the field whose tag started at `tagStart` (groups included); the cursor ends after it. */
  skipField(tagStart: number, end: number): void {
    this.pos = tagStart;
    let depth = 0;
    for (;;) {
      const wire = this.tag(end) % 8;
      switch (wire) {
        case WIRE_VARINT:
          this.varint(end);
          break;
        case WIRE_FIXED64:
          if (this.pos + 8 > end) throw new ProtoWireError(ERR_UNEXPECTED_EOF);
          this.pos += 8;
          break;
        case WIRE_BYTES:
          this.pos = this.lengthDelimited(end);
          break;
        case WIRE_START_GROUP:
          depth++;
          break;
        case WIRE_END_GROUP:
          if (depth === 0) throw new ProtoWireError('proto: unexpected end of group');
          depth--;
          break;
        case WIRE_FIXED32:
          if (this.pos + 4 > end) throw new ProtoWireError(ERR_UNEXPECTED_EOF);
          this.pos += 4;
          break;
        default:
          throw new ProtoWireError(`proto: illegal wireType ${wire}`);
      }
      if (depth === 0) return;
    }
  }
}

/** Checks a tag as the generated decoders do; returns the field number. */
export function fieldNumber(tag: number, wire: number, message: string): number {
  if (wire === WIRE_END_GROUP) throw new ProtoWireError(`proto: ${message}: wiretype end group for non-group`);
  const field = Math.floor(tag / 8);
  if (field <= 0 || field > 0x7fffffff) throw new ProtoWireError(`proto: ${message}: illegal tag ${field} (wire type ${tag})`);
  return field;
}

export function wrongWireType(wire: number, field: string): never {
  throw new ProtoWireError(`proto: wrong wireType = ${wire} for field ${field}`);
}

/** Growable float64 list that keeps its storage between uses. */
export class F64List {
  a = new Float64Array(16);
  n = 0;

  push(v: number): void {
    if (this.n === this.a.length) {
      const g = new Float64Array(this.a.length * 2);
      g.set(this.a);
      this.a = g;
    }
    this.a[this.n++] = v;
  }

  clear(): void {
    this.n = 0;
  }

  toArray(): number[] {
    const out = new Array<number>(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.a[i]!;
    return out;
  }
}

/** Growable int32 list that keeps its storage between uses. */
export class I32List {
  a = new Int32Array(16);
  n = 0;

  push(v: number): void {
    if (this.n === this.a.length) {
      const g = new Int32Array(this.a.length * 2);
      g.set(this.a);
      this.a = g;
    }
    this.a[this.n++] = v;
  }

  clear(): void {
    this.n = 0;
  }
}
