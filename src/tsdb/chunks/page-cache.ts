/**
 * A bounded cache of file pages for chunk reads: Node has no mmap, so chunk files are read
 * with positional reads of whole pages, kept in an LRU bounded by bytes. Files may grow while
 * cached (the open head chunk file): a page read while shorter is re-read when a caller needs
 * bytes past its end. Pages are never modified after reading, so views handed out stay valid
 * after eviction (the caller's reference keeps the memory alive).
 *
 * One cache can serve many files and readers; all methods are safe to call concurrently
 * (concurrent misses of one page share a single read).
 */
import type { FileHandle } from 'node:fs/promises';

export interface PageCacheOptions {
  /** Upper bound of cached bytes (default 64 MiB). */
  maxBytes?: number;
  /** Page size in bytes (default 64 KiB). */
  pageSize?: number;
}

/** A file registered with the cache. `size` is how far the file may be read; raise it as the file grows. */
export interface CachedFile {
  readonly id: number;
  readonly fh: FileHandle;
  size: number;
}

const MAX_PAGES_PER_FILE = 2 ** 22;

interface Page {
  bytes: Uint8Array;
  /** Hit since eviction last passed it. */
  used: boolean;
}

export class PageCache {
  readonly maxBytes: number;
  readonly pageSize: number;
  private bytes = 0;
  private nextId = 1;
  /**
   * Pages in insertion order with a "used" mark (the second-chance, or clock, policy): a hit
   * only sets the mark, instead of moving the page to the end of the map, and eviction
   * gives marked pages one more round. Hits are what queries of warm data do per chunk.
   */
  private readonly pages = new Map<number, Page>();
  private readonly loading = new Map<number, Promise<Uint8Array>>();
  hits = 0;
  misses = 0;

  constructor(opts: PageCacheOptions = {}) {
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.pageSize = opts.pageSize ?? 64 * 1024;
  }

  register(fh: FileHandle, size: number): CachedFile {
    return { id: this.nextId++, fh, size };
  }

  /** Drops a file's pages (when it is closed or deleted). */
  forget(f: CachedFile): void {
    const lo = f.id * MAX_PAGES_PER_FILE;
    const hi = lo + Math.ceil(f.size / this.pageSize) + 1;
    for (let k = lo; k < hi; k++) this.drop(k);
  }

  private drop(k: number): void {
    const p = this.pages.get(k);
    if (p !== undefined) {
      this.pages.delete(k);
      this.bytes -= p.bytes.length;
    }
  }

  /**
   * Bytes [off, off+len) of the file: a view of a cached page when the range lies in one page,
   * otherwise a fresh buffer. Throws when the range reaches past `f.size`.
   */
  async read(f: CachedFile, off: number, len: number): Promise<Uint8Array> {
    if (off < 0 || len < 0 || off + len > f.size) throw new RangeError(`read of ${len} bytes at ${off} past the end of a ${f.size}-byte file`);
    const ps = this.pageSize;
    const first = Math.floor(off / ps);
    const last = Math.floor((off + len - 1) / ps);
    if (len === 0) return new Uint8Array(0);
    if (first === last) {
      const page = await this.page(f, first, off + len - first * ps);
      return page.subarray(off - first * ps, off - first * ps + len);
    }
    if (len > 4 * ps) {
      // Large reads bypass the cache rather than flush it.
      const out = new Uint8Array(len);
      await readFully(f.fh, out, off);
      return out;
    }
    const out = new Uint8Array(len);
    for (let p = first; p <= last; p++) {
      const start = Math.max(off, p * ps);
      const end = Math.min(off + len, (p + 1) * ps);
      const page = await this.page(f, p, end - p * ps);
      out.set(page.subarray(start - p * ps, end - p * ps), start - off);
    }
    return out;
  }

  /**
   * `read` without I/O and without a copy or view: the cached page holding bytes
   * [off, off+len), which start at `off % pageSize` in it (a hit, refreshing the page's
   * recency); null when that needs a read, and the caller then `read`s. Lets a reader whose
   * pages are warm skip a promise per read. The page must not be modified.
   */
  peekPage(f: CachedFile, off: number, len: number): Uint8Array | null {
    if (off < 0 || len <= 0 || off + len > f.size) return null;
    const ps = this.pageSize;
    const idx = Math.floor(off / ps);
    const end = off - idx * ps + len;
    if (end > ps) return null;
    const key = f.id * MAX_PAGES_PER_FILE + idx;
    const have = this.pages.get(key);
    if (have === undefined || have.bytes.length < end) return null;
    this.hits++;
    have.used = true;
    return have.bytes;
  }

  /** The page, holding at least `need` bytes. */
  private async page(f: CachedFile, idx: number, need: number): Promise<Uint8Array> {
    const key = f.id * MAX_PAGES_PER_FILE + idx;
    const have = this.pages.get(key);
    if (have !== undefined && have.bytes.length >= need) {
      this.hits++;
      have.used = true;
      return have.bytes;
    }
    const inflight = this.loading.get(key);
    if (inflight !== undefined) {
      const p = await inflight;
      if (p.length >= need) return p;
    }
    this.misses++;
    const start = idx * this.pageSize;
    const size = Math.min(this.pageSize, f.size - start);
    const load = (async (): Promise<Uint8Array> => {
      const buf = new Uint8Array(size);
      await readFully(f.fh, buf, start);
      return buf;
    })();
    this.loading.set(key, load);
    try {
      const buf = await load;
      this.drop(key);
      this.pages.set(key, { bytes: buf, used: false });
      this.bytes += buf.length;
      this.evict();
      return buf;
    } finally {
      if (this.loading.get(key) === load) this.loading.delete(key);
    }
  }

  private evict(): void {
    // Oldest first; a page used since it was last looked at goes to the end, unmarked. Each
    // pass over the whole map unmarks every page, so this ends.
    while (this.bytes > this.maxBytes) {
      for (const [k, p] of this.pages) {
        if (this.bytes <= this.maxBytes) return;
        this.pages.delete(k);
        if (p.used) {
          p.used = false;
          this.pages.set(k, p);
        } else {
          this.bytes -= p.bytes.length;
        }
      }
    }
  }

  /** Bytes currently cached. */
  cachedBytes(): number {
    return this.bytes;
  }
}

/** Reads exactly buf.length bytes at pos, or throws on a short file. */
export async function readFully(fh: FileHandle, buf: Uint8Array, pos: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, pos + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at ${pos + done}`);
    done += bytesRead;
  }
}
