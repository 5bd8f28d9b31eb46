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
/** Exact powers of ten. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

function indexOfNewline(b: Uint8Array, from: number): number {
  const i = b.indexOf(0x0a, from);
  return i < 0 ? b.length - 1 : i;
}

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
  #prevKey = Buffer.alloc(256);
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

  /**
   * The hot loop: one piece's entries. A line of the same series as the one before, with a
   * plain decimal value and timestamp, is read here without the parser (its labels were
   * checked on the line before); any other line goes through the parser, which is moved
   * past the lines read here.
   */
  #parse(p: OpenMetricsParser, b: Uint8Array, sink: SampleSink): void {
    let pos = 0;
    let behind = false;
    for (;;) {
      if (this.#prevLen >= 0) {
        const next = this.#fastLine(b, pos, this.#prevLen);
        if (next >= 0) {
          this.samples++;
          sink.sample(this.#prevId, this.#fastT, this.#fastV);
          pos = next;
          behind = true;
          continue;
        }
      }
      if (behind) {
        p.resetTo(pos, p.metricType(), p.mfNameLen);
        behind = false;
      }
      const e = p.next();
      if (e === EntryType.EOF) return;
      const start = p.entryStart();
      if (e !== EntryType.Series) {
        // A TYPE line may change how the following labels read (le/quantile normalisation).
        this.#prevLen = -1;
        pos = indexOfNewline(b, start) + 1;
        continue;
      }
      const t = p.timestamp();
      if (t === undefined) throw new MissingTimestampError('expected timestamp for series got none');
      const id = this.#seriesId(p, b);
      this.samples++;
      sink.sample(id, t, p.value());
      // Past the series text (a quoted name may hold a line break), the entry is one line.
      pos = indexOfNewline(b, start + this.#prevLen) + 1;
    }
  }

  #fastV = 0;
  #fastT = 0;
  #num = 0;

  /**
   * Reads `<previous series text> <value> <timestamp>\n` at `pos` with plain decimal numbers;
   * returns the position after the line, or -1 when the line is anything else.
   */
  #fastLine(b: Uint8Array, pos: number, n: number): number {
    if (b[pos + n] !== 0x20) return -1;
    // Series of one family differ in their last labels: check the last byte before all.
    if (b[pos + n - 1] !== this.#prevKey[n - 1] || this.#prevKey.compare(b, pos, pos + n, 0, n) !== 0) return -1;
    let j = this.#decimal(b, pos + n + 1);
    if (j < 0 || b[j] !== 0x20) return -1;
    this.#fastV = this.#num;
    j = this.#decimal(b, j + 1);
    if (j < 0 || b[j] !== 0x0a) return -1;
    // Seconds to milliseconds as Go's int64(seconds*1000) (-0 becomes 0).
    this.#fastT = Math.trunc(this.#num * 1000) + 0;
    return j + 1;
  }

  /**
   * A decimal number `[+-]digits[.digits][e[+-]digits]` at `s` into `#num`, exactly as a
   * correctly rounding parser reads it: only forms whose digits fit in 2^53 and whose power
   * of ten is exact (|p| <= 22) are taken, so that one multiplication or division rounds
   * once. Returns the end, or -1 for anything else (left to the parser).
   */
  #decimal(b: Uint8Array, s: number): number {
    let i = s;
    let neg = false;
    if (b[i] === 0x2d) { neg = true; i++; } else if (b[i] === 0x2b) i++;
    let m = 0, digits = 0, frac = 0;
    let c = b[i];
    while (c !== undefined && c >= 0x30 && c <= 0x39) { m = m * 10 + (c - 0x30); digits++; c = b[++i]; }
    if (c === 0x2e) {
      c = b[++i];
      while (c !== undefined && c >= 0x30 && c <= 0x39) { m = m * 10 + (c - 0x30); digits++; frac++; c = b[++i]; }
    }
    if (digits === 0 || m > 9007199254740991) return -1;
    let exp = 0;
    if (c === 0x65 || c === 0x45) {
      c = b[++i];
      let eneg = false;
      if (c === 0x2d) { eneg = true; c = b[++i]; } else if (c === 0x2b) c = b[++i];
      let ed = 0;
      while (c !== undefined && c >= 0x30 && c <= 0x39 && ed < 4) { exp = exp * 10 + (c - 0x30); ed++; c = b[++i]; }
      if (ed === 0 || (c !== undefined && c >= 0x30 && c <= 0x39)) return -1;
      if (eneg) exp = -exp;
    }
    const p10 = exp - frac;
    let v: number;
    if (p10 === 0) v = m;
    else if (p10 > 0 && p10 <= 22) v = m * POW10[p10]!;
    else if (p10 < 0 && p10 >= -22) v = m / POW10[-p10]!;
    else return -1;
    this.#num = neg ? -v : v;
    return i;
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
    if (len > this.#prevKey.length) this.#prevKey = Buffer.alloc(len * 2);
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
