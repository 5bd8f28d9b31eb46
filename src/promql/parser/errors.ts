/**
 * Parse errors with Prometheus's positions and texts: `1:5: parse error: <message>`.
 * Positions are UTF-8 byte offsets; line and column are 1-based, the column counted in bytes.
 */
import type { PositionRange } from './ast.js';

/** One parse error. */
export class ParseErr {
  constructor(
    readonly positionRange: PositionRange,
    /** The message without position, e.g. `unexpected end of input`. */
    readonly err: string,
    readonly query: string,
    /** Added to the line number (used when the query sits inside a larger file). */
    readonly lineOffset = 0,
  ) {}

  toString(): string {
    return `${startPosInput(this.positionRange, this.query, this.lineOffset)}: parse error: ${this.err}`;
  }
}

/**
 * Parsing ran past its deadline (`ParseOptions.deadline`). Not a syntax error: the engine
 * reports it as a timeout.
 */
export class ParseTimeout extends Error {
  override readonly name = 'ParseTimeout';
  constructor() {
    super('parsing exceeded the deadline');
  }
}

/**
 * All errors of a failed parse. The message is that of the first error only, as
 * Prometheus's `ParseErrors.Error()` reports it; `errors` has the whole list.
 */
export class ParseErrors extends Error {
  override readonly name = 'ParseErrors';
  readonly errors: readonly ParseErr[];

  constructor(errors: readonly ParseErr[]) {
    super(errors.length > 0 ? errors[0]!.toString() : 'error contains no error message');
    this.errors = errors;
  }
}

/** `line:col` of a position range's start in a query, as Prometheus formats it. */
export function startPosInput(pr: PositionRange, query: string, lineOffset = 0): string {
  if (query === '') return 'unknown position';
  const pos = pr.start;
  if (pos < 0 || pos > utf8Length(query)) return 'invalid position';
  let line = lineOffset + 1;
  let lastLineBreak = -1;
  const offsets = new ByteOffsets(query);
  for (let i = 0; i < query.length && offsets.at(i) < pos; i++) {
    if (query.charCodeAt(i) === 0x0a) { lastLineBreak = offsets.at(i); line++; }
  }
  return `${line}:${pos - lastLineBreak}`;
}

/** Byte length of a string's UTF-8 encoding (lone surrogates count as escaped single bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n += 4; i++; } else n += 3;
    } else if (c >= 0xdc80 && c <= 0xdcff) n += 1;
    else n += 3;
  }
  return n;
}

/**
 * Maps UTF-16 indices of a string to UTF-8 byte offsets. For ASCII input the map is the
 * identity and costs nothing.
 */
export class ByteOffsets {
  readonly #table: Int32Array | null;

  constructor(s: string) {
    if (/^[\x00-\x7f]*$/.test(s)) { this.#table = null; return; }
    const t = new Int32Array(s.length + 1);
    let b = 0;
    for (let i = 0; i < s.length; i++) {
      t[i] = b;
      const c = s.charCodeAt(i);
      if (c < 0x80) b += 1;
      else if (c < 0x800) b += 2;
      else if (c >= 0xd800 && c <= 0xdbff) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { t[i + 1] = b; b += 4; i++; } else b += 3;
      } else if (c >= 0xdc80 && c <= 0xdcff) b += 1;
      else b += 3;
    }
    t[s.length] = b;
    this.#table = t;
  }

  get identity(): boolean {
    return this.#table === null;
  }

  at(i: number): number {
    const t = this.#table;
    if (t === null || i < 0) return i;
    if (i >= t.length) return t[t.length - 1]! + (i - (t.length - 1));
    return t[i]!;
  }
}
