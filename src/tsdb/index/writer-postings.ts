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
import { crc32c } from '../../util/crc32c.js';
import { EncBuf } from './encbuf.js';
import { compareUtf8 } from './utf8-order.js';
import { FileWriter } from './file-writer.js';
import { RangeScanner } from './range-scanner.js';
import { DecBuf } from './decbuf.js';
import { IndexFormatError, SERIES_ALIGN } from './format.js';

const ZEROS = new Uint8Array(4);

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
  /** Scratch for encoding postings lists. */
  #pb = Buffer.allocUnsafe(1 << 16);

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
    const p = this.postings;
    const pad = (4 - (p.pos % 4)) % 4;
    if (pad > 0 && !p.append(ZEROS, 0, pad)) await p.addPadding(4);
    const e = this.#e;
    e.reset();
    e.putUvarint(2);
    e.putUvarintStr(name);
    e.putUvarintStr(value);
    e.putUvarint(p.pos); // Relative to the temporary file.
    if (!this.offsets.append(e.b, 0, e.len)) await this.offsets.write(e.get());
    this.count++;

    const n = refs.length;
    const size = 12 + 4 * n;
    if (this.#pb.length < size) this.#pb = Buffer.allocUnsafe(Math.max(size, 2 * this.#pb.length));
    const b = this.#pb;
    b.writeUInt32BE(4 + 4 * n, 0);
    b.writeUInt32BE(n, 4);
    b.set(new Uint8Array(refs.buffer, refs.byteOffset, 4 * n), 8);
    b.subarray(8, 8 + 4 * n).swap32();
    b.writeUInt32BE(crc32c(b, 4, 8 + 4 * n), 8 + 4 * n);
    if (!p.append(b, 0, size)) await p.write(b.subarray(0, size));
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
    b.writeUInt32BE(crc32c(b, 4, 12 + 4 * n), 12 + 4 * n);
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

/** Scratch arrays of one postings pass, sized to the number of series. */
interface Scratch {
  /** Name rank in the batch, value symbol ref and series ref of each scanned use. */
  ranks: Uint32Array;
  vals: Uint32Array;
  refs: Uint32Array;
  /** The same uses grouped by rank (stable). */
  vals2: Uint32Array;
  refs2: Uint32Array;
  /** Refs grouped by value within one rank. */
  out: Uint32Array;
  /** Per value symbol: a count, then a write position; all zero between ranks. */
  perSymbol: Uint32Array;
}

/** Writes the all-postings list and one list per label pair, in offset table order. */
export async function buildPostings(inp: PostingsBuildInput, out: PostingsTmp): Promise<void> {
  await out.writePosting('', '', inp.refs);
  const maxPostings = inp.refs.length;
  const names = [...inp.labelNames.keys()].sort(compareUtf8);
  const cap = Math.max(1, maxPostings);
  const sc: Scratch = {
    ranks: new Uint32Array(cap), vals: new Uint32Array(cap), refs: new Uint32Array(cap),
    vals2: new Uint32Array(cap), refs2: new Uint32Array(cap), out: new Uint32Array(cap),
    perSymbol: new Uint32Array(Math.max(1, inp.symbols.length)),
  };
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
    const n = await scanSeries(inp, rankOf, sc);
    await writeBatch(inp, out, batch, sc, n);
  }
}

/** One pass over the series section: the uses of the batch's label names, in series order. */
async function scanSeries(inp: PostingsBuildInput, rankOf: ReadonlyMap<number, number>, out: Scratch): Promise<number> {
  const sc = new RangeScanner(inp.file, inp.seriesStart, inp.seriesEnd);
  const d = new DecBuf(sc.buf, 0, 0);
  const { ranks, vals, refs } = out;
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
    if (sc.end - sc.pos < 10) await sc.fill(10);
    d.reset(sc.buf, sc.pos, sc.end);
    const len = d.uvarint();
    const total = d.pos - sc.pos + len + 4;
    if (d.err() !== null || (sc.end - sc.pos < total && !(await sc.fill(total)))) throw new IndexFormatError(`read series at ${start}: invalid size`);
    d.reset(sc.buf, sc.pos, sc.pos + total);
    d.uvarint();
    const ref = start / SERIES_ALIGN;
    const k = d.uvarint();
    for (let j = 0; j < k; j++) {
      const ln = d.uvarint();
      const lv = d.uvarint();
      const r = rankOf.get(ln);
      if (r !== undefined) {
        if (n === ranks.length) throw new IndexFormatError('corruption detected when writing postings to index: more label uses than counted');
        ranks[n] = r;
        vals[n] = lv;
        refs[n++] = ref;
      }
    }
    if (d.err() !== null) throw new IndexFormatError(`read series at ${start}: ${d.err() ?? ''}`);
    sc.pos += total;
  }
}

/**
 * Groups the scanned uses by name, then by value, with counting sorts that keep the scan
 * order (so refs stay ascending within each list), and writes lists and label indices.
 */
async function writeBatch(inp: PostingsBuildInput, out: PostingsTmp, batch: readonly string[], sc: Scratch, n: number): Promise<void> {
  const { ranks, vals, refs, vals2, refs2, perSymbol } = sc;
  const rankStart = new Uint32Array(batch.length + 1);
  for (let j = 0; j < n; j++) rankStart[ranks[j]! + 1]!++;
  for (let r = 0; r < batch.length; r++) rankStart[r + 1]! += rankStart[r]!;
  const fill = rankStart.slice(0, batch.length);
  for (let j = 0; j < n; j++) {
    const p = fill[ranks[j]!]!++;
    vals2[p] = vals[j]!;
    refs2[p] = refs[j]!;
  }
  for (let r = 0; r < batch.length; r++) {
    const a = rankStart[r]!, b = rankStart[r + 1]!;
    if (a === b) continue;
    // Distinct values of this name, ascending (symbol order is string order).
    const touched: number[] = [];
    for (let j = a; j < b; j++) {
      const v = vals2[j]!;
      const c = perSymbol[v]!;
      if (c === 0) touched.push(v);
      perSymbol[v] = c + 1;
    }
    const values = Uint32Array.from(touched).sort();
    let acc = 0;
    for (let t = 0; t < values.length; t++) {
      const v = values[t]!;
      const c = perSymbol[v]!;
      perSymbol[v] = acc;
      acc += c;
    }
    const grouped = sc.out;
    for (let j = a; j < b; j++) grouped[perSymbol[vals2[j]!]!++] = refs2[j]!;
    // perSymbol[v] is now the end of v's group.
    let s = 0;
    for (let t = 0; t < values.length; t++) {
      const v = values[t]!;
      const e = perSymbol[v]!;
      perSymbol[v] = 0;
      const value = inp.symbols[v];
      if (value === undefined) throw new IndexFormatError(`unknown symbol offset ${v}`);
      await out.writePosting(batch[r]!, value, grouped.subarray(s, e));
      s = e;
    }
    await out.writeLabelIndex(batch[r]!, values, values.length);
  }
}
