/**
 * What a block needs from the chunk segment files (`<block>/chunks/000001`, ...). The
 * implementations live with the chunk files; a block only reads chunks by ref and writes
 * them in order.
 */
import type { Chunk } from '../chunkenc/index.js';

/**
 * Reads chunks of one block by ref (segment index in the upper 32 bits, byte offset in the
 * lower 32 bits). Safe for concurrent use.
 */
export interface ChunkReader {
  /** The chunk at `ref`, checked against its CRC. */
  chunk(ref: number): Promise<Chunk>;
  /**
   * The chunks at `refs` (any order) into `out[0, refs.length)`, as `chunk` would return
   * each: for readers of many chunks at once, which the implementation may read together.
   */
  chunksAt(refs: ArrayLike<number>, out: Chunk[]): Promise<void>;
  /**
   * The chunks at `refs` (any order) as byte ranges, checked as `chunk` checks them: for
   * readers of many chunks that would rather not hold an object per chunk. Calls that read
   * for one query share `budget` (from `cacheBudget`), what of the reader's cache they may
   * fill with scattered chunks; without it each call has one of its own.
   */
  chunkSpansAt(refs: ArrayLike<number>, budget?: CacheBudget): Promise<ChunkSpans>;
  /** A fresh budget for the `chunkSpansAt` calls of one query. */
  cacheBudget(): CacheBudget;
  /** Total bytes of the segment files. */
  size(): number;
  close(): Promise<void>;
}

/** Bytes of a chunk reader's cache that the reads of one query may still fill with scattered chunks. */
export interface CacheBudget {
  bytes: number;
}

/**
 * Chunks as byte ranges: chunk i has encoding `enc[i]` and its bytes (without the encoding
 * byte) are `bufs[buf[i]][start[i], end[i])`. The buffers are never modified; they stay valid
 * as long as they are referenced.
 */
export interface ChunkSpans {
  bufs: Uint8Array[];
  buf: Uint32Array;
  start: Uint32Array;
  end: Uint32Array;
  enc: Uint8Array;
}

/** A chunk to write, with its time range (ms, inclusive). `ref` is set by the writer. */
export interface ChunkToWrite {
  mint: number;
  maxt: number;
  chunk: Chunk;
  ref: number;
}

/**
 * Writes a block's chunks. Each call appends the chunks in order and sets their `ref`;
 * refs increase across calls, as the index requires. Not safe for concurrent use.
 */
export interface ChunkWriter {
  writeChunks(chunks: ChunkToWrite[]): Promise<void>;
  /** Flushes, fsyncs and closes the segment files. */
  close(): Promise<void>;
}

/** Opens the chunk reader of a block's `chunks` directory. */
export type OpenChunkReader = (chunksDir: string) => Promise<ChunkReader>;
/** Creates the chunk writer for a new block's `chunks` directory (the directory may not exist yet). */
export type OpenChunkWriter = (chunksDir: string) => Promise<ChunkWriter>;
