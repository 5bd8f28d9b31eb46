/**
 * Lays records out into pages exactly as Prometheus's WAL writer does, into an in-memory
 * "outbox" of bytes not yet written to disk. Synchronous: the writer's I/O loop later
 * takes the outbox (`take()`) and appends it to the segment files.
 *
 * Layout rules (byte-identical to Prometheus): a record is compressed first, and kept
 * uncompressed when compression saves nothing; a record that does not fit in the rest of
 * the segment starts a new segment (records never span segments; one larger than a whole
 * segment still goes into one, longer, segment); it is cut into fragments that fill each
 * page; a page whose rest is shorter than a header is padded with zeros.
 */
import { Codec, type CompressionType } from './compression.js';
import {
  FRAG_FIRST, FRAG_FULL, FRAG_LAST, FRAG_MIDDLE, HEADER_SIZE, PAGE_SIZE, SNAPPY_FLAG, ZSTD_FLAG,
} from './constants.js';
import { crc32c } from '../../util/crc32c.js';

/** Bytes of one segment inside a taken outbox: `buf[start:end]` goes to segment `segment`. */
export interface OutboxPart {
  segment: number;
  start: number;
  end: number;
}

export interface TakenOutbox {
  buf: Uint8Array;
  parts: OutboxPart[];
  bytes: number;
}

export interface LayoutStats {
  recordPartWrites: number;
  recordPartBytes: number;
  completedPages: number;
  recordBytesSaved: number;
}

export class PageLayout {
  /** Segment being filled, pages completed in it, and the offset in the current page. */
  segment: number;
  donePages: number;
  pageOff: number;
  readonly pagesPerSegment: number;
  readonly compression: CompressionType;
  readonly stats: LayoutStats = { recordPartWrites: 0, recordPartBytes: 0, completedPages: 0, recordBytesSaved: 0 };

  #ob: Uint8Array;
  #spare: Uint8Array | null;
  #len = 0;
  /** Boundaries of earlier segments in the outbox (a rollover happened since the last take). */
  #parts: OutboxPart[] = [];
  #partStart = 0;
  /** Whether the outbox holds anything to hand to the I/O loop (bytes or a new segment). */
  #dirty = false;
  readonly #codec = new Codec();

  constructor(segment: number, segmentSize: number, compression: CompressionType, initialBytes = 1 << 20) {
    this.segment = segment;
    this.donePages = 0;
    this.pageOff = 0;
    this.pagesPerSegment = segmentSize / PAGE_SIZE;
    this.compression = compression;
    this.#ob = new Uint8Array(initialBytes);
    this.#spare = new Uint8Array(initialBytes);
  }

  /** Bytes waiting in the outbox. */
  get pendingBytes(): number {
    return this.#len;
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  /** Offset in the current segment up to which records are laid out (written or not). */
  offset(): number {
    return this.donePages * PAGE_SIZE + this.pageOff;
  }

  #reserve(n: number): void {
    const need = this.#len + n;
    if (need <= this.#ob.length) return;
    let c = this.#ob.length * 2;
    while (c < need) c *= 2;
    const b = new Uint8Array(c);
    b.set(this.#ob.subarray(0, this.#len));
    this.#ob = b;
  }

  /** Zero-fills the rest of the current page and starts the next. */
  padPage(): void {
    const n = PAGE_SIZE - this.pageOff;
    this.#reserve(n);
    this.#ob.fill(0, this.#len, this.#len + n);
    this.#len += n;
    this.pageOff = 0;
    this.donePages++;
    this.stats.completedPages++;
    this.#dirty = true;
  }

  /** Closes the current segment (padding its last page if started) and starts the next. */
  nextSegment(): number {
    if (this.pageOff > 0) this.padPage();
    this.#parts.push({ segment: this.segment, start: this.#partStart, end: this.#len });
    this.#partStart = this.#len;
    this.segment++;
    this.donePages = 0;
    this.pageOff = 0;
    this.#dirty = true;
    return this.segment;
  }

  /** Lays out one record. The record's bytes are copied; the caller may reuse them. */
  append(rec: Uint8Array): void {
    if (PAGE_SIZE - this.pageOff < HEADER_SIZE) this.padPage();
    let enc = rec;
    let flag = 0;
    if (this.compression !== 'none' && rec.length > 0) {
      const c = this.#codec.compress(this.compression, rec);
      const saved = rec.length - c.length;
      // Prometheus keeps a record uncompressed when compression does not make it smaller.
      if (saved > 0) {
        enc = c;
        flag = this.compression === 'snappy' ? SNAPPY_FLAG : ZSTD_FLAG;
        this.stats.recordBytesSaved += saved;
      }
    }
    const left = (PAGE_SIZE - this.pageOff - HEADER_SIZE) + (PAGE_SIZE - HEADER_SIZE) * (this.pagesPerSegment - this.donePages - 1);
    if (enc.length > left) this.nextSegment();

    // Worst case: a header per page plus padding of the current page.
    this.#reserve(enc.length + HEADER_SIZE * (Math.ceil(enc.length / (PAGE_SIZE - HEADER_SIZE)) + 2) + PAGE_SIZE);
    const ob = this.#ob;
    let off = 0;
    // At least one pass, so that an empty record is written as an empty full fragment.
    for (let i = 0; i === 0 || off < enc.length; i++) {
      const l = Math.min(enc.length - off, PAGE_SIZE - this.pageOff - HEADER_SIZE);
      const last = off + l === enc.length;
      const typ = i === 0 ? (last ? FRAG_FULL : FRAG_FIRST) : (last ? FRAG_LAST : FRAG_MIDDLE);
      const p = this.#len;
      ob.set(enc.subarray(off, off + l), p + HEADER_SIZE);
      const crc = crc32c(ob, p + HEADER_SIZE, p + HEADER_SIZE + l);
      ob[p] = typ | flag;
      ob[p + 1] = l >>> 8;
      ob[p + 2] = l & 0xff;
      ob[p + 3] = crc >>> 24;
      ob[p + 4] = (crc >>> 16) & 0xff;
      ob[p + 5] = (crc >>> 8) & 0xff;
      ob[p + 6] = crc & 0xff;
      this.#len = p + HEADER_SIZE + l;
      this.pageOff += HEADER_SIZE + l;
      this.stats.recordPartWrites++;
      this.stats.recordPartBytes += HEADER_SIZE + l;
      if (PAGE_SIZE - this.pageOff < HEADER_SIZE) this.padPage();
      off += l;
    }
    this.#dirty = true;
  }

  /**
   * Hands the outbox to the I/O loop and starts an empty one. The taken buffer must be
   * given back with `giveBack` once written, so the two buffers alternate.
   */
  take(): TakenOutbox {
    const parts = this.#parts;
    parts.push({ segment: this.segment, start: this.#partStart, end: this.#len });
    const taken: TakenOutbox = { buf: this.#ob, parts, bytes: this.#len };
    this.#ob = this.#spare ?? new Uint8Array(1 << 20);
    this.#spare = null;
    this.#len = 0;
    this.#parts = [];
    this.#partStart = 0;
    this.#dirty = false;
    return taken;
  }

  giveBack(buf: Uint8Array): void {
    // Keep the spare from growing without bound after one huge batch.
    if (this.#spare === null && buf.length <= 64 << 20) this.#spare = buf;
  }
}
