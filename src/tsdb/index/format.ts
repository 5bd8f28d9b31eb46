/**
 * Constants and small shared types of Prometheus's index file format (version 2), and the
 * table of contents at its end.
 */
import { crc32c } from '../../util/crc32c.js';
import { DecBuf, ERR_INVALID_CHECKSUM, ERR_INVALID_SIZE } from './decbuf.js';
import { EncBuf } from './encbuf.js';

export const MAGIC_INDEX = 0xbaaad700;
export const HEADER_LEN = 5;
export const FORMAT_V1 = 1;
export const FORMAT_V2 = 2;
/** Accepted when reading: laid out as version 2. */
export const FORMAT_V3 = 3;
/** Series entries start at multiples of this; a series ref is its offset divided by it. */
export const SERIES_ALIGN = 16;
/** The reader keeps one in this many symbols' offsets and postings offset entries in memory. */
export const SYMBOL_FACTOR = 32;
/** 6 offsets of 8 bytes and a CRC. */
export const TOC_LEN = 6 * 8 + 4;
/** The largest index Prometheus writes: 4-byte series refs times the 16-byte alignment. */
export const MAX_INDEX_SIZE = 16 * 0xffff_ffff;
/** The name and value of the list of all series refs in the postings section. */
export const ALL_POSTINGS_KEY = { name: '', value: '' } as const;

/**
 * The metadata of one chunk of a series: the times of its first and last samples (ms,
 * inclusive) and its reference into the block's chunk segment files (segment index in the
 * upper 32 bits, byte offset in the lower 32; a safe integer). Plain data; callers may keep it.
 */
export interface ChunkMeta {
  ref: number;
  mint: number;
  maxt: number;
}

/**
 * Chunk metas in columns, [0, n) in use: what decoding a series into it leaves, with no
 * object per chunk (refs and times are doubles; an object per chunk boxes three of them).
 */
export class ChunkMetaColumns {
  ref: Float64Array;
  mint: Float64Array;
  maxt: Float64Array;
  n = 0;

  constructor(capacity = 64) {
    this.ref = new Float64Array(capacity);
    this.mint = new Float64Array(capacity);
    this.maxt = new Float64Array(capacity);
  }

  push(ref: number, mint: number, maxt: number): void {
    const i = this.n;
    if (i === this.ref.length) this.#grow();
    this.ref[i] = ref;
    this.mint[i] = mint;
    this.maxt[i] = maxt;
    this.n = i + 1;
  }

  #grow(): void {
    const size = this.ref.length * 2;
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.ref = grow(this.ref);
    this.mint = grow(this.mint);
    this.maxt = grow(this.maxt);
  }
}

/** Where decoding puts a series' chunk metas (cleared first): objects or columns. */
export type ChunkMetaSink = ChunkMeta[] | ChunkMetaColumns;

/** Where each section of an index starts (file offsets; 0 when absent). */
export interface TOC {
  symbols: number;
  series: number;
  labelIndices: number;
  labelIndicesTable: number;
  postings: number;
  postingsTable: number;
}

/** An index that cannot be read: a corrupt or truncated file, a bad checksum, an unknown version. */
export class IndexFormatError extends Error {
  override readonly name = 'IndexFormatError';
}

export function encodeTOC(toc: TOC): Buffer {
  const e = new EncBuf(TOC_LEN);
  e.putBE64(toc.symbols);
  e.putBE64(toc.series);
  e.putBE64(toc.labelIndices);
  e.putBE64(toc.labelIndicesTable);
  e.putBE64(toc.postings);
  e.putBE64(toc.postingsTable);
  e.putBE32(crc32c(e.get()));
  return Buffer.from(e.get());
}

/** Parses the last `TOC_LEN` bytes of an index file. */
export function decodeTOC(b: Buffer): TOC {
  if (b.length < TOC_LEN) throw new IndexFormatError(`read TOC: ${ERR_INVALID_SIZE}`);
  const s = b.length - TOC_LEN;
  const exp = b.readUInt32BE(b.length - 4);
  if (crc32c(b, s, b.length - 4) !== exp) throw new IndexFormatError(`read TOC: ${ERR_INVALID_CHECKSUM}`);
  const d = new DecBuf(b, s, b.length - 4);
  const toc: TOC = {
    symbols: d.be64(),
    series: d.be64(),
    labelIndices: d.be64(),
    labelIndicesTable: d.be64(),
    postings: d.be64(),
    postingsTable: d.be64(),
  };
  if (d.err() !== null) throw new IndexFormatError(`read TOC: ${d.err()}`);
  return toc;
}
