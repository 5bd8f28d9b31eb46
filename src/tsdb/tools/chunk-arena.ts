/**
 * Finished chunk bytes packed into large pages, so that a backfill holding hundreds of
 * thousands of chunks keeps one allocation per megabyte instead of one per chunk. A chunk
 * never spans pages (a float chunk is at most 1 KiB).
 */

const PAGE_SIZE = 1 << 20;

export class ChunkArena {
  readonly #pages: Uint8Array[] = [];
  #page: Uint8Array | null = null;
  #off = 0;
  /** Bytes held (whole pages). */
  bytes = 0;

  /** Copies `b` in and returns its address: page index * PAGE_SIZE + offset. */
  add(b: Uint8Array): number {
    if (this.#page === null || this.#off + b.length > this.#page.length) {
      this.#page = new Uint8Array(Math.max(PAGE_SIZE, b.length));
      this.#pages.push(this.#page);
      this.#off = 0;
      this.bytes += this.#page.length;
    }
    this.#page.set(b, this.#off);
    const addr = (this.#pages.length - 1) * PAGE_SIZE + this.#off;
    this.#off += b.length;
    return addr;
  }

  /** The bytes at `addr` (a view into the arena; valid while the arena lives). */
  view(addr: number, len: number): Uint8Array {
    const p = Math.floor(addr / PAGE_SIZE);
    const off = addr - p * PAGE_SIZE;
    return this.#pages[p]!.subarray(off, off + len);
  }
}
