/**
 * Writes an index file in Prometheus's format version 2, streaming: all symbols first (in
 * byte order), then the series in label order with their chunk metas, then `close()`
 * builds postings, the legacy label indices, both offset tables and the TOC.
 *
 * Memory: the symbols (a map to their refs, as Prometheus keeps), 4 bytes per series and,
 * while postings are built, about 16 bytes per series; never the whole file.
 */
import { rm } from 'node:fs/promises';
import type { Labels } from '../../model/index.js';
import { crc32c, crc32cCombine } from '../../util/crc32c.js';
import { EncBuf } from './encbuf.js';
import { FileWriter } from './file-writer.js';
import {
  FORMAT_V2, IndexFormatError, MAGIC_INDEX, MAX_INDEX_SIZE, SERIES_ALIGN, encodeTOC,
  type ChunkMeta, type TOC,
} from './format.js';
import { compareLabelsUtf8, compareUtf8 } from './utf8-order.js';
import { PostingsTmp, buildPostings } from './writer-postings.js';
import { RangeScanner } from './range-scanner.js';
import { DecBuf } from './decbuf.js';

export interface IndexWriterOptions {
  /** Aborts a long write between steps; `close()` then rejects with the abort reason. */
  signal?: AbortSignal;
  /**
   * Whether to write the legacy label index sections and their offset table, as Prometheus
   * 2.x does (default true). Prometheus 3 no longer writes them; no reader needs them.
   */
  labelIndices?: boolean;
}

const ZEROS = new Uint8Array(16);

type Stage = 'none' | 'symbols' | 'series' | 'done';

const STAGE_ORDER: Readonly<Record<Stage, number>> = { none: 0, symbols: 1, series: 2, done: 3 };

/**
 * Not safe for concurrent use: await each call before the next. After an error the writer
 * is unusable; call `abort()` to remove its files.
 */
export class IndexWriter {
  readonly path: string;
  readonly #f: FileWriter;
  readonly #opts: IndexWriterOptions;
  #stage: Stage = 'none';
  readonly #toc: TOC = { symbols: 0, series: 0, labelIndices: 0, labelIndicesTable: 0, postings: 0, postingsTable: 0 };
  readonly #e1 = new EncBuf(1 << 12);
  readonly #e2 = new EncBuf(1 << 12);

  readonly #symbolRef = new Map<string, number>();
  readonly #symbols: string[] = [];
  #lastSymbol = '';
  #symbolsCrc = 0;
  #symbolsLen = 0;

  readonly #labelNames = new Map<string, number>();
  #lastSeries: Labels | null = null;
  #lastChunkRef = 0;
  #refs = new Uint32Array(1024);
  #numSeries = 0;
  #tmp: PostingsTmp | null = null;

  private constructor(path: string, f: FileWriter, opts: IndexWriterOptions) {
    this.path = path;
    this.#f = f;
    this.#opts = opts;
  }

  /** Creates the file (replacing any existing one) and writes the header. */
  static async create(path: string, opts: IndexWriterOptions = {}): Promise<IndexWriter> {
    await rm(path, { force: true });
    const f = await FileWriter.create(path);
    const w = new IndexWriter(path, f, opts);
    const e = w.#e1;
    e.reset();
    e.putBE32(MAGIC_INDEX);
    e.putByte(FORMAT_V2);
    await f.write(e.get());
    return w;
  }

  /** Number of series added so far. */
  get numSeries(): number {
    return this.#numSeries;
  }

  /** Adds the next symbol; symbols must come in strictly increasing UTF-8 byte order. */
  async addSymbol(sym: string): Promise<void> {
    await this.#ensureStage('symbols');
    if (!this.#putSymbol(sym)) await this.#f.write(this.#e1.get());
  }

  /** `addSymbol` for many symbols, without a promise per symbol. */
  async addSymbols(syms: Iterable<string>): Promise<void> {
    await this.#ensureStage('symbols');
    for (const sym of syms) {
      if (!this.#putSymbol(sym)) await this.#f.write(this.#e1.get());
    }
  }

  /** Records and encodes a symbol into `#e1`; true when it also went into the file buffer. */
  #putSymbol(sym: string): boolean {
    if (this.#symbols.length > 0 && compareUtf8(sym, this.#lastSymbol) <= 0) {
      throw new IndexFormatError(`symbol ${JSON.stringify(sym)} out-of-order`);
    }
    this.#lastSymbol = sym;
    this.#symbolRef.set(sym, this.#symbols.length);
    this.#symbols.push(sym);
    const e = this.#e1;
    e.reset();
    e.putUvarintStr(sym);
    this.#symbolsCrc = crc32c(e.b, 0, e.len, this.#symbolsCrc);
    this.#symbolsLen += e.len;
    return this.#f.append(e.b, 0, e.len);
  }

  /**
   * Adds the next series: label sets in strictly increasing order (Prometheus's label
   * order with byte-wise strings), every name and value already added as a symbol; chunk
   * metas in time order without overlap, chunk refs never decreasing across the whole
   * index. Returns the series ref (its offset / 16), which postings will list.
   */
  async addSeries(lset: Labels, chunks: readonly ChunkMeta[]): Promise<number> {
    await this.#ensureStage('series');
    const last = this.#lastSeries;
    if (last !== null ? compareLabelsUtf8(lset, last) <= 0 : lset.isEmpty()) {
      throw new IndexFormatError(`out-of-order series added with label set ${JSON.stringify(lset.toString())}, last label set ${JSON.stringify((last ?? lset).toString())}`);
    }
    let lastRef = this.#lastChunkRef;
    let lastMaxT = 0;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      if (!Number.isSafeInteger(c.ref) || c.ref < 0) throw new IndexFormatError(`invalid chunk reference ${c.ref}`);
      if (!Number.isSafeInteger(c.mint) || !Number.isSafeInteger(c.maxt)) throw new IndexFormatError(`chunk time range [${c.mint}, ${c.maxt}] is not a pair of safe integers`);
      if (c.ref < lastRef) throw new IndexFormatError(`unsorted chunk reference: ${c.ref}, previous: ${lastRef}`);
      lastRef = c.ref;
      if (i > 0 && c.mint <= lastMaxT) throw new IndexFormatError(`chunk minT ${c.mint} is not higher than previous chunk maxT ${lastMaxT}`);
      if (c.maxt < c.mint) throw new IndexFormatError(`chunk maxT ${c.maxt} is less than minT ${c.mint}`);
      lastMaxT = c.maxt;
    }
    const pad = (SERIES_ALIGN - (this.#f.pos % SERIES_ALIGN)) % SERIES_ALIGN;
    if (pad > 0 && !this.#f.append(ZEROS, 0, pad)) await this.#f.addPadding(SERIES_ALIGN);
    const pos = this.#f.pos;
    if (pos % SERIES_ALIGN !== 0) throw new IndexFormatError(`series write not 16-byte aligned at ${pos}`);
    const ref = pos / SERIES_ALIGN;
    if (ref > 0xffff_ffff) throw new IndexFormatError(`${JSON.stringify(this.path)} exceeding max size of 64GiB`);

    const body = this.#e2;
    body.reset();
    body.putUvarint(lset.length);
    for (let i = 0; i < lset.length; i++) {
      const name = lset.nameAt(i);
      const value = lset.valueAt(i);
      const ni = this.#symbolRef.get(name);
      if (ni === undefined) throw new IndexFormatError(`symbol entry for ${JSON.stringify(name)} does not exist`);
      const vi = this.#symbolRef.get(value);
      if (vi === undefined) throw new IndexFormatError(`symbol entry for ${JSON.stringify(value)} does not exist`);
      this.#labelNames.set(name, (this.#labelNames.get(name) ?? 0) + 1);
      body.putUvarint(ni);
      body.putUvarint(vi);
    }
    body.putUvarint(chunks.length);
    if (chunks.length > 0) {
      const c0 = chunks[0]!;
      body.putVarint(c0.mint);
      body.putUvarint(c0.maxt - c0.mint);
      body.putUvarint(c0.ref);
      let t0 = c0.maxt;
      let ref0 = c0.ref;
      for (let i = 1; i < chunks.length; i++) {
        const c = chunks[i]!;
        body.putUvarint(c.mint - t0);
        body.putUvarint(c.maxt - c.mint);
        t0 = c.maxt;
        body.putVarint(c.ref - ref0);
        ref0 = c.ref;
      }
    }
    const head = this.#e1;
    head.reset();
    head.putUvarint(body.len);
    const crc = crc32c(body.b, 0, body.len);
    body.putBE32(crc);
    if (!this.#f.append(head.b, 0, head.len)) await this.#f.write(head.get());
    if (!this.#f.append(body.b, 0, body.len)) await this.#f.write(body.get());
    if (this.#f.pos > MAX_INDEX_SIZE) throw new IndexFormatError(`${JSON.stringify(this.path)} exceeding max size of 64GiB`);

    if (this.#numSeries === this.#refs.length) {
      const g = new Uint32Array(this.#refs.length * 2);
      g.set(this.#refs);
      this.#refs = g;
    }
    this.#refs[this.#numSeries++] = ref;
    this.#lastSeries = lset;
    this.#lastChunkRef = lastRef;
    return ref;
  }

  /** Writes the remaining sections, fsyncs and closes the file. */
  async close(): Promise<void> {
    try {
      await this.#ensureStage('done');
    } catch (e) {
      await this.abort();
      throw e;
    }
    await this.#f.close();
  }

  /** Closes and deletes the index and temporary files. */
  async abort(): Promise<void> {
    await this.#tmp?.discard();
    this.#tmp = null;
    await this.#f.discard();
  }

  async #ensureStage(s: Stage): Promise<void> {
    this.#opts.signal?.throwIfAborted();
    if (this.#stage === s) return;
    const cur = STAGE_ORDER[this.#stage], want = STAGE_ORDER[s];
    if (cur > want) throw new IndexFormatError(`invalid stage "${s}", currently at "${this.#stage}"`);
    if (cur < want - 1) await this.#ensureStage(want === 3 ? 'series' : 'symbols');
    switch (s) {
      case 'none':
        break;
      case 'symbols':
        this.#toc.symbols = this.#f.pos;
        // Length and count are filled in when the symbols are done.
        await this.#f.write(Buffer.from('alenblen'));
        break;
      case 'series':
        await this.#finishSymbols();
        this.#toc.series = this.#f.pos;
        break;
      case 'done':
        await this.#finish();
        break;
    }
    this.#stage = s;
  }

  async #finishSymbols(): Promise<void> {
    const size = this.#f.pos - this.#toc.symbols - 4;
    if (size > 0xffff_ffff) throw new IndexFormatError(`symbol table size exceeds 4294967295 bytes: ${size}`);
    const hdr = Buffer.allocUnsafe(8);
    hdr.writeUInt32BE(size, 0);
    hdr.writeUInt32BE(this.#symbols.length, 4);
    await this.#f.writeAt(hdr, this.#toc.symbols);
    // The checksum covers the count, known only now, and the streamed symbols.
    const crc = crc32cCombine(crc32c(hdr, 4, 8), this.#symbolsCrc, this.#symbolsLen);
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(crc, 0);
    await this.#f.write(b);
  }

  async #finish(): Promise<void> {
    const f = this.#f;
    const withLabelIndices = this.#opts.labelIndices ?? true;
    this.#toc.labelIndices = f.pos;
    await f.flush();
    const tmp = await PostingsTmp.create(this.path, withLabelIndices);
    this.#tmp = tmp;
    await buildPostings({
      file: f.handle, seriesStart: this.#toc.series, seriesEnd: this.#toc.labelIndices,
      refs: this.#refs.subarray(0, this.#numSeries), labelNames: this.#labelNames,
      symbolRef: this.#symbolRef, symbols: this.#symbols, signal: this.#opts.signal,
    }, tmp);

    let liStart = 0;
    if (tmp.labelIndices !== null) {
      await f.addPadding(4);
      liStart = f.pos;
      await copyInto(tmp.labelIndices, f);
    }
    this.#toc.postings = f.pos;
    await f.addPadding(4);
    const postingsStart = f.pos;
    await copyInto(tmp.postings, f);

    this.#toc.labelIndicesTable = f.pos;
    if (tmp.labelIndices !== null) await this.#writeLabelOffsetTable(tmp, liStart);
    this.#toc.postingsTable = f.pos;
    await this.#writePostingsOffsetTable(tmp, postingsStart);
    await f.write(encodeTOC(this.#toc));
    await tmp.discard();
    this.#tmp = null;
  }

  async #writeLabelOffsetTable(tmp: PostingsTmp, liStart: number): Promise<void> {
    const e = this.#e1;
    e.reset();
    e.putBE32(0); // Length, set below.
    e.putBE32(tmp.labelIndexOffsets.length);
    for (const { name, off } of tmp.labelIndexOffsets) {
      e.putUvarint(1);
      e.putUvarintStr(name);
      e.putUvarint(off + liStart);
    }
    e.b.writeUInt32BE(e.len - 4, 0);
    e.putBE32(crc32c(e.b, 4, e.len));
    await this.#f.write(e.get());
  }

  /** Copies the temporary offset table, shifting offsets from the temporary postings file to the index. */
  async #writePostingsOffsetTable(tmp: PostingsTmp, postingsStart: number): Promise<void> {
    const f = this.#f;
    const start = f.pos;
    const e = this.#e1;
    e.reset();
    e.putBE32(0); // Length, set at the end.
    e.putBE32(tmp.count);
    let crc = crc32c(e.b, 4, 8);
    await f.write(e.get());
    await tmp.offsets.flush();
    const sc = new RangeScanner(tmp.offsets.handle, 0, tmp.offsets.pos);
    const d = new DecBuf(sc.buf, 0, 0);
    for (let left = tmp.count; left > 0; left--) {
      // An entry: count, two strings and an offset: refill generously, then decode.
      if (sc.end - sc.pos < 1 << 16) await sc.fill(Math.min(sc.left, 1 << 16));
      d.reset(sc.buf, sc.pos, sc.end);
      d.uvarint();
      const ns = d.uvarintBytesStart(), ne = d.pos;
      const vs = d.uvarintBytesStart(), ve = d.pos;
      const off = d.uvarint();
      if (d.err() !== null) {
        // An entry longer than the window (a huge label value): widen and retry.
        if (sc.left > sc.end - sc.pos && (await sc.fill(2 * (sc.end - sc.pos) + 1))) { left++; continue; }
        throw new IndexFormatError(`read temporary postings offset table: ${d.err()}`);
      }
      e.reset();
      e.putUvarint(2);
      e.putUvarint(ne - ns);
      e.putBytes(sc.buf.subarray(ns, ne));
      e.putUvarint(ve - vs);
      e.putBytes(sc.buf.subarray(vs, ve));
      e.putUvarint(off + postingsStart);
      crc = crc32c(e.b, 0, e.len, crc);
      await f.write(e.get());
      sc.pos = d.pos;
    }
    const len = f.pos - start - 4;
    if (len > 0xffff_ffff) throw new IndexFormatError(`length size exceeds 4 bytes: ${len}`);
    const lb = Buffer.allocUnsafe(4);
    lb.writeUInt32BE(len, 0);
    await f.writeAt(lb, start);
    const cb = Buffer.allocUnsafe(4);
    cb.writeUInt32BE(crc, 0);
    await f.write(cb);
  }
}

/** Appends everything written to `src` to `dst`. */
async function copyInto(src: FileWriter, dst: FileWriter): Promise<void> {
  await src.flush();
  const total = src.pos;
  const buf = Buffer.allocUnsafeSlow(Math.min(1 << 20, Math.max(1, total)));
  let off = 0;
  while (off < total) {
    const { bytesRead } = await src.handle.read(buf, 0, Math.min(buf.length, total - off), off);
    if (bytesRead === 0) throw new IndexFormatError(`copy ${src.path}: unexpected end of file at ${off}`);
    await dst.write(buf.subarray(0, bytesRead));
    off += bytesRead;
  }
}
