/**
 * The index writer's last stage: postings lists, their offset table and the legacy label
 * indices, built from the series section already on disk.
 *
 * As Prometheus does, it re-reads the series section once per batch of label names, a
 * batch holding at most as many (series, label) uses as there are series, so memory stays
 * proportional to the series count whatever the number of labels. Postings and offset
 * table entries go to temporary files that the writer then appends to the index.
 */
import type { FileHandle } from 'node:fs/promises';
import { crc32c } from './crc32c.js';
import { EncBuf } from './encbuf.js';
import { compareUtf8 } from './utf8-order.js';
import { FileWriter } from './file-writer.js';
import { RangeScanner } from './range-scanner.js';
import { DecBuf } from './decbuf.js';
import { IndexFormatError, SERIES_ALIGN } from './format.js';

const TWO32 = 0x1_0000_0000;

/** Temporary outputs of the postings stage, to be appended to the index. */
export class PostingsTmp {
  readonly postings: FileWriter;
  readonly offsets: FileWriter;
  readonly labelIndices: FileWriter | null;
  /** Number of entries in `offsets`. */
  count = 0;
  /** One per label name, in name order: offsets relative to the start of `labelIndices`. */
  readonly labelIndexOffsets: { name: string; off: number }[] = [];
  readonly #e = new EncBuf(1024);

  private constructor(p: FileWriter, po: FileWriter, li: FileWriter | null) {
    this.postings = p;
    this.offsets = po;
    this.labelIndices = li;
  }

  static async create(indexPath: string, withLabelIndices: boolean): Promise<PostingsTmp> {
    const p = await FileWriter.create(indexPath + '_tmp_p');
    const po = await FileWriter.create(indexPath + '_tmp_po');
    const li = withLabelIndices ? await FileWriter.create(indexPath + '_tmp_li') : null;
    return new PostingsTmp(p, po, li);
  }

  /** Appends one postings list (4-byte aligned) and its offset table entry. */
  async writePosting(name: string, value: string, refs: Uint32Array): Promise<void> {
    await this.postings.addPadding(4);
    const e = this.#e;
    e.reset();
    e.putUvarint(2);
    e.putUvarintStr(name);
    e.putUvarintStr(value);
    e.putUvarint(this.postings.pos); // Relative to the temporary file.
    await this.offsets.write(e.get());
    this.count++;

    const n = refs.length;
    const b = Buffer.allocUnsafe(12 + 4 * n);
    b.writeUInt32BE(4 + 4 * n, 0);
    b.writeUInt32BE(n, 4);
    b.set(new Uint8Array(refs.buffer, refs.byteOffset, 4 * n), 8);
    b.subarray(8, 8 + 4 * n).swap32();
    b.writeUInt32BE(crc32c(b, 0, 4, 8 + 4 * n), 8 + 4 * n);
    await this.postings.write(b);
  }

  /** Appends a legacy label index section (one name, its value symbol refs in order). */
  async writeLabelIndex(name: string, valueRefs: ArrayLike<number>, n: number): Promise<void> {
    const li = this.labelIndices;
    if (li === null) return;
    await li.addPadding(4);
    this.labelIndexOffsets.push({ name, off: li.pos });
    const b = Buffer.allocUnsafe(16 + 4 * n);
    b.writeUInt32BE(8 + 4 * n, 0);
    b.writeUInt32BE(1, 4);
    b.writeUInt32BE(n, 8);
    for (let i = 0; i < n; i++) b.writeUInt32BE(valueRefs[i]!, 12 + 4 * i);
    b.writeUInt32BE(crc32c(b, 0, 4, 12 + 4 * n), 12 + 4 * n);
    await li.write(b);
  }

  async discard(): Promise<void> {
    await this.postings.discard();
    await this.offsets.discard();
    await this.labelIndices?.discard();
  }
}

export interface PostingsBuildInput {
  /** The index file, readable, with the series section flushed. */
  file: FileHandle;
  seriesStart: number;
  seriesEnd: number;
  /** All series refs, ascending. */
  refs: Uint32Array;
  /** How many series use each label name. */
  labelNames: ReadonlyMap<string, number>;
  symbolRef: ReadonlyMap<string, number>;
  /** Symbols by ref. */
  symbols: readonly string[];
  signal: AbortSignal | undefined;
}

/** Writes the all-postings list and one list per label pair, in offset table order. */
export async function buildPostings(inp: PostingsBuildInput, out: PostingsTmp): Promise<void> {
  await out.writePosting('', '', inp.refs);
  const maxPostings = inp.refs.length;
  const names = [...inp.labelNames.keys()].sort(compareUtf8);
  const keys = new Float64Array(Math.max(1, maxPostings));
  const refs = new Uint32Array(Math.max(1, maxPostings));
  const sorted = new Uint32Array(Math.max(1, maxPostings));
  let i = 0;
  while (i < names.length) {
    inp.signal?.throwIfAborted();
    // As many names as fit in one pass of at most `maxPostings` uses.
    const batch: string[] = [];
    let uses = 0;
    while (i < names.length) {
      const u = inp.labelNames.get(names[i]!)!;
      if (uses + u > maxPostings) {
        if (batch.length > 0) break;
        throw new IndexFormatError(`corruption detected when writing postings to index: label "${names[i]!}" has ${u} uses, but maxPostings is ${maxPostings}`);
      }
      batch.push(names[i]!);
      uses += u;
      i++;
    }
    const rankOf = new Map<number, number>();
    for (let r = 0; r < batch.length; r++) {
      const sid = inp.symbolRef.get(batch[r]!);
      if (sid === undefined) throw new IndexFormatError(`symbol entry for "${batch[r]!}" does not exist`);
      rankOf.set(sid, r);
    }
    const n = await scanSeries(inp, rankOf, keys, refs);
    await writeBatch(inp, out, batch, keys, refs, sorted, n);
  }
}

/** One pass over the series section: (name rank, value ref) keys and series refs of the batch's labels. */
async function scanSeries(inp: PostingsBuildInput, rankOf: ReadonlyMap<number, number>, keys: Float64Array, refs: Uint32Array): Promise<number> {
  const sc = new RangeScanner(inp.file, inp.seriesStart, inp.seriesEnd);
  const d = new DecBuf(sc.buf, 0, 0);
  let n = 0;
  for (;;) {
    // Skip the padding before the entry.
    for (;;) {
      if (sc.pos === sc.end && !(await sc.fill(1))) return n;
      if (sc.buf[sc.pos] !== 0) break;
      sc.pos++;
    }
    const start = sc.filePos;
    if (start % SERIES_ALIGN !== 0) throw new IndexFormatError(`series not 16-byte aligned at ${start}`);
    await sc.fill(10);
    d.reset(sc.buf, sc.pos, sc.end);
    const len = d.uvarint();
    const total = d.pos - sc.pos + len + 4;
    if (d.err() !== null || !(await sc.fill(total))) throw new IndexFormatError(`read series at ${start}: invalid size`);
    d.reset(sc.buf, sc.pos, sc.pos + total);
    d.uvarint();
    const ref = start / SERIES_ALIGN;
    const k = d.uvarint();
    for (let j = 0; j < k; j++) {
      const ln = d.uvarint();
      const lv = d.uvarint();
      const r = rankOf.get(ln);
      if (r !== undefined) {
        keys[n] = r * TWO32 + lv;
        refs[n++] = ref;
      }
    }
    if (d.err() !== null) throw new IndexFormatError(`read series at ${start}: ${d.err()}`);
    sc.pos += total;
  }
}

/** Groups the scanned uses by (name, value) in order, refs ascending within each, and writes them. */
async function writeBatch(inp: PostingsBuildInput, out: PostingsTmp, batch: readonly string[], keys: Float64Array, refs: Uint32Array, sorted: Uint32Array, n: number): Promise<void> {
  // A counting sort: refs were scanned in ascending order, so each group stays sorted.
  const counts = new Map<number, number>();
  for (let j = 0; j < n; j++) {
    const k = keys[j]!;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const distinct = new Float64Array(counts.size);
  let m = 0;
  for (const k of counts.keys()) distinct[m++] = k;
  distinct.sort();
  const starts = new Map<number, number>();
  let acc = 0;
  for (let j = 0; j < m; j++) {
    const k = distinct[j]!;
    starts.set(k, acc);
    acc += counts.get(k)!;
  }
  const ends = new Map(starts);
  for (let j = 0; j < n; j++) {
    const k = keys[j]!;
    const p = ends.get(k)!;
    sorted[p] = refs[j]!;
    ends.set(k, p + 1);
  }
  const values = new Uint32Array(m);
  let nv = 0;
  let curRank = -1;
  for (let j = 0; j < m; j++) {
    const k = distinct[j]!;
    const rank = Math.floor(k / TWO32);
    const vs = k - rank * TWO32;
    if (rank !== curRank) {
      if (curRank >= 0) await out.writeLabelIndex(batch[curRank]!, values, nv);
      curRank = rank;
      nv = 0;
    }
    values[nv++] = vs;
    const s = starts.get(k)!;
    const value = inp.symbols[vs];
    if (value === undefined) throw new IndexFormatError(`unknown symbol offset ${vs}`);
    await out.writePosting(batch[rank]!, value, sorted.subarray(s, s + counts.get(k)!));
  }
  if (curRank >= 0) await out.writeLabelIndex(batch[curRank]!, values, nv);
}
