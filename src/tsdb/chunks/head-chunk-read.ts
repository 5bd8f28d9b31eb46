/**
 * Reading head chunk records back from `chunks_head/` files through the page cache: a whole
 * read with its checks and errors (as Prometheus's ChunkDiskMapper.Chunk reports them), and
 * the CRC bookkeeping that lets a record read in place from a cached page be checked once
 * per read of that page from disk rather than once per query.
 */
import { chunkFromBytes, type Chunk } from '../chunkenc/index.js';
import { crc32c, crc32cView } from '../../util/crc32c.js';
import { HeadChunksCorruptionError, MAX_HEAD_CHUNK_META_SIZE, OUT_OF_ORDER_MASK } from './head-chunk-scan.js';
import type { CachedFile, PageCache } from './page-cache.js';
import { CRC_SIZE, MAX_CHUNK_LENGTH_FIELD_SIZE, hex, readUvarint } from './segment.js';

/** The big-endian CRC stored at `d`. */
function storedCRC(b: Uint8Array, d: number): number {
  return ((b[d]! << 24) | (b[d + 1]! << 16) | (b[d + 2]! << 8) | b[d + 3]!) >>> 0;
}

/** Reads and checks the chunk record at `off` of file `seq` (of directory `dir`, for errors). */
export async function readHeadChunk(dir: string, cache: PageCache, f: CachedFile, seq: number, off: number): Promise<Chunk> {
  const encPos = off + MAX_HEAD_CHUNK_META_SIZE - MAX_CHUNK_LENGTH_FIELD_SIZE - CRC_SIZE - 1;
  if (encPos + 1 + MAX_CHUNK_LENGTH_FIELD_SIZE > f.size) {
    throw new HeadChunksCorruptionError(dir, seq, off, `head chunk file doesn't include enough bytes to read the chunk size data field - required:${encPos + 1 + MAX_CHUNK_LENGTH_FIELD_SIZE}, available:${f.size}`);
  }
  const head = await cache.read(f, encPos, 1 + MAX_CHUNK_LENGTH_FIELD_SIZE);
  const lo = { v: 0, n: 0 };
  if (!readUvarint(head, 1, head.length, lo)) throw new HeadChunksCorruptionError(dir, seq, off, 'reading chunk length failed with 0');
  const dataEnd = encPos + 1 + lo.n + lo.v;
  if (dataEnd + CRC_SIZE > f.size) {
    throw new HeadChunksCorruptionError(dir, seq, off, `head chunk file doesn't include enough bytes to read the chunk - required:${dataEnd + CRC_SIZE}, available:${f.size}`);
  }
  const rec = await cache.read(f, off, dataEnd + CRC_SIZE - off);
  const d = dataEnd - off;
  const want = storedCRC(rec, d);
  const got = crc32c(rec, 0, d);
  if (got !== want) throw new HeadChunksCorruptionError(dir, seq, off, `checksum mismatch expected:${hex(want)}, actual:${hex(got)}`);
  const enc = rec[encPos - off]! & ~OUT_OF_ORDER_MASK;
  return chunkFromBytes(enc, rec.subarray(d - lo.v, d));
}

interface Checks {
  view: DataView;
  checked: Set<number>;
}

/**
 * Per cached page: a view for the CRC and the offsets of the records whose CRC matched. A
 * page's bytes never change while it is cached (a re-read makes a new page), so a record is
 * checked once per read from disk rather than once per query; the records go with their
 * pages. The last page is kept at hand: neighbouring chunks often share one.
 */
export class PageChecks {
  readonly #checks = new WeakMap<Uint8Array, Checks>();
  #lastPage: Uint8Array | null = null;
  #last: Checks | null = null;

  /** Whether the record `page[at, d)` matches the CRC stored at `d` (computed once per page read). */
  verified(page: Uint8Array, at: number, d: number): boolean {
    const pc = this.#of(page);
    if (pc.checked.has(at)) return true;
    if (crc32cView(pc.view, page, at, d) !== storedCRC(page, d)) return false;
    pc.checked.add(at);
    return true;
  }

  #of(page: Uint8Array): Checks {
    if (page === this.#lastPage) return this.#last!;
    let pc = this.#checks.get(page);
    if (pc === undefined) {
      pc = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), checked: new Set() };
      this.#checks.set(page, pc);
    }
    this.#lastPage = page;
    this.#last = pc;
    return pc;
  }
}
