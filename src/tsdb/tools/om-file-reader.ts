/**
 * Reads an OpenMetrics file for the backfill in pieces of a few megabytes, so that memory
 * does not grow with the file: each piece ends at a line break and gets a `# EOF` of its
 * own, and a new parser carries on with the TYPE context of the previous one. An entry cut
 * by a piece boundary (a quoted name may contain a line break) is parsed again with the
 * following piece; it fails only if it fails again.
 *
 * Series are numbered once, across passes: the raw series text is the key (consecutive
 * samples of one series are recognised by comparing bytes, without building the key), the
 * labels (with the `--label` overrides, empty values dropped) decide identity.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Labels } from '../../model/index.js';
import { EntryType, OpenMetricsParser, ParseError } from '../../textparse/index.js';

/** Receives the samples of a pass. Timestamps are ms. */
export interface SampleSink {
  sample(id: number, t: number, v: number): void;
}

/** A series line without a timestamp (promtool needs one on every sample). */
export class MissingTimestampError extends Error {
  override readonly name = 'MissingTimestampError';
}

/** Bytes read per piece (a line longer than that grows the buffer). */
export const DEFAULT_PIECE_SIZE = 4 << 20;
const EOF_LINE = Buffer.from('# EOF\n');

export class OpenMetricsFileReader {
  readonly #path: string;
  readonly #custom: ReadonlyMap<string, string>;
  readonly #byKey = new Map<string, number>();
  readonly #byLabels = new Map<string, number>();
  /** Labels of each series id. */
  readonly labels: Labels[] = [];
  /** Why a series cannot be stored (e.g. no labels left after `--label`), or null. */
  readonly invalid: (string | null)[] = [];
  /** Bytes of the file consumed in the current pass. */
  bytesRead = 0;
  /** Samples delivered in the current pass. */
  samples = 0;
  #prevKey = new Uint8Array(256);
  #prevLen = -1;
  #prevId = 0;

  readonly #piece: number;

  constructor(path: string, customLabels: ReadonlyMap<string, string>, pieceSize = DEFAULT_PIECE_SIZE) {
    this.#path = path;
    this.#custom = customLabels;
    this.#piece = pieceSize;
  }

  /** Reads the whole file once, handing every sample to `sink`. Throws ParseError or MissingTimestampError. */
  async pass(sink: SampleSink, signal?: AbortSignal): Promise<void> {
    this.bytesRead = 0;
    this.samples = 0;
    this.#prevLen = -1;
    const fh = await open(this.#path, 'r');
    try {
      await this.#read(fh, sink, signal);
    } finally {
      await fh.close();
    }
  }

  async #read(fh: FileHandle, sink: SampleSink, signal?: AbortSignal): Promise<void> {
    let buf = Buffer.allocUnsafe(this.#piece + EOF_LINE.length);
    let filled = 0;
    let eof = false;
    let mtype = new OpenMetricsParser(new Uint8Array(0)).metricType();
    let mfNameLen = 0;
    let retryAt = -1;
    let base = 0; // file offset of buf[0]
    for (;;) {
      signal?.throwIfAborted();
      while (!eof && filled < buf.length - EOF_LINE.length) {
        const { bytesRead } = await fh.read(buf, filled, buf.length - EOF_LINE.length - filled, null);
        if (bytesRead === 0) eof = true;
        filled += bytesRead;
      }
      let end = filled;
      if (!eof) {
        end = buf.lastIndexOf(0x0a, filled - 1) + 1;
        if (end === 0) {
          // A line longer than the buffer: grow it and read on.
          const g = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(g, 0, 0, filled);
          buf = g;
          continue;
        }
      }
      const tail = Buffer.from(buf.subarray(end, filled));
      const body = eof ? buf.subarray(0, end) : buf.subarray(0, end + EOF_LINE.length);
      if (!eof) EOF_LINE.copy(buf, end);
      const p = new OpenMetricsParser(body);
      p.resetTo(0, mtype, mfNameLen);
      let restart = -1;
      try {
        this.#parse(p, body, sink);
      } catch (e) {
        if (eof || !(e instanceof ParseError)) throw e;
        const at = base + p.entryStart();
        if (at === retryAt) throw e;
        // Perhaps an entry cut by the piece boundary: parse it again with more data.
        retryAt = at;
        restart = p.entryStart();
      }
      mtype = p.metricType();
      mfNameLen = p.mfNameLen;
      this.bytesRead = base + end;
      if (eof) return;
      const keepFrom = restart >= 0 ? restart : end;
      const kept = restart >= 0 ? Buffer.concat([buf.subarray(restart, end), tail]) : tail;
      base += keepFrom;
      if (kept.length + this.#piece > buf.length - EOF_LINE.length) buf = Buffer.allocUnsafe(kept.length + this.#piece + EOF_LINE.length);
      kept.copy(buf, 0);
      filled = kept.length;
    }
  }

  /** The hot loop: one piece's entries. */
  #parse(p: OpenMetricsParser, b: Uint8Array, sink: SampleSink): void {
    for (;;) {
      const e = p.next();
      if (e === EntryType.EOF) return;
      if (e !== EntryType.Series) {
        // A TYPE line may change how the following labels read (le/quantile normalisation).
        this.#prevLen = -1;
        continue;
      }
      const t = p.timestamp();
      if (t === undefined) throw new MissingTimestampError('expected timestamp for series got none');
      const id = this.#seriesId(p, b);
      this.samples++;
      sink.sample(id, t, p.value());
    }
  }

  #seriesId(p: OpenMetricsParser, b: Uint8Array): number {
    const start = p.entryStart();
    const n = this.#prevLen;
    if (n >= 0 && b[start + n] === 0x20) {
      const prev = this.#prevKey;
      let i = n - 1;
      // Compare from the end: series of one family differ in their last labels.
      while (i >= 0 && b[start + i] === prev[i]) i--;
      if (i < 0) return this.#prevId;
    }
    const key = p.seriesKey();
    let id = this.#byKey.get(key);
    if (id === undefined) {
      id = this.#register(p.labels());
      this.#byKey.set(key, id);
    }
    const len = key.length;
    if (len > this.#prevKey.length) this.#prevKey = new Uint8Array(len * 2);
    this.#prevKey.set(b.subarray(start, start + len));
    this.#prevLen = len;
    this.#prevId = id;
    return id;
  }

  #register(parsed: Labels): number {
    const a: string[] = [];
    for (let i = 0; i < parsed.length; i++) {
      const name = parsed.nameAt(i);
      if (this.#custom.has(name)) continue;
      const v = parsed.valueAt(i);
      if (v !== '') a.push(name, v);
    }
    for (const [name, v] of this.#custom) if (v !== '') a.push(name, v);
    const ls = Labels.fromUnsortedArray(a);
    const k = ls.key();
    let id = this.#byLabels.get(k);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push(ls);
      this.invalid.push(ls.isEmpty() ? 'empty labelset: invalid sample' : null);
      this.#byLabels.set(k, id);
    }
    return id;
  }
}
