/**
 * Positional reads of a large read-only file through a bounded LRU cache of fixed-size
 * pages: what the index reader uses instead of mmap. Hot regions (the series entries of a
 * query, the postings offset table around looked-up names, symbol groups) stay cached;
 * memory never exceeds `maxBytes` plus the pages of reads in flight.
 *
 * Contract: buffers returned are views into cached pages or fresh copies; they stay valid
 * (pages are never overwritten, only dropped), but callers must not modify them.
 * Concurrent reads are safe; loads of the same page are shared.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface PagedFileOptions {
  /** Page size in bytes (default 64 KiB). */
  pageSize?: number;
  /** Upper bound of cached bytes (default 16 MiB). */
  maxBytes?: number;
}

export interface PagedFileStats {
  hits: number;
  misses: number;
  cachedBytes: number;
}

export class PagedFile {
  readonly size: number;
  readonly pageSize: number;
  readonly #fh: FileHandle;
  /** Whether closing this instance closes the handle (false for views). */
  readonly #ownsHandle: boolean;
  readonly #maxPages: number;
  /** Insertion order is recency order: the first key is the least recently used. */
  readonly #pages = new Map<number, Buffer>();
  readonly #loading = new Map<number, Promise<Buffer>>();
  #lastIdx = -1;
  #last: Buffer | null = null;
  #hits = 0;
  #misses = 0;

  private constructor(fh: FileHandle, size: number, opts: PagedFileOptions, ownsHandle = true) {
    this.#fh = fh;
    this.#ownsHandle = ownsHandle;
    this.size = size;
    this.pageSize = opts.pageSize ?? 1 << 16;
    this.#maxPages = Math.max(2, Math.floor((opts.maxBytes ?? 1 << 24) / this.pageSize));
  }

  static async open(path: string, opts: PagedFileOptions = {}): Promise<PagedFile> {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      return new PagedFile(fh, st.size, opts);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /**
   * Another cache over the same open file, for a region whose reads should not evict this
   * one's pages. Closing the view drops its cache; the file closes with this instance.
   */
  view(opts: PagedFileOptions): PagedFile {
    return new PagedFile(this.#fh, this.size, opts, false);
  }

  /** Most pages the cache holds. */
  get maxPages(): number {
    return this.#maxPages;
  }

  get handle(): FileHandle {
    return this.#fh;
  }

  stats(): PagedFileStats {
    return { hits: this.#hits, misses: this.#misses, cachedBytes: this.#pages.size * this.pageSize };
  }

  /**
   * `[off, off+len)` when every page it touches is cached, else null; never does I/O.
   * The range must lie inside the file.
   */
  peek(off: number, len: number): Buffer | null {
    const ps = this.pageSize;
    const first = Math.floor(off / ps);
    const last = Math.floor((off + len - 1) / ps);
    if (first === last || len <= 0) {
      const p = this.#get(first);
      if (p === null) return null;
      const s = off - first * ps;
      return p.subarray(s, s + Math.max(0, len));
    }
    const out = Buffer.allocUnsafe(len);
    for (let i = first; i <= last; i++) {
      const p = this.#get(i);
      if (p === null) return null;
      const pageStart = i * ps;
      const s = Math.max(off, pageStart);
      const e = Math.min(off + len, pageStart + p.length);
      p.copy(out, s - off, s - pageStart, e - pageStart);
    }
    return out;
  }

  /** Reads `[off, off+len)`, clamped to the end of the file. */
  async read(off: number, len: number): Promise<Buffer> {
    if (off + len > this.size) len = Math.max(0, this.size - off);
    const hit = this.peek(off, len);
    if (hit !== null) return hit;
    await this.load(off, len);
    return this.peek(off, len) ?? (await this.readDirect(off, len));
  }

  /** Loads the pages of `[off, off+len)` into the cache. */
  async load(off: number, len: number): Promise<void> {
    if (off + len > this.size) len = Math.max(0, this.size - off);
    const ps = this.pageSize;
    const first = Math.floor(off / ps);
    const last = Math.floor((off + Math.max(1, len) - 1) / ps);
    const waits: Promise<Buffer>[] = [];
    for (let i = first; i <= last && i * ps < this.size; i++) {
      if (this.#pages.has(i)) continue;
      waits.push(this.#loadPage(i));
    }
    if (waits.length > 0) await Promise.all(waits);
  }

  /** Reads straight from the file into a fresh buffer, bypassing the cache (large one-off reads). */
  async readDirect(off: number, len: number, into?: Buffer): Promise<Buffer> {
    if (off + len > this.size) len = Math.max(0, this.size - off);
    const out = into ?? Buffer.allocUnsafeSlow(len);
    let n = 0;
    while (n < len) {
      const { bytesRead } = await this.#fh.read(out, n, len - n, off + n);
      if (bytesRead === 0) throw new Error(`read ${this.size}-byte file at ${off + n}: unexpected end of file`);
      n += bytesRead;
    }
    return out.subarray(0, len);
  }

  async close(): Promise<void> {
    this.#pages.clear();
    this.#last = null;
    if (this.#ownsHandle) await this.#fh.close();
  }

  #get(i: number): Buffer | null {
    if (i === this.#lastIdx && this.#last !== null) { this.#hits++; return this.#last; }
    const p = this.#pages.get(i);
    if (p === undefined) return null;
    this.#hits++;
    // Move to the most recent end.
    this.#pages.delete(i);
    this.#pages.set(i, p);
    this.#lastIdx = i;
    this.#last = p;
    return p;
  }

  #loadPage(i: number): Promise<Buffer> {
    const inFlight = this.#loading.get(i);
    if (inFlight !== undefined) return inFlight;
    this.#misses++;
    const start = i * this.pageSize;
    const len = Math.min(this.pageSize, this.size - start);
    const pr = this.readDirect(start, len).then((b) => {
      this.#loading.delete(i);
      this.#pages.set(i, b);
      while (this.#pages.size > this.#maxPages) {
        const oldest = this.#pages.keys().next().value!;
        this.#pages.delete(oldest);
        if (oldest === this.#lastIdx) { this.#lastIdx = -1; this.#last = null; }
      }
      return b;
    }, (e: unknown) => {
      this.#loading.delete(i);
      throw e;
    });
    this.#loading.set(i, pr);
    return pr;
  }
}
