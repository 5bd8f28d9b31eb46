/**
 * Sequential reader over WAL segments (and checkpoint directories, which hold segments of
 * the same format): records in order, fragments reassembled and decompressed, CRCs
 * checked. The first damage stops it with a `CorruptionError` naming the segment and the
 * offset of the first unreadable record; `repair` truncates there.
 *
 * Usage — the sync `nextBuffered()` serves records already read from disk; `next()` reads
 * more (in chunks of 16 pages) when needed:
 *
 *   const r = await WalReader.open({ dir });
 *   while (r.nextBuffered() || await r.next()) handle(r.record());
 *   const err = r.err(); await r.close();
 *
 * Contracts: `record()` is valid until the next `next`/`nextBuffered` call (copy it to
 * keep it). Records never span segments: a record still incomplete at the end of a
 * segment is reported as torn there. Memory: one read buffer (512 KiB unless the constructor
 * says otherwise) plus the largest record. One consumer at a time.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { CorruptionError } from './errors.js';
import { RecordAssembler, STEP_END, STEP_ERROR, STEP_NEED, STEP_RECORD } from './record-assembler.js';
import { listSegments, segmentName } from './segments.js';

/**
 * Segments `first..last` (inclusive) of `dir`; an absent or negative bound is open.
 * `offset`: reading of segment `first` starts at this byte offset, which must be a record
 * boundary (a chunk snapshot names the WAL position it covers up to).
 */
export interface SegmentRange {
  dir: string;
  first?: number;
  last?: number;
  offset?: number;
}

export interface SegmentFile {
  dir: string;
  index: number;
  /** Where reading starts (a record boundary); 0 when absent. */
  offset?: number;
}

/** Lists the segment files the ranges select, in order. */
export async function selectSegments(ranges: readonly SegmentRange[]): Promise<SegmentFile[]> {
  const out: SegmentFile[] = [];
  for (const r of ranges) {
    let refs;
    try {
      refs = await listSegments(r.dir);
    } catch (e) {
      throw new Error(`list segment in dir:${r.dir}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    for (const s of refs) {
      if (r.first !== undefined && r.first >= 0 && s.index < r.first) continue;
      if (r.last !== undefined && r.last >= 0 && s.index > r.last) break;
      const offset = r.offset !== undefined && r.offset > 0 && s.index === r.first ? r.offset : 0;
      out.push(offset > 0 ? { dir: r.dir, index: s.index, offset } : { dir: r.dir, index: s.index });
    }
  }
  return out;
}

export class WalReader {
  readonly #segs: readonly SegmentFile[];
  #cur = -1;
  #fh: FileHandle | null = null;
  #filePos = 0;
  #err: CorruptionError | null = null;
  #done = false;
  readonly #asm: RecordAssembler;

  /** `readPages`: pages read from disk at a time (default 16, 512 KiB). */
  constructor(segments: readonly SegmentFile[], readPages = 16) {
    this.#segs = segments;
    this.#asm = new RecordAssembler(readPages);
  }

  static async open(...ranges: SegmentRange[]): Promise<WalReader> {
    return new WalReader(await selectSegments(ranges));
  }

  /** The next record if it is already buffered; false when more must be read (or at the end). */
  nextBuffered(): boolean {
    if (this.#fh === null || this.#err !== null) return false;
    const s = this.#asm.step();
    if (s === STEP_RECORD) return true;
    if (s === STEP_ERROR) this.#setError();
    return false;
  }

  /** Advances to the next record, reading as needed. False at the end or on error (see `err()`). */
  async next(): Promise<boolean> {
    for (;;) {
      if (this.#err !== null || this.#done) return false;
      if (this.#fh === null) {
        if (!(await this.#openNext())) return false;
        continue;
      }
      const s = this.#asm.step();
      switch (s) {
        case STEP_RECORD: return true;
        case STEP_ERROR: this.#setError(); return false;
        case STEP_END: await this.#closeSegment(); continue;
        case STEP_NEED: await this.#read(); continue;
        default: return false;
      }
    }
  }

  record(): Uint8Array {
    return this.#asm.record;
  }

  /** Index of the segment the current record came from (-1 before the first). */
  segment(): number {
    return this.#segs[this.#cur]?.index ?? -1;
  }

  /** Directory of the current segment. */
  dir(): string {
    return this.#segs[this.#cur]?.dir ?? '';
  }

  /** Segment offset just past the current record. */
  offset(): number {
    return this.#asm.recordEnd;
  }

  /** Segment offset where the current record starts. */
  recordOffset(): number {
    return this.#asm.recordStart;
  }

  err(): CorruptionError | null {
    return this.#err;
  }

  async close(): Promise<void> {
    this.#done = true;
    await this.#closeSegment();
  }

  #setError(): void {
    const a = this.#asm;
    const seg = this.#segs[this.#cur]!;
    this.#err = new CorruptionError(seg.dir, seg.index, a.errorOffset, a.error, a.errorCause === undefined ? undefined : { cause: a.errorCause });
  }

  async #openNext(): Promise<boolean> {
    if (this.#cur + 1 >= this.#segs.length) {
      this.#done = true;
      return false;
    }
    this.#cur++;
    const seg = this.#segs[this.#cur]!;
    this.#fh = await open(segmentName(seg.dir, seg.index), 'r');
    this.#filePos = seg.offset ?? 0;
    this.#asm.resetSegment(this.#filePos);
    return true;
  }

  async #closeSegment(): Promise<void> {
    const fh = this.#fh;
    this.#fh = null;
    if (fh !== null) await fh.close();
  }

  async #read(): Promise<void> {
    const a = this.#asm;
    a.compact();
    const space = a.space();
    const { bytesRead } = await this.#fh!.read(space, 0, space.length, this.#filePos);
    if (bytesRead === 0) a.eof = true;
    this.#filePos += bytesRead;
    a.filled(bytesRead);
  }
}
