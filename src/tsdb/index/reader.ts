/**
 * Reads an index file in Prometheus's format (versions 2 and 3) without mmap: opening
 * reads the header, the TOC, and scans the symbol table and postings offset table once
 * (checking their CRCs) keeping only sampled entries; everything else is read on demand
 * through a bounded page cache (`PagedFile`). Memory is bounded by the options, whatever
 * the size of the file.
 *
 * Concurrency: any number of concurrent calls are safe (each decodes with its own state).
 */
import { Labels } from '../../model/index.js';
import { PagedFile, type PagedFileStats } from './paged-file.js';
import { SymbolTable } from './symbols.js';
import { PostingsTable, type PostingsRef } from './postings-table.js';
import {
  FORMAT_V1, FORMAT_V2, FORMAT_V3, HEADER_LEN, IndexFormatError, MAGIC_INDEX, SERIES_ALIGN, TOC_LEN,
  decodeTOC, type ChunkMetaSink, type TOC,
} from './format.js';
import { crc32c } from '../../util/crc32c.js';
import { ERR_INVALID_CHECKSUM } from './decbuf.js';
import { EMPTY_POSTINGS, ListPostings, type Postings } from './postings.js';
import { decodeBigEndianRefs, unionSorted } from './postings-arrays.js';
import { compareUtf8 } from './utf8-order.js';
import { SeriesDecoder } from './series-decoder.js';

export interface IndexReaderOptions {
  /** Bytes of file pages cached (default 16 MiB). */
  cacheBytes?: number;
  /** Page size (default 64 KiB). */
  pageSize?: number;
  /** Slots of the decoded symbol cache (default 65536). */
  symbolSlots?: number;
  /** Bytes of symbol table pages cached (default 4 MiB). */
  symbolCacheBytes?: number;
}

/** Lists at most this long are read through the page cache; longer ones directly. */
const SMALL_POSTINGS = 1 << 14;

export class IndexReader {
  readonly path: string;
  readonly version: number;
  readonly toc: TOC;
  readonly #pf: PagedFile;
  readonly #symbols: SymbolTable;
  readonly #table: PostingsTable;
  readonly #dec: SeriesDecoder;

  private constructor(path: string, version: number, toc: TOC, pf: PagedFile, symbols: SymbolTable, table: PostingsTable) {
    this.path = path;
    this.version = version;
    this.toc = toc;
    this.#pf = pf;
    this.#symbols = symbols;
    this.#table = table;
    this.#dec = new SeriesDecoder(symbols);
  }

  static async open(path: string, opts: IndexReaderOptions = {}): Promise<IndexReader> {
    const pfOpts: { pageSize?: number; maxBytes?: number } = {};
    if (opts.pageSize !== undefined) pfOpts.pageSize = opts.pageSize;
    if (opts.cacheBytes !== undefined) pfOpts.maxBytes = opts.cacheBytes;
    const pf = await PagedFile.open(path, pfOpts);
    try {
      if (pf.size < HEADER_LEN) throw new IndexFormatError('index header: invalid size');
      const hdr = await pf.readDirect(0, HEADER_LEN);
      const magic = hdr.readUInt32BE(0);
      if (magic !== MAGIC_INDEX) throw new IndexFormatError(`invalid magic number ${magic.toString(16)}`);
      const version = hdr[4]!;
      if (version === FORMAT_V1) throw new IndexFormatError('unsupported index file version 1');
      if (version !== FORMAT_V2 && version !== FORMAT_V3) throw new IndexFormatError(`unknown index file version ${version}`);
      if (pf.size < TOC_LEN + HEADER_LEN) throw new IndexFormatError('read TOC: invalid size');
      const toc = decodeTOC(await pf.readDirect(pf.size - TOC_LEN, TOC_LEN));
      const table = await PostingsTable.open(pf, toc.postingsTable);
      const names = table.names().filter((n) => n !== '');
      const symOpts: { stringSlots?: number; pageCacheBytes?: number } = {};
      if (opts.symbolSlots !== undefined) symOpts.stringSlots = opts.symbolSlots;
      if (opts.symbolCacheBytes !== undefined) symOpts.pageCacheBytes = opts.symbolCacheBytes;
      const symbols = await SymbolTable.open(pf, toc.symbols, names, symOpts);
      if (symbols.nameRefs.size !== names.length) {
        const found = new Set(symbols.nameRefs.values());
        const missing = names.find((n) => !found.has(n)) ?? '';
        throw new IndexFormatError(`reverse symbol lookup: unknown symbol ${JSON.stringify(missing)}`);
      }
      return new IndexReader(path, version, toc, pf, symbols, table);
    } catch (e) {
      await pf.close();
      if (e instanceof IndexFormatError) throw new IndexFormatError(`open index ${path}: ${e.message}`, { cause: e });
      throw e;
    }
  }

  /** File size in bytes. */
  get size(): number {
    return this.#pf.size;
  }

  /** Number of symbols in the symbol table. */
  get symbolCount(): number {
    return this.#symbols.count;
  }

  cacheStats(): PagedFileStats {
    return this.#pf.stats();
  }

  /** Resolves a symbol ref (reads its 32-symbol group when not cached). */
  symbol(ref: number): Promise<string> {
    return this.#symbols.lookup(ref);
  }

  /** Calls `fn` for every symbol in order. */
  symbols(fn: (sym: string) => void): Promise<void> {
    return this.#symbols.forEach(fn);
  }

  /** Sorted label names (UTF-8 byte order), without the all-postings key. */
  labelNames(): string[] {
    return this.#table.names().filter((n) => n !== '');
  }

  /** Sorted values of a label name (empty when the name is absent). `limit` > 0 caps the count. */
  async labelValues(name: string, limit = 0): Promise<string[]> {
    const out: string[] = [];
    if (name === '') return out;
    await this.#table.walk(name, (v) => {
      out.push(v);
      return limit <= 0 || out.length < limit;
    });
    return out;
  }

  /** Number of distinct values of a label name. */
  labelValueCount(name: string): number {
    return this.#table.valueCount(name);
  }

  /** Refs of all series, ascending. */
  allPostings(): Promise<Postings> {
    return this.postings('', '');
  }

  /** Refs of the series with `name` set to any of `values` (merged, ascending). */
  async postings(name: string, ...values: string[]): Promise<Postings> {
    if (!this.#table.has(name) || values.length === 0) return EMPTY_POSTINGS;
    const vs = values.length === 1 ? values : [...new Set(values)].sort(compareUtf8);
    const refs = await this.#table.find(name, vs);
    return this.#readLists(refs);
  }

  /** Refs of the series whose `name` has a value accepted by `match` (called once per distinct value). */
  async postingsForLabelMatching(name: string, match: (value: string) => boolean): Promise<Postings> {
    const refs: PostingsRef[] = [];
    await this.#table.walk(name, (value, off) => {
      if (match(value)) refs.push({ value, off });
      return true;
    });
    return this.#readLists(refs);
  }

  /** Refs of the series that have label `name` at all. */
  postingsForAllLabelValues(name: string): Promise<Postings> {
    return this.postingsForLabelMatching(name, () => true);
  }

  /** The postings lists at the given offsets, unioned into one sorted array. */
  async postingsArray(refs: readonly PostingsRef[]): Promise<Uint32Array> {
    if (refs.length === 0) return new Uint32Array(0);
    // Lists of neighbouring values sit next to each other: load their span at once when small.
    let lo = Infinity, hi = 0;
    for (const r of refs) { lo = Math.min(lo, r.off); hi = Math.max(hi, r.off); }
    if (refs.length > 1 && hi - lo < this.#pf.pageSize * 64) await this.#pf.load(lo, hi - lo + 8);
    const lists: Uint32Array[] = [];
    for (const r of refs) lists.push(await this.#readList(r.off));
    return unionSorted(lists);
  }

  async #readLists(refs: readonly PostingsRef[]): Promise<Postings> {
    if (refs.length === 0) return EMPTY_POSTINGS;
    const a = await this.postingsArray(refs);
    return a.length === 0 ? EMPTY_POSTINGS : new ListPostings(a);
  }

  /** One postings list: `len<4> count<4> refs<4 each> crc<4>`, checked. */
  async #readList(off: number): Promise<Uint32Array> {
    const hdr = await this.#pf.read(off, 8);
    if (hdr.length < 8) throw new IndexFormatError(`decode postings at ${off}: invalid size`);
    const len = hdr.readUInt32BE(0);
    if (off + 8 + len > this.#pf.size) throw new IndexFormatError(`decode postings at ${off}: invalid size`);
    const b = len <= SMALL_POSTINGS ? await this.#pf.read(off + 4, len + 4) : await this.#pf.readDirect(off + 4, len + 4);
    if (crc32c(b, 0, len) !== b.readUInt32BE(len)) throw new IndexFormatError(`decode postings at ${off}: ${ERR_INVALID_CHECKSUM}`);
    const n = b.readUInt32BE(0);
    if (len !== 4 + 4 * n) throw new IndexFormatError(`decode postings: unexpected postings length, should be ${4 * n} bytes for ${n} postings, got ${len - 4} bytes`);
    return decodeBigEndianRefs(b, 4, n);
  }

  /**
   * The labels of series `ref`, and its chunk metas appended to `chks` after clearing it
   * (objects or columns; pass null to skip decoding them). Reads what is not cached.
   */
  async series(ref: number, chks: ChunkMetaSink | null): Promise<Labels> {
    const sync = this.seriesSync(ref, chks);
    if (sync !== null) return sync;
    const off = ref * SERIES_ALIGN;
    const head = await this.#pf.read(off, 10);
    const total = this.#dec.entrySize(head, off);
    const b = await this.#pf.read(off, total);
    const r = this.#dec.decode(b, 0, off, chks);
    if (r !== null) return r;
    // Symbols not cached: load them, then decode from the buffer we hold.
    const missing = [...this.#dec.missing];
    for (const sref of missing) await this.#symbols.lookup(sref);
    return this.#dec.decode(b, 0, off, chks) ?? (await this.#seriesSlow(b, off, chks));
  }

  /** `series` from cached data only: null when something must be read first. */
  seriesSync(ref: number, chks: ChunkMetaSink | null): Labels | null {
    const off = ref * SERIES_ALIGN;
    const head = this.#pf.peek(off, Math.min(10, this.#pf.size - off));
    if (head === null) return null;
    const total = this.#dec.entrySize(head, off);
    const b = total <= head.length ? head : this.#pf.peek(off, total);
    if (b === null) return null;
    return this.#dec.decode(b, 0, off, chks);
  }

  /**
   * Loads into the caches what decoding `refs[from:to)` needs, as far as fits in about
   * half the page cache; returns the index up to which it loaded. `seriesSync` then
   * succeeds for those refs unless other readers evicted them meanwhile.
   */
  async prefetchSeries(refs: ArrayLike<number>, from: number, to: number): Promise<number> {
    const ps = this.#pf.pageSize;
    // Half the cache, so that a batch's pages survive their own loading.
    const budget = Math.max(2, Math.floor(this.#pf.maxPages / 2));
    const pages = new Set<number>();
    let i = from;
    for (; i < to; i++) {
      const off = refs[i]! * SERIES_ALIGN;
      const p = Math.floor(off / ps);
      if (!pages.has(p)) {
        if (pages.size >= budget) break;
        pages.add(p);
        pages.add(p + 1); // An entry may run into the next page.
      }
    }
    if (i === from) i = from + 1;
    await Promise.all([...pages].map((p) => this.#pf.load(p * ps, 1)));
    const groups = new Set<number>();
    for (let j = from; j < i; j++) this.#dec.collectSymbolGroups(this.#pf, refs[j]! * SERIES_ALIGN, groups);
    await this.#symbols.ensureGroups(groups);
    return i;
  }

  async close(): Promise<void> {
    await this.#symbols.close();
    await this.#pf.close();
  }

  async #seriesSlow(b: Buffer, off: number, chks: ChunkMetaSink | null): Promise<Labels> {
    // The symbol cache is smaller than this series' distinct groups: resolve one by one.
    const refs = this.#dec.symbolRefs(b, 0, off);
    const a: string[] = new Array<string>(refs.length);
    for (let i = 0; i < refs.length; i++) a[i] = await this.#symbols.lookup(refs[i]!);
    this.#dec.decodeChunks(b, 0, off, chks);
    return Labels.fromSortedArray(a);
  }
}
