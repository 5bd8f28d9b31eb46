/**
 * The index reader's view of the postings offset table: every label name, and for each
 * name only its first value, every 32nd value and its last value with the file offset of
 * their table entries, as Prometheus keeps in memory. Finding any other value reads the
 * short stretch of the table between two kept entries (through the page cache).
 */
import type { PagedFile } from './paged-file.js';
import { RangeScanner } from './range-scanner.js';
import { DecBuf, ERR_INVALID_CHECKSUM, decodeUtf8 } from './decbuf.js';
import { IndexFormatError, SYMBOL_FACTOR } from './format.js';
import { compareUtf8 } from './utf8-order.js';

/** The sampled entries of one label name. */
interface NameEntries {
  /** Kept values, ascending; the first and the last value of the name are always kept. */
  readonly values: string[];
  /** File offsets of the kept entries. */
  readonly offs: number[];
  /** File offset just past the name's last entry. */
  end: number;
  /** Number of values of the name. */
  count: number;
}

/** A value of a label name and where its postings list starts. */
export interface PostingsRef {
  value: string;
  /** File offset of the postings list (its length field). */
  off: number;
}

/** Entries decoded per read when walking a whole name. */
const WALK_BYTES = 1 << 18;

export class PostingsTable {
  readonly #pf: PagedFile;
  readonly #names: Map<string, NameEntries>;
  readonly #d = new DecBuf(Buffer.alloc(0));

  private constructor(pf: PagedFile, names: Map<string, NameEntries>) {
    this.#pf = pf;
    this.#names = names;
  }

  /** Scans the table whose length field is at `off`, checking its CRC. */
  static async open(pf: PagedFile, off: number): Promise<PostingsTable> {
    const hdr = await pf.read(off, 8);
    if (hdr.length < 8) throw new IndexFormatError('read postings table: invalid size');
    const len = hdr.readUInt32BE(0);
    const start = off + 4, end = start + len;
    if (end + 4 > pf.size) throw new IndexFormatError('read postings table: invalid size');
    let left = hdr.readUInt32BE(4);
    const names = new Map<string, NameEntries>();
    const sc = new RangeScanner(pf.handle, start, end, { crc: true });
    await sc.fill(4);
    sc.pos += 4;
    const d = new DecBuf(sc.buf, 0, 0);
    let curName = Buffer.alloc(0);
    let cur: NameEntries | null = null;
    let lastValue = Buffer.alloc(256);
    let lastLen = 0;
    let lastOff = -1;
    while (left > 0 && sc.left > 0) {
      if (sc.end - sc.pos < 1 << 12) await sc.fill(Math.min(sc.left, 1 << 12));
      d.reset(sc.buf, sc.pos, sc.end);
      const entryOff = sc.filePos;
      const keys = d.uvarint();
      const ns = d.uvarintBytesStart(), ne = d.pos;
      const vs = d.uvarintBytesStart(), ve = d.pos;
      d.uvarint();
      if (d.err() !== null) {
        // An entry longer than what is loaded: load more and retry it.
        if (sc.left > sc.end - sc.pos && (await sc.fill(2 * (sc.end - sc.pos) + 16))) continue;
        throw new IndexFormatError(`read postings table: ${d.err()}`);
      }
      if (keys !== 2) throw new IndexFormatError(`read postings table: unexpected number of keys for postings offset table ${keys}`);
      const b = sc.buf;
      if (cur === null || b.compare(curName, 0, curName.length, ns, ne) !== 0) {
        if (cur !== null) finishName(cur, lastValue, lastLen, lastOff, entryOff);
        curName = Buffer.from(b.subarray(ns, ne));
        cur = { values: [], offs: [], end: 0, count: 0 };
        names.set(decodeUtf8(b, ns, ne), cur);
      }
      if (cur.count % SYMBOL_FACTOR === 0) {
        cur.values.push(decodeUtf8(b, vs, ve));
        cur.offs.push(entryOff);
        lastOff = -1;
      } else {
        if (ve - vs > lastValue.length) lastValue = Buffer.alloc(2 * (ve - vs));
        b.copy(lastValue, 0, vs, ve);
        lastLen = ve - vs;
        lastOff = entryOff;
      }
      cur.count++;
      sc.pos = d.pos;
      left--;
    }
    if (cur !== null) finishName(cur, lastValue, lastLen, lastOff, sc.filePos);
    await sc.drain();
    const crc = (await pf.read(end, 4)).readUInt32BE(0);
    if (crc !== sc.crc) throw new IndexFormatError(`read postings table: ${ERR_INVALID_CHECKSUM}`);
    return new PostingsTable(pf, names);
  }

  /** All label names (including '' of the all-postings list), in table order. */
  names(): string[] {
    return [...this.#names.keys()];
  }

  has(name: string): boolean {
    return this.#names.has(name);
  }

  /** Number of values of a label name (0 when absent). */
  valueCount(name: string): number {
    return this.#names.get(name)?.count ?? 0;
  }

  /** Bytes of memory the sampled entries take, roughly. */
  approxBytes(): number {
    let n = 0;
    for (const [k, e] of this.#names) {
      n += 64 + 2 * k.length;
      for (const v of e.values) n += 40 + 2 * v.length;
    }
    return n;
  }

  /**
   * Postings list offsets of the given values of `name` that exist, in value order.
   * `values` must be sorted in UTF-8 byte order and unique.
   */
  async find(name: string, values: readonly string[]): Promise<PostingsRef[]> {
    const e = this.#names.get(name);
    const out: PostingsRef[] = [];
    if (e === undefined || values.length === 0) return out;
    const kept = e.values;
    let vi = 0;
    while (vi < values.length) {
      const v = values[vi]!;
      // The last kept entry whose value is <= v.
      let lo = 0, hi = kept.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareUtf8(kept[mid]!, v) <= 0) lo = mid + 1; else hi = mid;
      }
      const g = lo - 1;
      if (g < 0) { vi++; continue; }
      const s = e.offs[g]!;
      const end = g + 1 < e.offs.length ? e.offs[g + 1]! : e.end;
      const b = await this.#pf.read(s, end - s);
      const d = this.#d;
      d.reset(b, 0, b.length);
      // Walk the group, matching every requested value that falls in it.
      const upper = g + 1 < kept.length ? kept[g + 1]! : null;
      while (d.remaining() > 0 && vi < values.length) {
        d.uvarint();
        d.uvarintBytesStart();
        const vs = d.uvarintBytesStart(), ve = d.pos;
        const off = d.uvarint();
        if (d.err() !== null) throw new IndexFormatError(`get postings offset entry: ${d.err()}`);
        const val = decodeUtf8(b, vs, ve);
        while (vi < values.length && compareUtf8(values[vi]!, val) < 0) vi++;
        if (vi < values.length && values[vi] === val) { out.push({ value: val, off }); vi++; }
      }
      // Values left below the next kept entry are absent.
      while (vi < values.length && (upper === null || compareUtf8(values[vi]!, upper) < 0)) vi++;
    }
    return out;
  }

  /**
   * Calls `fn` for every value of `name` in order with its postings list offset; stops
   * when `fn` returns false. Reads the name's stretch of the table in pieces.
   */
  async walk(name: string, fn: (value: string, off: number) => boolean): Promise<void> {
    const e = this.#names.get(name);
    if (e === undefined) return;
    const d = this.#d;
    let g = 0;
    while (g < e.offs.length) {
      // Several kept groups per read, up to about WALK_BYTES.
      const s = e.offs[g]!;
      let h = g + 1;
      while (h < e.offs.length && e.offs[h]! - s < WALK_BYTES) h++;
      const end = h < e.offs.length ? e.offs[h]! : e.end;
      const b = end - s > WALK_BYTES ? await this.#pf.readDirect(s, end - s) : await this.#pf.read(s, end - s);
      d.reset(b, 0, b.length);
      while (d.remaining() > 0) {
        d.uvarint();
        d.uvarintBytesStart();
        const vs = d.uvarintBytesStart(), ve = d.pos;
        const off = d.uvarint();
        if (d.err() !== null) throw new IndexFormatError(`get postings offset entry: ${d.err()}`);
        if (!fn(decodeUtf8(b, vs, ve), off)) return;
      }
      g = h;
    }
  }
}

function finishName(e: NameEntries, lastValue: Buffer, lastLen: number, lastOff: number, end: number): void {
  if (lastOff >= 0) {
    e.values.push(decodeUtf8(lastValue, 0, lastLen));
    e.offs.push(lastOff);
  }
  e.end = end;
}
