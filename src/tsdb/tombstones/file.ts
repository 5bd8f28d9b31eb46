/**
 * The `tombstones` file of a block: `magic<4> version<1> (ref<uvarint64> mint<varint64>
 * maxt<varint64>)* crc<4>`, the CRC-32C covering the entries (not the magic or version).
 * Written to a temporary file, fsynced, and renamed into place.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crc32c, DecBuf, EncBuf } from '../index/index.js';
import { MemTombstones, type TombstoneReader } from './mem-tombstones.js';

export const TOMBSTONES_FILENAME = 'tombstones';
export const MAGIC_TOMBSTONE = 0x0130ba30;
const FORMAT_V1 = 1;
const HEADER_SIZE = 5;

/** A tombstones file that cannot be read. */
export class TombstonesFormatError extends Error {
  override readonly name = 'TombstonesFormatError';
}

/** The version byte and the entries, in ascending ref order (Prometheus writes map order). */
export function encodeTombstones(tr: TombstoneReader): Buffer {
  const e = new EncBuf(256);
  e.putByte(FORMAT_V1);
  tr.forEach((ref, ivs) => {
    for (const iv of ivs) {
      e.putUvarint(ref);
      putTime(e, iv.mint);
      putTime(e, iv.maxt);
    }
  });
  return Buffer.from(e.get());
}

function putTime(e: EncBuf, t: number): void {
  if (Number.isSafeInteger(t)) e.putVarint(t);
  else e.putVarintBig(t > 0 ? 2n ** 63n - 1n : -(2n ** 63n));
}

/** Parses the version byte and entries. */
export function decodeTombstones(b: Buffer): MemTombstones {
  const d = new DecBuf(b);
  const flag = d.byte();
  if (d.err() !== null) throw new TombstonesFormatError(d.err() ?? '');
  if (flag !== FORMAT_V1) throw new TombstonesFormatError(`invalid tombstone format ${flag.toString(16)}`);
  const m = new MemTombstones();
  while (d.remaining() > 0) {
    const ref = d.uvarint();
    const mint = Number(d.varintBig());
    const maxt = Number(d.varintBig());
    if (d.err() !== null) throw new TombstonesFormatError(d.err() ?? '');
    m.addInterval(ref, { mint, maxt });
  }
  return m;
}

/** Writes `<dir>/tombstones` atomically; returns its size in bytes. */
export async function writeTombstonesFile(dir: string, tr: TombstoneReader): Promise<number> {
  const path = join(dir, TOMBSTONES_FILENAME);
  const tmp = path + '.tmp';
  const body = encodeTombstones(tr);
  const out = Buffer.allocUnsafe(4 + body.length + 4);
  out.writeUInt32BE(MAGIC_TOMBSTONE, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32c(body, 1, body.length), 4 + body.length);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(out);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await syncDir(dirname(path));
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return out.length;
}

/** Reads `<dir>/tombstones`; a missing file means no tombstones (size 0). */
export async function readTombstonesFile(dir: string): Promise<{ tombstones: MemTombstones; size: number }> {
  let b: Buffer;
  try {
    b = await readFile(join(dir, TOMBSTONES_FILENAME));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { tombstones: new MemTombstones(), size: 0 };
    throw e;
  }
  if (b.length < HEADER_SIZE + 4) throw new TombstonesFormatError('tombstones header: invalid size');
  const magic = b.readUInt32BE(0);
  if (magic !== MAGIC_TOMBSTONE) throw new TombstonesFormatError(`invalid magic number ${magic.toString(16)}`);
  const body = b.subarray(4, b.length - 4);
  if (crc32c(body, 1, body.length) !== b.readUInt32BE(b.length - 4)) throw new TombstonesFormatError('checksum did not match');
  return { tombstones: decodeTombstones(body), size: b.length };
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
