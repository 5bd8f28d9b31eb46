/**
 * Chunk references: Prometheus packs a file sequence number (upper 32 bits) and a byte offset
 * in that file (lower 32 bits) into a uint64. Here a ref is a JS number, seq * 2^32 + offset,
 * exact while seq < 2^21 (two million files of up to 4 GiB each): far beyond any real block or
 * head directory. Refs compare like Prometheus's (seq first, then offset) with plain < and >.
 *
 * - Block chunk refs (`chunks/`): seq is the 0-based position of the segment file among the
 *   directory's numbered files (000001 is seq 0), offset points at the chunk's length field.
 * - Head chunk refs (`chunks_head/`, Prometheus's ChunkDiskMapperRef): seq is the file's
 *   number itself (000001 is seq 1), offset points at the record's series ref.
 */
export type ChunkRef = number;

const TWO32 = 4294967296;
/** Largest file sequence number a ref can carry exactly. */
export const MAX_REF_SEQ = 2 ** 21 - 1;

export function packChunkRef(seq: number, offset: number): ChunkRef {
  if (!Number.isInteger(seq) || seq < 0 || seq > MAX_REF_SEQ) throw new RangeError(`chunk file sequence ${seq} out of range`);
  if (!Number.isInteger(offset) || offset < 0 || offset >= TWO32) throw new RangeError(`chunk offset ${offset} out of range`);
  return seq * TWO32 + offset;
}

export function chunkRefSeq(ref: ChunkRef): number {
  return Math.floor(ref / TWO32);
}

export function chunkRefOffset(ref: ChunkRef): number {
  return ref % TWO32;
}
