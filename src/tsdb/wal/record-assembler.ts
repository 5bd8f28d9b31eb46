/**
 * Reassembles records from the fragments of one segment, checking what Prometheus's
 * readers check: fragment CRCs, sizes, the order full | first middle* last, and that page
 * padding is all zeros. Shared by the sequential reader and the live (tailing) reader,
 * which differ only in where bytes come from and whether the end of the data is final.
 *
 * The caller owns the I/O: it appends segment bytes into `space()`, calls `filled(n)`,
 * then `step()` until it answers NEED (more bytes wanted) or END (segment done).
 */
import { Codec, type CompressionType } from './compression.js';
import {
  FRAG_FIRST, FRAG_FULL, FRAG_LAST, FRAG_MIDDLE, FRAG_PAGE_TERM, FRAG_TYPE_MASK, HEADER_SIZE, PAGE_SIZE, SNAPPY_FLAG, ZSTD_FLAG,
} from './constants.js';
import { crc32cView } from '../../util/crc32c.js';

export const STEP_RECORD = 0;
export const STEP_NEED = 1;
export const STEP_END = 2;
export const STEP_ERROR = 3;
export type Step = typeof STEP_RECORD | typeof STEP_NEED | typeof STEP_END | typeof STEP_ERROR;

export class RecordAssembler {
  /** Segment bytes `[bufStart, bufStart + len)`; parsing is at `pos`. */
  readonly buf: Uint8Array;
  /** Views `buf`, for the CRCs. */
  readonly #dv: DataView;
  bufStart = 0;
  len = 0;
  pos = 0;
  /** True when no more bytes will come for this segment (file end of a finished segment). */
  eof = false;

  /** The last complete record; valid until the next `step()` or `compact()`. */
  record: Uint8Array = new Uint8Array(0);
  /** Segment offsets of the last complete record: start of its first fragment, end of its last. */
  recordStart = 0;
  recordEnd = 0;
  /** After STEP_ERROR: what is wrong and the segment offset to truncate at. */
  error = '';
  errorOffset = 0;
  errorCause: unknown = undefined;

  #frags = 0;
  #recStart = 0;
  #rec = new Uint8Array(PAGE_SIZE);
  #recLen = 0;
  readonly #codec = new Codec();

  constructor(capacityPages = 16) {
    this.buf = new Uint8Array(Math.max(2, capacityPages) * PAGE_SIZE);
    this.#dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Starts a new segment, whose bytes will come from segment offset `at` (a record boundary) on. */
  resetSegment(at = 0): void {
    this.bufStart = at;
    this.len = 0;
    this.pos = 0;
    this.eof = false;
    this.#frags = 0;
    this.#recLen = 0;
    this.error = '';
  }

  /** Bytes consumed so far in this segment (the end of the last whole fragment or padding read). */
  consumed(): number {
    return this.bufStart + this.pos;
  }

  /** Drops consumed bytes so that `space()` can take more. */
  compact(): void {
    if (this.pos === 0) return;
    this.buf.copyWithin(0, this.pos, this.len);
    this.bufStart += this.pos;
    this.len -= this.pos;
    this.pos = 0;
  }

  space(): Uint8Array {
    return this.buf.subarray(this.len);
  }

  filled(n: number): void {
    this.len += n;
  }

  #fail(reason: string, segOff: number, cause?: unknown): Step {
    this.error = reason;
    this.errorOffset = this.#frags > 0 ? this.#recStart : segOff;
    this.errorCause = cause;
    return STEP_ERROR;
  }

  step(): Step {
    const buf = this.buf;
    for (;;) {
      const avail = this.len - this.pos;
      const segOff = this.bufStart + this.pos;
      if (avail === 0) {
        if (!this.eof) return STEP_NEED;
        return this.#frags > 0 ? this.#fail('last record is torn', segOff) : STEP_END;
      }
      const head = buf[this.pos]!;
      const typ = head & FRAG_TYPE_MASK;
      if (typ === FRAG_PAGE_TERM) {
        // The rest of the page must be zeros. A segment that ends inside the page reads as
        // if padded with zeros, as Prometheus's segment reader pads it.
        const k = PAGE_SIZE - (segOff % PAGE_SIZE);
        const have = Math.min(avail, k);
        const p = this.pos;
        for (let i = 1; i < have; i++) {
          if (buf[p + i] !== 0) return this.#fail('unexpected non-zero byte in padded page', segOff);
        }
        if (have < k && !this.eof) return STEP_NEED;
        this.pos += have;
        continue;
      }
      if (avail < HEADER_SIZE) return this.eof ? this.#fail('last record is torn', segOff) : STEP_NEED;
      const p = this.pos;
      const length = (buf[p + 1]! << 8) | buf[p + 2]!;
      const want = ((buf[p + 3]! << 24) | (buf[p + 4]! << 16) | (buf[p + 5]! << 8) | buf[p + 6]!) >>> 0;
      if (length > PAGE_SIZE - HEADER_SIZE) return this.#fail(`invalid record size ${length}`, segOff);
      if (avail < HEADER_SIZE + length) return this.eof ? this.#fail('last record is torn', segOff) : STEP_NEED;
      const d0 = p + HEADER_SIZE;
      const got = crc32cView(this.#dv, buf, d0, d0 + length);
      if (got !== want) return this.#fail(`unexpected checksum ${got.toString(16)}, expected ${want.toString(16)}`, segOff);
      const seqErr = sequenceError(typ, this.#frags);
      if (seqErr !== null) return this.#fail(seqErr, segOff);
      if (this.#frags === 0) this.#recStart = segOff;
      this.pos = d0 + length;
      let raw: Uint8Array;
      if (typ === FRAG_FULL) {
        raw = buf.subarray(d0, d0 + length);
      } else {
        this.#append(buf, d0, length);
        if (typ !== FRAG_LAST) {
          this.#frags++;
          continue;
        }
        raw = this.#rec.subarray(0, this.#recLen);
      }
      // The compression flag of the final fragment decides, as in Prometheus's readers.
      const compression: CompressionType = (head & SNAPPY_FLAG) !== 0 ? 'snappy' : (head & ZSTD_FLAG) !== 0 ? 'zstd' : 'none';
      try {
        this.record = this.#codec.decompress(compression, raw);
      } catch (e) {
        return this.#fail(`decompress ${compression} record: ${e instanceof Error ? e.message : String(e)}`, segOff, e);
      }
      this.recordStart = this.#recStart;
      this.recordEnd = this.bufStart + this.pos;
      this.#frags = 0;
      this.#recLen = 0;
      return STEP_RECORD;
    }
  }

  #append(src: Uint8Array, start: number, n: number): void {
    const need = this.#recLen + n;
    if (need > this.#rec.length) {
      let c = this.#rec.length * 2;
      while (c < need) c *= 2;
      const r = new Uint8Array(c);
      r.set(this.#rec.subarray(0, this.#recLen));
      this.#rec = r;
    }
    this.#rec.set(src.subarray(start, start + n), this.#recLen);
    this.#recLen = need;
  }
}

/** Prometheus's checks of fragment order, with its wording. */
function sequenceError(typ: number, frags: number): string | null {
  switch (typ) {
    case FRAG_FULL: return frags !== 0 ? 'unexpected full record' : null;
    case FRAG_FIRST: return frags !== 0 ? 'unexpected first record, dropping buffer' : null;
    case FRAG_MIDDLE: return frags === 0 ? 'unexpected middle record, dropping buffer' : null;
    case FRAG_LAST: return frags === 0 ? 'unexpected last record, dropping buffer' : null;
    default: return `unexpected record type ${typ}`;
  }
}
