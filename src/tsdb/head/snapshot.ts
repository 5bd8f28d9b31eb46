/**
 * Chunk snapshots, Prometheus's `memory-snapshot-on-shutdown` feature, in its format: at a
 * clean shutdown the head writes `chunk_snapshot.NNNNNN.MMMMMMMMMM/` into the data directory
 * (NNNNNN = the last WAL segment, MMMMMMMMMM = the offset in it up to which the WAL was
 * written), a directory of segments in the WAL format holding
 *
 * - one record per series: type 1, ref (be64), labels, a retired be64 (0), then 0, or 1 and
 *   the open chunk: mint, maxt (be64), encoding byte, uvarint-length bytes, and for float
 *   chunks three unused (t, v) pairs and the last sample (t unused, v with the stale-marker
 *   bits when stale), for histogram chunks the last histogram as the WAL encodes it;
 * - one tombstones record: type 2, uvarint-length bytes of the tombstone encoding;
 * - exemplar records of up to 10,000 exemplars, oldest first: type 3 followed by the body of
 *   a WAL exemplars record.
 *
 * At start the newest snapshot is loaded instead of replaying the WAL up to its position;
 * full chunks still come from chunks_head, and the WAL after the position (or a newer
 * checkpoint and the segments after it) is replayed as usual. Out-of-order chunks are not
 * in the snapshot: the WBL brings them back. A snapshot that cannot be read is reported and
 * counted, and the head is rebuilt from the WAL alone.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Labels, STALE_NAN_HI, STALE_NAN_LO } from '../../model/index.js';
import type { FloatHistogram, Histogram } from '../../model/index.js';
import type { Logger } from '../../util/log.js';
import { replace, syncDir } from '../block/fsutil.js';
import { Encoding, chunkFromBytes, type Chunk } from '../chunkenc/index.js';
import { Decbuf, Encbuf, RecordDecoder, RecordEncoder, RecordType, encodeLabels, type RefExemplar } from '../record/index.js';
import { StringTable } from '../record/decbuf.js';
import { decodeFloatHistogram, decodeHistogram, encodeFloatHistogram, encodeHistogram } from '../record/histogram-codec.js';
import { decodeTombstones, encodeTombstones } from '../tombstones/index.js';
import { WalReader, Wlog, segmentRange, type CompressionType } from '../wal/index.js';
import type { HeadCore } from './head-core.js';
import { staleHistogram } from './histogram-check.js';
import { Kind, type MemSeries } from './series.js';

export const CHUNK_SNAPSHOT_PREFIX = 'chunk_snapshot.';
const TMP_SUFFIX = '.tmp';

const REC_SERIES = 1;
const REC_TOMBSTONES = 2;
const REC_EXEMPLARS = 3;
/** Series records are handed to the writer in batches of about this many bytes, as Prometheus does. */
const FLUSH_BYTES = 10 << 20;
const EXEMPLARS_PER_RECORD = 10_000;

/** `chunk_snapshot.<segment, 6 digits>.<offset, 10 digits>`. */
export function chunkSnapshotDirName(segment: number, offset: number): string {
  return `${CHUNK_SNAPSHOT_PREFIX}${String(segment).padStart(6, '0')}.${String(offset).padStart(10, '0')}`;
}

export interface SnapshotRef {
  dir: string;
  /** The WAL position it covers up to: segment and offset. */
  index: number;
  offset: number;
}

function parseName(name: string): { index: number; offset: number } | null {
  const parts = name.slice(CHUNK_SNAPSHOT_PREFIX.length).split('.');
  if (parts.length !== 2) return null;
  const int = /^[+-]?[0-9]+$/;
  if (!int.test(parts[0]!) || !int.test(parts[1]!)) return null;
  const index = Number(parts[0]), offset = Number(parts[1]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(offset)) return null;
  return { index, offset };
}

/** The newest chunk snapshot in `dataDir`, or null. A non-directory with the prefix is an error, as in Prometheus. */
export async function lastChunkSnapshot(dataDir: string): Promise<SnapshotRef | null> {
  let best: SnapshotRef | null = null;
  for (const e of await readdir(dataDir, { withFileTypes: true })) {
    if (!e.name.startsWith(CHUNK_SNAPSHOT_PREFIX)) continue;
    if (!e.isDirectory()) throw new Error(`chunk snapshot ${e.name} is not a directory`);
    const p = parseName(e.name);
    if (p === null) continue;
    if (best === null || p.index > best.index || (p.index === best.index && p.offset > best.offset)) {
      best = { dir: join(dataDir, e.name), ...p };
    }
  }
  return best;
}

/** Deletes the chunk snapshots before WAL position (maxIndex, maxOffset); Infinity for all. */
export async function deleteChunkSnapshots(dataDir: string, maxIndex: number, maxOffset: number): Promise<void> {
  const errs: string[] = [];
  for (const e of await readdir(dataDir, { withFileTypes: true })) {
    if (!e.name.startsWith(CHUNK_SNAPSHOT_PREFIX)) continue;
    const p = parseName(e.name);
    if (p === null) continue;
    if (p.index < maxIndex || (p.index === maxIndex && p.offset < maxOffset)) {
      await rm(join(dataDir, e.name), { recursive: true, force: true }).catch((err: unknown) => { errs.push(String(err)); });
    }
  }
  if (errs.length > 0) throw new Error(errs.join('; '));
}

export interface SnapshotStats {
  series: number;
  exemplars: number;
  /** The snapshot directory written, '' when nothing was (no change since the last one). */
  dir: string;
}

/** The chunk-less record fields of an open float chunk: three retired (t, v) pairs and the last sample's t. */
function putRetiredPairs(b: Encbuf): void {
  for (let i = 0; i < 3; i++) {
    b.putBE64Int(0);
    b.putBEFloat64(0);
  }
  b.putBE64Int(0);
}

function encodeSeries(b: Encbuf, s: MemSeries): void {
  b.putByte(REC_SERIES);
  b.putBE64Uint(s.ref);
  encodeLabels(b, s.labels);
  b.putBE64Int(0); // was the chunk range; unused
  const c = s.chunk;
  if (c === null || c.numSamples() === 0) {
    b.putUvarint(0);
    return;
  }
  b.putUvarint(1);
  b.putBE64Int(s.chunkMint);
  b.putBE64Int(s.chunkMaxt);
  b.putByte(c.encoding);
  const bytes = c.bytes();
  b.putUvarint(bytes.length);
  b.putBytes(bytes);
  switch (c.encoding) {
    case Encoding.Histogram:
    case Encoding.HistogramST: {
      const h = s.lastH !== null && s.lastKind === Kind.Histogram ? s.lastH : staleHistogram();
      encodeHistogram(b, h, s.lastStale);
      break;
    }
    case Encoding.FloatHistogram:
    case Encoding.FloatHistogramST: {
      // An empty histogram has the same shape in both kinds.
      const fh: FloatHistogram = s.lastH !== null && s.lastKind === Kind.FloatHistogram ? s.lastH : staleHistogram();
      encodeFloatHistogram(b, fh, s.lastStale);
      break;
    }
    default:
      putRetiredPairs(b);
      b.putSampleValue(s.lastV, s.lastStale);
      break;
  }
}

/**
 * Writes a chunk snapshot of the head for WAL position (segment, offset), after the WAL and
 * chunks_head are closed: built in a `.tmp` directory, synced, renamed into place; older
 * snapshots are deleted afterwards. Nothing is written when the newest snapshot already
 * has this position.
 */
export async function writeChunkSnapshot(core: HeadCore, dataDir: string, segment: number, offset: number, compression: CompressionType, logger: Logger): Promise<SnapshotStats> {
  const stats: SnapshotStats = { series: 0, exemplars: 0, dir: '' };
  const last = await lastChunkSnapshot(dataDir);
  if (last !== null && last.index === segment && last.offset === offset) return stats;
  const final = join(dataDir, chunkSnapshotDirName(segment, offset));
  const tmp = final + TMP_SUFFIX;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  let cp: Wlog | null = null;
  try {
    cp = await Wlog.open(tmp, { compression, sync: 'write' });
    const buf = new Encbuf(1 << 20);
    const recs: Uint8Array[] = [];
    for (const s of core.series.values()) {
      const at = buf.len;
      encodeSeries(buf, s);
      recs.push(buf.view(at));
      stats.series++;
      if (buf.len > FLUSH_BYTES) {
        await cp.log(recs);
        recs.length = 0;
        buf.reset();
      }
    }
    const ts = encodeTombstones(core.tombstones);
    const at = buf.len;
    buf.putByte(REC_TOMBSTONES);
    buf.putUvarint(ts.length);
    buf.putBytes(ts);
    recs.push(buf.view(at));
    await cp.log(recs);

    // Exemplars oldest first, in records of up to EXEMPLARS_PER_RECORD; those of series no
    // longer in the head are left out.
    const exemplars: RefExemplar[] = [];
    core.exemplars.forEachInOrder((s, labels, v, t) => {
      if (core.series.get(s.ref) === s) exemplars.push({ ref: s.ref, t, v, labels });
    });
    const enc = new RecordEncoder();
    for (let i = 0; i < exemplars.length; i += EXEMPLARS_PER_RECORD) {
      buf.reset();
      const rec = enc.exemplars(exemplars.slice(i, i + EXEMPLARS_PER_RECORD), buf);
      rec[0] = REC_EXEMPLARS;
      await cp.log([rec]);
    }
    stats.exemplars = exemplars.length;

    const w = cp;
    cp = null;
    await w.close();
    await syncDir(tmp);
    await rm(final, { recursive: true, force: true });
    await replace(tmp, final);
  } finally {
    if (cp !== null) await cp.close().catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  }
  stats.dir = final;
  try {
    await deleteChunkSnapshots(dataDir, segment, offset);
  } catch (e) {
    // Leftover older snapshots only take space: a newer one exists.
    logger.error('delete old chunk snapshots', { err: e instanceof Error ? e.message : String(e) });
  }
  return stats;
}

/** What a loaded snapshot gave: its WAL position and the series it created. */
export interface LoadedSnapshot {
  dir: string;
  index: number;
  offset: number;
  series: MemSeries[];
  exemplars: number;
  tombstones: number;
}

/** A snapshot record that cannot be decoded. */
export class SnapshotDecodeError extends Error {
  override readonly name = 'SnapshotDecodeError';
}

interface DecodedSeries {
  ref: number;
  labels: Labels;
  chunk: Chunk | null;
  mint: number;
  maxt: number;
  lastV: number;
  stale: boolean;
  lastH: Histogram | FloatHistogram | null;
  kind: Kind;
}

const TWO32 = 4294967296;
const SLAB_BYTES = 1 << 20;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reads series records in place: no reader object per record, label strings through a
 * string table, and the open chunks' bytes copied into shared slabs (a restored chunk is
 * read-only and cut at the series' next sample, so the slabs go soon after start).
 * Histogram trailers go through `Decbuf`.
 */
class SeriesRecordReader {
  #b: Uint8Array = new Uint8Array(0);
  #str: Buffer = Buffer.alloc(0);
  #p = 0;
  #end = 0;
  #err: string | null = null;
  readonly #strings = new StringTable();
  readonly #d = new Decbuf();
  #slab = new Uint8Array(0);
  #slabUsed = 0;

  #short(n: number): boolean {
    if (this.#err !== null) return true;
    if (this.#end - this.#p < n) { this.#err = 'invalid size'; return true; }
    return false;
  }

  #u32(): number {
    const b = this.#b, p = this.#p;
    this.#p = p + 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  #be64Uint(): number {
    if (this.#short(8)) return 0;
    const hi = this.#u32(), lo = this.#u32();
    if (hi >= 0x200000) { this.#err = 'integer outside the safe range of a JS number'; return 0; }
    return hi * TWO32 + lo;
  }

  #be64Int(): number {
    if (this.#short(8)) return 0;
    const hi = this.#u32() | 0, lo = this.#u32();
    const v = hi * TWO32 + lo;
    if (!Number.isSafeInteger(v)) { this.#err = 'integer outside the safe range of a JS number'; return 0; }
    return v;
  }

  #uvarint(): number {
    const b = this.#b;
    let x = 0, mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.#p >= this.#end) { this.#err ??= 'invalid size'; return 0; }
      const c = b[this.#p++]!;
      x += (c & 0x7f) * mul;
      if (c < 0x80) {
        if (!Number.isSafeInteger(x)) { this.#err ??= 'integer outside the safe range of a JS number'; return 0; }
        return x;
      }
      mul *= 128;
    }
    this.#err ??= 'invalid size';
    return 0;
  }

  #labels(): Labels {
    const n = this.#uvarint();
    if (this.#err !== null || n * 2 > this.#end - this.#p) {
      this.#err ??= 'invalid size';
      return Labels.EMPTY;
    }
    const a = new Array<string>(2 * n);
    for (let i = 0; i < 2 * n; i++) {
      const len = this.#uvarint();
      if (this.#short(len)) return Labels.EMPTY;
      a[i] = this.#strings.get(this.#b, this.#p, len, this.#str);
      this.#p += len;
    }
    return Labels.fromUnsortedArray(a);
  }

  /** A copy of b[p, p + n) in a slab. */
  #copy(n: number): Uint8Array {
    if (this.#slabUsed + n > this.#slab.length) {
      this.#slab = new Uint8Array(Math.max(SLAB_BYTES, n));
      this.#slabUsed = 0;
    }
    const at = this.#slabUsed;
    this.#slab.set(this.#b.subarray(this.#p, this.#p + n), at);
    this.#slabUsed = at + n;
    return this.#slab.subarray(at, at + n);
  }

  decode(rec: Uint8Array): DecodedSeries {
    if (this.#b.buffer !== rec.buffer) {
      // Records are views into the reader's (reused) buffers: one Buffer view per buffer.
      this.#b = new Uint8Array(rec.buffer);
      this.#str = Buffer.from(rec.buffer);
    }
    this.#p = rec.byteOffset + 1;
    this.#end = rec.byteOffset + rec.length;
    this.#err = null;
    const ref = this.#be64Uint();
    const labels = this.#labels();
    this.#be64Int(); // was the chunk range
    const out: DecodedSeries = { ref, labels, chunk: null, mint: 0, maxt: 0, lastV: 0, stale: false, lastH: null, kind: Kind.None };
    const has = this.#uvarint();
    if (this.#err !== null) throw new SnapshotDecodeError(`decode series record: ${String(this.#err)}`);
    if (has === 0) return out;
    out.mint = this.#be64Int();
    out.maxt = this.#be64Int();
    const enc = this.#short(1) ? 0 : this.#b[this.#p++]!;
    const n = this.#uvarint();
    if (this.#err === null && n > this.#end - this.#p) this.#err = 'invalid size';
    if (this.#err !== null) throw new SnapshotDecodeError(`decode series record: ${this.#err}`);
    const bytes = this.#copy(n);
    this.#p += n;
    try {
      out.chunk = chunkFromBytes(enc, bytes);
    } catch (e) {
      throw new SnapshotDecodeError(`chunk from data: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    switch (enc) {
      case Encoding.XOR:
      case Encoding.XOR2: {
        // Three retired (t, v) pairs and the last sample's retired t, then its value.
        if (this.#short(64)) break;
        this.#p += 56;
        const hi = this.#u32(), lo = this.#u32();
        out.stale = hi === STALE_NAN_HI && lo === STALE_NAN_LO;
        u32[LITTLE ? 1 : 0] = hi;
        u32[LITTLE ? 0 : 1] = lo;
        out.lastV = out.stale ? NaN : f64[0]!;
        out.kind = Kind.Float;
        break;
      }
      case Encoding.Histogram:
      case Encoding.FloatHistogram:
      case Encoding.HistogramST:
      case Encoding.FloatHistogramST: {
        const d = this.#d;
        d.reset(rec.subarray(this.#p - rec.byteOffset));
        const ints = enc === Encoding.Histogram || enc === Encoding.HistogramST;
        out.lastH = ints ? decodeHistogram(d) : decodeFloatHistogram(d);
        out.stale = d.lastStale;
        out.kind = ints ? Kind.Histogram : Kind.FloatHistogram;
        if (d.err !== null) this.#err = d.err;
        break;
      }
      default:
        throw new SnapshotDecodeError(`chunk encoding ${enc} has no decode case`);
    }
    if (this.#err !== null) throw new SnapshotDecodeError(`decode series record: ${this.#err}`);
    if (out.stale) out.lastH = null;
    return out;
  }
}

/**
 * Loads the snapshot `snap` into an empty core: series (indexed) with their open chunks,
 * tombstones and, when the core keeps exemplars, exemplars. Throws on anything unreadable;
 * the caller then discards the core.
 */
export async function loadChunkSnapshot(core: HeadCore, snap: SnapshotRef): Promise<LoadedSnapshot> {
  const r = await WalReader.open({ dir: snap.dir });
  const out: LoadedSnapshot = { dir: snap.dir, index: snap.index, offset: snap.offset, series: [], exemplars: 0, tombstones: 0 };
  const d = new Decbuf();
  const series = new SeriesRecordReader();
  const dec = new RecordDecoder();
  const exs: RefExemplar[] = [];
  try {
    while (r.nextBuffered() || await r.next()) {
      const rec = r.record();
      switch (rec[0]) {
        case REC_SERIES: {
          const x = series.decode(rec);
          const { s, created } = core.createWithRef(x.ref, x.labels);
          if (!created) break; // the same labels twice: the first record wins
          core.index(s);
          out.series.push(s);
          if (x.chunk !== null) {
            s.restoreOpen(x.chunk, x.mint, x.maxt, x.kind, x.lastV, x.stale, x.lastH);
            core.updateMinMax(x.mint, x.maxt);
            core.counters.chunks++;
            core.counters.chunksCreated++;
          }
          break;
        }
        case REC_TOMBSTONES: {
          d.reset(rec);
          d.byte();
          const n = d.uvarint();
          if (d.err === null && n > d.len()) d.err = 'invalid size';
          if (d.err !== null) throw new SnapshotDecodeError(`decode tombstones: ${d.err}`);
          let ts;
          try {
            ts = decodeTombstones(Buffer.from(rec.buffer, rec.byteOffset + d.pos, n));
          } catch (e) {
            throw new SnapshotDecodeError(`decode tombstones: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
          }
          ts.forEach((ref, ivs) => {
            core.tombstones.addInterval(ref, ...ivs);
            out.tombstones += ivs.length;
          });
          break;
        }
        case REC_EXEMPLARS: {
          if (core.exemplars.capacity === 0) break;
          // The body is a WAL exemplars record's.
          const copy = rec.slice();
          copy[0] = RecordType.Exemplars;
          exs.length = 0;
          try {
            dec.exemplars(copy, exs);
          } catch (e) {
            throw new SnapshotDecodeError(`exemplars from buffer: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
          }
          for (const e of exs) {
            const s = core.series.get(e.ref);
            if (s !== undefined && core.exemplars.add(s, e.labels, e.v, e.t)) out.exemplars++;
          }
          break;
        }
        default:
          throw new SnapshotDecodeError(`unsupported snapshot record type 0b${(rec[0] ?? 0).toString(2)}`);
      }
    }
    const err = r.err();
    if (err !== null) throw new Error(`read records: ${err.message}`, { cause: err });
  } finally {
    await r.close();
  }
  return out;
}

/**
 * Whether the snapshot may be used: not when the WAL ends before its segment (it is
 * outdated; all snapshots are then deleted, as Prometheus does).
 */
export async function snapshotUsable(dataDir: string, walDir: string, snap: SnapshotRef, logger: Logger): Promise<boolean> {
  const { last } = await segmentRange(walDir);
  if (last >= snap.index) return true;
  logger.warn('Last WAL file is behind snapshot, removing snapshots');
  await deleteChunkSnapshots(dataDir, Infinity, Infinity).catch((e: unknown) => {
    logger.error('Error while deleting snapshot directories', { err: e instanceof Error ? e.message : String(e) });
  });
  return false;
}

