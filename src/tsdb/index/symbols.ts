/**
 * The index reader's view of the symbol table. Opening scans the table once (checking its
 * CRC) and keeps the file offset of every 32nd symbol, as Prometheus does. A lookup walks
 * the 32-symbol group holding the ref in the table's own page cache and decodes just that
 * symbol into a direct-mapped cache of strings (one slot per ref modulo its size: no
 * bookkeeping on hits, collisions simply replace). Label names (few, and half of all
 * lookups) are resolved at open and always resident.
 */
import type { PagedFile } from './paged-file.js';
import { RangeScanner } from './range-scanner.js';
import { DecBuf, ERR_INVALID_CHECKSUM, decodeUtf8 } from './decbuf.js';
import { IndexFormatError, SYMBOL_FACTOR } from './format.js';

export interface SymbolTableOptions {
  /** Slots of the decoded-string cache, rounded up to a power of two (default 65536). */
  stringSlots?: number;
  /** Bytes of symbol table pages cached (default 4 MiB). */
  pageCacheBytes?: number;
}

const EMPTY_SLOT = 0xffffffff;

export class SymbolTable {
  /** Number of symbols. */
  readonly count: number;
  /** File offset of symbol i*32, and of the end of the last symbol at [groups]. */
  readonly #groupOff: Float64Array;
  readonly #pf: PagedFile;
  readonly #names: Map<number, string>;
  readonly #slotRef: Uint32Array;
  readonly #slotStr: string[];
  readonly #mask: number;
  readonly #d = new DecBuf(Buffer.alloc(0));

  private constructor(pf: PagedFile, count: number, groupOff: Float64Array, names: Map<number, string>, opts: SymbolTableOptions) {
    // Symbol pages get their own cache: they must not evict the series pages of a query.
    this.#pf = pf.view({ pageSize: 1 << 14, maxBytes: opts.pageCacheBytes ?? 1 << 22 });
    this.count = count;
    this.#groupOff = groupOff;
    this.#names = names;
    let slots = 64;
    while (slots < (opts.stringSlots ?? 1 << 16)) slots *= 2;
    this.#slotRef = new Uint32Array(slots).fill(EMPTY_SLOT);
    this.#slotStr = new Array<string>(slots).fill('');
    this.#mask = slots - 1;
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

  /** The symbol if it is a label name or cached, or its bytes are; never does I/O. */
  lookupSync(ref: number): string | undefined {
    const slot = ref & this.#mask;
    if (this.#slotRef[slot] === ref) return this.#slotStr[slot];
    const n = this.#names.get(ref);
    if (n !== undefined) return n;
    if (!(ref >= 0 && ref < this.count)) return undefined;
    const g = Math.floor(ref / SYMBOL_FACTOR);
    const s = this.#groupOff[g]!;
    const b = this.#pf.peek(s, this.#groupOff[g + 1]! - s);
    if (b === null) return undefined;
    return this.#decodeAt(b, ref);
  }

  async lookup(ref: number): Promise<string> {
    const hit = this.lookupSync(ref);
    if (hit !== undefined) return hit;
    if (!(ref >= 0 && ref < this.count)) throw new IndexFormatError(`unknown symbol offset ${ref}`);
    const g = Math.floor(ref / SYMBOL_FACTOR);
    const s = this.#groupOff[g]!;
    return this.#decodeAt(await this.#pf.read(s, this.#groupOff[g + 1]! - s), ref);
  }

  /** Whether `ref` is a label name (always resident). */
  isName(ref: number): boolean {
    return this.#names.has(ref);
  }

  /**
   * Loads the pages of the given 32-symbol groups into the symbol page cache, one read per
   * run of neighbouring pages, so that lookups in them succeed without I/O.
   */
  async ensureGroups(groups: Iterable<number>): Promise<void> {
    const gs: number[] = [];
    for (const g of groups) if (g >= 0 && g * SYMBOL_FACTOR < this.count) gs.push(g);
    gs.sort((x, y) => x - y);
    const loads: Promise<void>[] = [];
    let i = 0;
    while (i < gs.length) {
      let j = i + 1;
      const start = this.#groupOff[gs[i]!]!;
      while (j < gs.length && this.#groupOff[gs[j]! + 1]! - start <= 1 << 16) j++;
      loads.push(this.#pf.load(start, this.#groupOff[gs[j - 1]! + 1]! - start));
      i = j;
    }
    await Promise.all(loads);
  }

  /** Decodes symbol `ref` from its group's bytes `b` and caches it. */
  #decodeAt(b: Buffer, ref: number): string {
    const d = this.#d;
    d.reset(b, 0, b.length);
    for (let k = ref % SYMBOL_FACTOR; k > 0; k--) d.uvarintBytesStart();
    const st = d.uvarintBytesStart();
    if (d.err() !== null) throw new IndexFormatError(`read symbol ${ref}: ${d.err() ?? ''}`);
    const str = decodeUtf8(b, st, d.pos);
    const slot = ref & this.#mask;
    this.#slotRef[slot] = ref;
    this.#slotStr[slot] = str;
    return str;
  }

  /** Drops the caches (the file belongs to the reader). */
  async close(): Promise<void> {
    this.#slotRef.fill(EMPTY_SLOT);
    this.#slotStr.fill('');
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
