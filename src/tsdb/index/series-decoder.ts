/**
 * Decoding of series entries: `len<uvarint> labels<count, (name ref, value ref)...>
 * chunks<count, metas with delta-encoded times and refs> crc<4>`. Symbols resolve through
 * the symbol table's caches only; a decode that meets an uncached symbol returns null and
 * lists what is missing, so callers load it and retry (sync fast path, async slow path).
 *
 * One decoder per reader; its scratch state (`missing`) is only valid until the next call,
 * and calls are synchronous, so concurrent async users never see each other's state if
 * they copy `missing` before awaiting.
 */
import { Labels } from '../../model/index.js';
import type { SymbolTable } from './symbols.js';
import type { PagedFile } from './paged-file.js';
import { DecBuf, ERR_INVALID_CHECKSUM, ERR_INVALID_SIZE } from './decbuf.js';
import { crc32c } from '../../util/crc32c.js';
import { ChunkMetaColumns, IndexFormatError, SERIES_ALIGN, SYMBOL_FACTOR, type ChunkMeta, type ChunkMetaSink } from './format.js';

export class SeriesDecoder {
  /** Symbol refs the last `decode` could not resolve from the caches. */
  readonly missing: number[] = [];
  readonly #symbols: SymbolTable;
  readonly #d = new DecBuf(Buffer.alloc(0));

  constructor(symbols: SymbolTable) {
    this.#symbols = symbols;
  }

  /** Total bytes of the entry at `off` (length prefix, body, CRC), from its first bytes. */
  entrySize(head: Buffer, off: number): number {
    const d = this.#d;
    d.reset(head, 0, head.length);
    const len = d.uvarint();
    if (d.err() !== null) throw new IndexFormatError(`read series ${off / SERIES_ALIGN}: ${d.err()}`);
    return d.pos + len + 4;
  }

  /** Checks the entry's CRC and returns its body's range in `b`. */
  #body(b: Buffer, p: number, off: number): { s: number; e: number } {
    const d = this.#d;
    d.reset(b, p, b.length);
    const len = d.uvarint();
    const s = d.pos, e = s + len;
    if (d.err() !== null || e + 4 > b.length) throw new IndexFormatError(`read series ${off / SERIES_ALIGN}: ${ERR_INVALID_SIZE}`);
    if (crc32c(b, s, e) !== b.readUInt32BE(e)) throw new IndexFormatError(`read series ${off / SERIES_ALIGN}: ${ERR_INVALID_CHECKSUM}`);
    return { s, e };
  }

  /**
   * The series' labels, with its chunk metas appended to `chks` (cleared first; null skips
   * them); null when a symbol is not cached (see `missing`).
   */
  decode(b: Buffer, p: number, off: number, chks: ChunkMetaSink | null): Labels | null {
    const { s, e } = this.#body(b, p, off);
    const d = this.#d;
    d.reset(b, s, e);
    const k = d.uvarint();
    if (d.err() !== null || k > (e - s) / 2) throw new IndexFormatError(`read series ${off / SERIES_ALIGN}: read series label offsets: ${ERR_INVALID_SIZE}`);
    const a = new Array<string>(2 * k);
    const sym = this.#symbols;
    const missing = this.missing;
    missing.length = 0;
    for (let i = 0; i < 2 * k; i++) {
      const r = d.uvarint();
      const v = sym.lookupSync(r);
      if (v === undefined) missing.push(r); else a[i] = v;
    }
    if (d.err() !== null) throw new IndexFormatError(`read series ${off / SERIES_ALIGN}: read series label offsets: ${d.err()}`);
    if (missing.length > 0) return null;
    if (chks !== null) decodeChunkMetas(d, off, chks);
    return Labels.fromSortedArray(a);
  }

  /** The symbol refs of the entry's labels, in order (name, value, ...). */
  symbolRefs(b: Buffer, p: number, off: number): number[] {
    const { s, e } = this.#body(b, p, off);
    const d = this.#d;
    d.reset(b, s, e);
    const k = d.uvarint();
    const out: number[] = [];
    for (let i = 0; i < 2 * k && d.err() === null; i++) out.push(d.uvarint());
    if (d.err() !== null) throw new IndexFormatError(`read series ${off / SERIES_ALIGN}: read series label offsets: ${d.err()}`);
    return out;
  }

  /** Appends the entry's chunk metas to `chks` (cleared first). */
  decodeChunks(b: Buffer, p: number, off: number, chks: ChunkMetaSink | null): void {
    if (chks === null) return;
    const { s, e } = this.#body(b, p, off);
    const d = this.#d;
    d.reset(b, s, e);
    const k = d.uvarint();
    for (let i = 0; i < 2 * k; i++) d.uvarint();
    decodeChunkMetas(d, off, chks);
  }

  /**
   * Adds to `groups` the symbol groups (other than label names) the entry at `off` needs,
   * when the entry's bytes are cached (otherwise does nothing).
   */
  collectSymbolGroups(pf: PagedFile, off: number, groups: Set<number>): void {
    const head = pf.peek(off, Math.min(10, pf.size - off));
    if (head === null) return;
    const d = this.#d;
    d.reset(head, 0, head.length);
    const len = d.uvarint();
    if (d.err() !== null) return;
    const b = pf.peek(off, d.pos + len + 4);
    if (b === null) return;
    d.reset(b, d.pos, d.pos + len);
    const k = d.uvarint();
    const sym = this.#symbols;
    for (let i = 0; i < 2 * k && d.err() === null; i++) {
      const r = d.uvarint();
      if (!sym.isName(r)) groups.add(Math.floor(r / SYMBOL_FACTOR));
    }
  }
}

/** Chunk metas: first mint (varint), maxt-mint, ref; then mint-prev maxt, maxt-mint, ref delta (varint). */
function decodeChunkMetas(d: DecBuf, off: number, chks: ChunkMetaSink): void {
  const cols = chks instanceof ChunkMetaColumns ? chks : null;
  if (cols !== null) cols.n = 0;
  else (chks as ChunkMeta[]).length = 0;
  const k = d.uvarint();
  if (k === 0) return;
  let t0 = d.varint();
  let maxt = d.uvarint() + t0;
  let ref = d.uvarint();
  if (cols !== null) cols.push(ref, t0, maxt);
  else (chks as ChunkMeta[]).push({ ref, mint: t0, maxt });
  t0 = maxt;
  for (let i = 1; i < k; i++) {
    const mint = d.uvarint() + t0;
    maxt = d.uvarint() + mint;
    ref += d.varint();
    t0 = maxt;
    if (d.err() !== null) throw new IndexFormatError(`read series ${off / SERIES_ALIGN}: read meta for chunk ${i}: ${d.err()}`);
    if (cols !== null) cols.push(ref, mint, maxt);
    else (chks as ChunkMeta[]).push({ ref, mint, maxt });
  }
  if (d.err() !== null) throw new IndexFormatError(`read series ${off / SERIES_ALIGN}: read meta for chunk 0: ${d.err()}`);
  if (!Number.isSafeInteger(ref) || ref < 0) throw new IndexFormatError(`read series ${off / SERIES_ALIGN}: chunk reference ${ref} out of range`);
}
