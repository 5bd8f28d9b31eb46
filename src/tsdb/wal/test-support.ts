/** Test helpers for the WAL tests: temporary directories and recognisable records. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalReader, type SegmentRange } from './reader.js';

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'watchfire-wal-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A record of `size` bytes whose content is determined by `id` (byte-level checkable). */
export function makeRecord(id: number, size: number, compressible = false): Uint8Array {
  const r = new Uint8Array(size);
  let x = (id * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    if (compressible) r[i] = (id + (i >> 6)) & 0xff;
    else {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      r[i] = x & 0xff;
    }
  }
  return r;
}

export interface ReadResult {
  records: Uint8Array[];
  /** Segment and end offset of each record. */
  ends: { segment: number; end: number }[];
  err: Error | null;
}

export async function readAll(...ranges: SegmentRange[]): Promise<ReadResult> {
  const r = await WalReader.open(...ranges);
  const records: Uint8Array[] = [];
  const ends: { segment: number; end: number }[] = [];
  try {
    while (r.nextBuffered() || await r.next()) {
      records.push(r.record().slice());
      ends.push({ segment: r.segment(), end: r.offset() });
    }
    return { records, ends, err: r.err() };
  } finally {
    await r.close();
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}
