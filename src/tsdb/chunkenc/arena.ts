/**
 * Buffers for the head's open XOR chunks, carved from shared slabs. Every series holds one
 * open chunk that grows a few bytes per sample; giving each its own ArrayBuffer costs a
 * JS ArrayBuffer object, a native backing store and a malloc block per chunk, and every
 * growth leaves a dead buffer that only a garbage collection returns to malloc (which keeps
 * the pages). Here a buffer is a block of a 256 KiB slab, in one of a few size classes about
 * 1.5x apart, named by a number (no object per block), and a freed block goes to its class's
 * free list, to be reused by the next chunk that needs that size.
 *
 * Ownership: `allocBlock` hands out a zeroed block that the caller owns until it passes it to
 * `freeBlock`, exactly once; after that the block may belong to another chunk at any moment,
 * so nothing may read it. Readers that may hold a view across a free (iterators) must re-read
 * the chunk's current storage (see XorChunk). Slabs are kept for the life of the arena.
 */

/** Block sizes in bytes; the largest is what an XOR head chunk can reach (cut at 1005 bytes, plus one sample). */
export const ARENA_CLASSES: readonly number[] = [64, 96, 144, 216, 328, 488, 736, 1048];
const SLAB_BYTES = 256 * 1024;

/** Index of the smallest class holding n bytes, or -1 when n exceeds the largest. */
function classFor(n: number): number {
  for (let i = 0; i < ARENA_CLASSES.length; i++) if (ARENA_CLASSES[i]! >= n) return i;
  return -1;
}

/** Index of the class of exactly n bytes, or -1. */
function classOf(n: number): number {
  for (let i = 0; i < ARENA_CLASSES.length; i++) if (ARENA_CLASSES[i] === n) return i;
  return -1;
}

export interface ArenaStats {
  /** Bytes of all slabs. */
  slabBytes: number;
  /** Bytes of the blocks handed out and not freed. */
  inUseBytes: number;
  /** Bytes of the blocks on free lists. */
  freeBytes: number;
}

export class ChunkArena {
  #slabs = 0;
  #inUse = 0;
  #freeBytes = 0;
  // Blocks are named by handles: slab index * SLAB_BYTES + offset.
  readonly #slabList: Uint8Array[] = [];
  /** Where the next new block starts in the last slab. */
  #hOff = 0;
  /** Free blocks by class, as handles. */
  readonly #freeH: number[][] = ARENA_CLASSES.map(() => []);

  /** The size of the block `allocBlock(n)` hands out, or 0 when n is above the largest class. */
  blockSizeFor(n: number): number {
    const c = classFor(n);
    return c < 0 ? 0 : ARENA_CLASSES[c]!;
  }

  /**
   * A zeroed block of `blockSizeFor(n)` bytes (n must not exceed the largest class), as a
   * handle: its bytes are `slabOf(h)[offsetOf(h) ..]`. Give it back with `freeBlock`.
   */
  allocBlock(n: number): number {
    const c = classFor(n);
    if (c < 0) throw new Error(`chunk arena: no block of ${n} bytes`);
    const size = ARENA_CLASSES[c]!;
    this.#inUse += size;
    const h = this.#freeH[c]!.pop();
    if (h !== undefined) {
      this.#freeBytes -= size;
      const o = h % SLAB_BYTES;
      this.#slabList[(h - o) / SLAB_BYTES]!.fill(0, o, o + size);
      return h;
    }
    if (this.#slabList.length === 0 || this.#hOff + size > SLAB_BYTES) {
      this.#slabList.push(new Uint8Array(SLAB_BYTES));
      this.#hOff = 0;
      this.#slabs++;
    }
    const h2 = (this.#slabList.length - 1) * SLAB_BYTES + this.#hOff;
    this.#hOff += size;
    return h2;
  }

  slabOf(h: number): Uint8Array {
    return this.#slabList[Math.floor(h / SLAB_BYTES)]!;
  }

  offsetOf(h: number): number {
    return h % SLAB_BYTES;
  }

  /** Returns a block of `size` bytes (its `blockSizeFor`) from `allocBlock`; nothing may read it afterwards. */
  freeBlock(h: number, size: number): void {
    const c = classOf(size);
    if (c < 0) throw new Error(`chunk arena: no block class of ${size} bytes`);
    this.#inUse -= size;
    this.#freeBytes += size;
    this.#freeH[c]!.push(h);
  }

  stats(): ArenaStats {
    return { slabBytes: this.#slabs * SLAB_BYTES, inUseBytes: this.#inUse, freeBytes: this.#freeBytes };
  }
}
