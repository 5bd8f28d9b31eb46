/**
 * The index reader's view of the symbol table. Opening scans the table once (checking its
 * CRC) and keeps the file offset of every 32nd symbol, as Prometheus does; a lookup reads
 * the 32-symbol group holding the ref and caches the decoded group in a bounded LRU.
 * Label names (few, and half of all lookups) are resolved at open and always resident.
 */
import type { PagedFile } from './paged-file.js';
import { RangeScanner } from './range-scanner.js';
import { DecBuf, ERR_INVALID_CHECKSUM, decodeUtf8 } from './decbuf.js';
import { IndexFormatError, SYMBOL_FACTOR } from './format.js';

export interface SymbolTableOptions {
  /** Decoded 32-symbol groups kept (default 2048, i.e. 64k symbols). */
  maxGroups?: number;
  /** Bytes of symbol table pages cached, besides the decoded groups (default 4 MiB). */
  pageCacheBytes?: number;
}

export class SymbolTable {
  /** Number of symbols. */
  readonly count: number;
  /** File offset of symbol i*32, and of the end of the last symbol at [groups]. */
  readonly #groupOff: Float64Array;
  readonly #pf: PagedFile;
  readonly #names: Map<number, string>;
  readonly #cache = new Map<number, string[]>();
  readonly #maxGroups: number;
  readonly #d = new DecBuf(Buffer.alloc(0));

  private constructor(pf: PagedFile, count: number, groupOff: Float64Array, names: Map<number, string>, opts: SymbolTableOptions) {
    // Symbol pages get their own cache: they must not evict the series pages of a query.
    this.#pf = pf.view({ pageSize: 1 << 14, maxBytes: opts.pageCacheBytes ?? 1 << 22 });
    this.count = count;
    this.#groupOff = groupOff;
    this.#names = names;
    this.#maxGroups = Math.max(4, opts.maxGroups ?? 2048);
  }

  /**
   * Scans the table at `off` (its length field). `labelNames` are the names to resolve
   * now (every name of the postings offset table); their refs become `nameRefs`.
   */
  static async open(pf: PagedFile, off: number, labelNames: readonly string[], opts: SymbolTableOptions = {}): Promise<SymbolTable> {
    const hdr = await pf.read(off, 8);
    if (hdr.length < 8) throw new IndexFormatError('read symbols: invalid size');
    const len = hdr.readUInt32BE(0);
    const start = off + 4;
    const end = start + len;
    if (end + 4 > pf.size) throw new IndexFormatError('read symbols: invalid size');
    const count = hdr.readUInt32BE(4);
    // Names to find, by UTF-8 byte length, so that most symbols are never decoded.
    const wanted = new Map<number, { bytes: Buffer; name: string }[]>();
    for (const n of labelNames) {
      const bytes = Buffer.from(n, 'utf8');
      const l = wanted.get(bytes.length);
      if (l === undefined) wanted.set(bytes.length, [{ bytes, name: n }]); else l.push({ bytes, name: n });
    }
    const names = new Map<number, string>();
    const groups = Math.ceil(count / SYMBOL_FACTOR);
    const groupOff = new Float64Array(groups + 1);
    const sc = new RangeScanner(pf.handle, start, end, { crc: true });
    await sc.fill(4);
    sc.pos += 4;
    const d = new DecBuf(sc.buf, 0, 0);
    for (let i = 0; i < count; i++) {
      if (sc.end - sc.pos < 10) await sc.fill(10);
      d.reset(sc.buf, sc.pos, sc.end);
      const n = d.uvarint();
      if (d.err() !== null) throw new IndexFormatError(`read symbols: ${d.err()}`);
      const hl = d.pos - sc.pos;
      if (sc.end - sc.pos < hl + n && !(await sc.fill(hl + n))) throw new IndexFormatError('read symbols: invalid size');
      if (i % SYMBOL_FACTOR === 0) groupOff[i / SYMBOL_FACTOR] = sc.filePos;
      const cands = wanted.get(n);
      if (cands !== undefined) {
        const s = sc.pos + hl;
        for (const c of cands) {
          if (sc.buf.compare(c.bytes, 0, n, s, s + n) === 0) names.set(i, c.name);
        }
      }
      sc.pos += hl + n;
    }
    groupOff[groups] = sc.filePos;
    await sc.drain();
    if (sc.filePos !== end) throw new IndexFormatError('read symbols: invalid size');
    const crc = (await pf.read(end, 4)).readUInt32BE(0);
    if (crc !== sc.crc) throw new IndexFormatError(`read symbols: ${ERR_INVALID_CHECKSUM}`);
    return new SymbolTable(pf, count, groupOff, names, opts);
  }

  /** Refs of the label names given at open, by ref. */
  get nameRefs(): ReadonlyMap<number, string> {
    return this.#names;
  }

  /** The symbol if it is a label name or its group is cached; never does I/O. */
  lookupSync(ref: number): string | undefined {
    const n = this.#names.get(ref);
    if (n !== undefined) return n;
    const g = this.#cache.get(Math.floor(ref / SYMBOL_FACTOR));
    return g?.[ref % SYMBOL_FACTOR];
  }

  async lookup(ref: number): Promise<string> {
    const s = this.lookupSync(ref);
    if (s !== undefined) return s;
    if (!(ref >= 0 && ref < this.count)) throw new IndexFormatError(`unknown symbol offset ${ref}`);
    const g = await this.loadGroup(Math.floor(ref / SYMBOL_FACTOR));
    return g[ref % SYMBOL_FACTOR]!;
  }

  /** Whether `ref` is a label name (always resident). */
  isName(ref: number): boolean {
    return this.#names.has(ref);
  }

  /** Reads and caches one 32-symbol group; returns its symbols. */
  async loadGroup(g: number): Promise<string[]> {
    const hit = this.#cache.get(g);
    if (hit !== undefined) return hit;
    const s = this.#groupOff[g]!, e = this.#groupOff[g + 1]!;
    const b = await this.#pf.read(s, e - s);
    return this.#decodeGroup(g, b, 0);
  }

  /**
   * Makes the given groups cached and the most recently used (so that loading some does
   * not evict others of the same batch), reading the missing ones with one read per run
   * of neighbouring groups (up to about 64 KiB) through the symbol page cache.
   */
  async ensureGroups(groups: Iterable<number>): Promise<void> {
    const gs: number[] = [];
    for (const g of groups) {
      const v = this.#cache.get(g);
      if (v === undefined) { if (g >= 0 && g * SYMBOL_FACTOR < this.count) gs.push(g); continue; }
      this.#cache.delete(g);
      this.#cache.set(g, v);
    }
    gs.sort((x, y) => x - y);
    const reads: Promise<void>[] = [];
    let i = 0;
    while (i < gs.length) {
      let j = i + 1;
      const start = this.#groupOff[gs[i]!]!;
      while (j < gs.length && gs[j] === gs[j - 1]! + 1 && this.#groupOff[gs[j]! + 1]! - start <= 1 << 16) j++;
      const first = gs[i]!, last = gs[j - 1]!;
      reads.push(this.#pf.read(start, this.#groupOff[last + 1]! - start).then((b) => {
        for (let g = first; g <= last; g++) this.#decodeGroup(g, b, this.#groupOff[g]! - start);
      }));
      i = j;
    }
    await Promise.all(reads);
  }

  #decodeGroup(g: number, b: Buffer, at: number): string[] {
    const n = Math.min(SYMBOL_FACTOR, this.count - g * SYMBOL_FACTOR);
    const out = new Array<string>(n);
    const d = this.#d;
    d.reset(b, at, b.length);
    for (let i = 0; i < n; i++) {
      const st = d.uvarintBytesStart();
      out[i] = d.err() === null ? decodeUtf8(b, st, d.pos) : '';
    }
    if (d.err() !== null) throw new IndexFormatError(`read symbol group ${g}: ${d.err() ?? ''}`);
    this.#cache.set(g, out);
    if (this.#cache.size > this.#maxGroups) this.#cache.delete(this.#cache.keys().next().value!);
    return out;
  }

  /** Drops the caches (the file belongs to the reader). */
  async close(): Promise<void> {
    this.#cache.clear();
    await this.#pf.close();
  }

  /** Calls `fn` for every symbol in order (a sequential scan; nothing is cached). */
  async forEach(fn: (sym: string, ref: number) => void): Promise<void> {
    const end = this.#groupOff[this.#groupOff.length - 1]!;
    const sc = new RangeScanner(this.#pf.handle, this.#groupOff[0] ?? end, end);
    const d = new DecBuf(sc.buf, 0, 0);
    for (let i = 0; i < this.count; i++) {
      if (sc.end - sc.pos < 10) await sc.fill(10);
      d.reset(sc.buf, sc.pos, sc.end);
      const n = d.uvarint();
      const hl = d.pos - sc.pos;
      if (sc.end - sc.pos < hl + n) await sc.fill(hl + n);
      fn(decodeUtf8(sc.buf, sc.pos + hl, sc.pos + hl + n), i);
      sc.pos += hl + n;
    }
  }
}
