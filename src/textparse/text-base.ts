/**
 * What the Prometheus text and OpenMetrics parsers share: the body as bytes with a cursor,
 * the current entry as offsets into it (nothing decoded until asked), label decoding for new
 * series, the duplicate-label check and Prometheus-style error messages.
 */
import type { Buffer } from 'node:buffer';
import { Labels, type Exemplar, type FloatHistogram, type Histogram, type MetricType } from '../model/index.js';
import { EntryType, ParseError, type Parser } from './interface.js';
import { NO_BYTES, bufferView, decodeEscaped, decodeUTF8, goQuote, goQuoteBytes, latin1, utf8 } from './bytes.js';
import { FloatError, floatError, normalizeFloatLabelValue } from './float.js';
import { internAscii, internValue, internValueAscii } from './intern.js';

/** Lexer tokens, named as Prometheus's lexers name them (the names appear in error messages). */
export const enum Tok {
  Invalid = -1,
  EOF = 0,
  Linebreak = 1,
  Whitespace = 2,
  Help = 3,
  Type = 4,
  Unit = 5,
  EOFWord = 6,
  Text = 7,
  Comment = 8,
  Blank = 9,
  MName = 10,
  QString = 11,
  BraceOpen = 12,
  BraceClose = 13,
  LName = 14,
  LValue = 15,
  Comma = 16,
  Equal = 17,
  Timestamp = 18,
  Value = 19,
}

const TOK_NAMES = [
  'EOF', 'LINEBREAK', 'WHITESPACE', 'HELP', 'TYPE', 'UNIT', 'EOFWORD', 'TEXT', 'COMMENT', 'BLANK', 'MNAME',
  'QSTRING', 'BOPEN', 'BCLOSE', 'LNAME', 'LVALUE', 'COMMA', 'EQUAL', 'TIMESTAMP', 'VALUE',
];

export function tokName(t: Tok): string {
  return t === Tok.Invalid ? 'INVALID' : (TOK_NAMES[t] ?? 'INVALID');
}

/** Byte classes for the lexers, as bits of one lookup table (cheaper than range tests per byte). */
const METRIC_START = 1, METRIC_CHAR = 2, LABEL_START = 4, LABEL_CHAR = 8, TEXT_VALUE_STOP = 16;
const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
  const digit = c >= 0x30 && c <= 0x39;
  let k = 0;
  if (letter || c === 0x3a) k |= METRIC_START | METRIC_CHAR;
  if (digit) k |= METRIC_CHAR | LABEL_CHAR;
  if (letter) k |= LABEL_START | LABEL_CHAR;
  if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x7b || c === 0) k |= TEXT_VALUE_STOP;
  CLASS[c] = k;
}

/** `[a-zA-Z_:]`: first byte of an unquoted metric name. */
export function isMetricNameStart(c: number): boolean {
  return (CLASS[c]! & METRIC_START) !== 0;
}

/** `[a-zA-Z0-9_:]`. */
export function isMetricNameChar(c: number): boolean {
  return (CLASS[c]! & METRIC_CHAR) !== 0;
}

/** `[a-zA-Z_]`. */
export function isLabelNameStart(c: number): boolean {
  return (CLASS[c]! & LABEL_START) !== 0;
}

/** `[a-zA-Z0-9_]`. */
export function isLabelNameChar(c: number): boolean {
  return (CLASS[c]! & LABEL_CHAR) !== 0;
}

/** Bytes that end a text-format value token: blanks, newline, `{` and NUL. */
export function endsTextValue(c: number): boolean {
  return (CLASS[c]! & TEXT_VALUE_STOP) !== 0;
}

export function bytesEqualString(b: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[s + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** What a label name or value needs when decoded, recorded while scanning. */
export const enum LabelFlag {
  ValueEscaped = 1,
  ValueHigh = 2,
  NameEscaped = 4,
  NameHigh = 8,
}

export abstract class TextParserBase implements Parser {
  protected b: Uint8Array;
  protected buf: Buffer;
  protected n: number;
  /** Lexer cursor: end of the last token, or where an invalid token stopped. */
  protected pos = 0;
  /** Start of the last token. */
  protected tokStart = 0;
  /** Start of the current entry. */
  protected start = 0;
  protected failure: ParseError | null = null;
  protected done = false;

  /** Metric name of the current series (-1 while not seen), raw bytes without quotes. */
  protected nameS = -1;
  protected nameE = -1;
  /** End of name and label set: `b[start, seriesE)` is the series key. */
  protected seriesE = 0;
  /** Labels of the current series: [nameStart, nameEnd, valueStart, valueEnd] per label. */
  protected lo = new Int32Array(64);
  protected nlo = 0;
  /** Per label (index nlo/4): what decoding it needs, `LabelFlag` bits, known from the scan. */
  protected lf = new Uint8Array(16);
  /** `LabelFlag` bits of a quoted metric name (0 for an unquoted one). */
  protected nameFlags = 0;
  /** A quoted label name of the current series contained a backslash. */
  protected nameEscapes = false;
  /** Set by `scanQuoted`: the last quoted string contained a backslash / a byte >= 0x80. */
  protected sawEscape = false;
  protected sawHigh = false;
  protected val = 0;
  protected ts = 0;
  protected hasTS = false;
  protected key: string | undefined = undefined;
  /** Type from the most recent TYPE line; applies to the following samples, as in Prometheus. */
  protected mtype: MetricType = 'unknown';

  /** Metadata entries: family name and text. */
  protected metaS = 0;
  protected metaE = 0;
  protected textS = 0;
  protected textE = 0;
  protected metaType: MetricType = 'unknown';

  /** `b` must end with a newline where the format needs one (the text format appends it). */
  constructor(b: Uint8Array) {
    this.b = b;
    this.buf = bufferView(b);
    this.n = b.length;
  }

  release(): void {
    this.b = NO_BYTES;
    this.buf = bufferView(NO_BYTES);
    this.n = 0;
  }

  abstract next(): EntryType;
  abstract nextExpecting(key: string | null, keyBytes?: DataView, keyOff?: number): EntryType;

  /** Whether HELP text unescapes `\"` too (OpenMetrics) or only `\\` and `\n` (text format). */
  protected abstract readonly helpUnescapesQuote: boolean;

  seriesKey(): string {
    if (this.key === undefined) this.key = latin1(this.buf, this.start, this.seriesE);
    return this.key;
  }

  seriesKeyEquals(key: string): boolean {
    if (this.key !== undefined) return this.key === key;
    const s = this.start, n = this.seriesE - s;
    if (key.length !== n) return false;
    // The key is the latin1 reading of these bytes: one char per byte.
    const b = this.b;
    for (let i = 0; i < n; i++) if (b[s + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  value(): number {
    return this.val;
  }

  timestamp(): number | undefined {
    return this.hasTS ? this.ts : undefined;
  }

  labels(): Labels {
    const lo = this.lo, lf = this.lf, b = this.b, buf = this.buf;
    const a: string[] = ['__name__', this.decodeName(this.nameS, this.nameE, this.nameFlags)];
    const isH = this.mtype === 'histogram';
    const isS = this.mtype === 'summary';
    for (let i = 0; i < this.nlo; i += 4) {
      const f = lf[i >> 2]!;
      const name = this.decodeName(lo[i]!, lo[i + 1]!, f >> 2);
      const vs = lo[i + 2]!, ve = lo[i + 3]!;
      let value = (f & LabelFlag.ValueEscaped) !== 0 ? decodeEscaped(buf, b, vs, ve, true)
        : (f & LabelFlag.ValueHigh) !== 0 ? utf8(buf, vs, ve) : internValueAscii(buf, b, vs, ve);
      if (isH || isS) {
        const norm = normalizeFloatLabelValue(isH, isS, name, value);
        if (norm !== value) value = internValue(norm);
      }
      a.push(name, value);
    }
    return Labels.fromUnsortedArray(a);
  }

  histogram(): { h: Histogram | null; fh: FloatHistogram | null } {
    return { h: null, fh: null };
  }

  exemplar(): Exemplar | null {
    return null;
  }

  startTimestamp(): number | undefined {
    return undefined;
  }

  /** The type from the most recent TYPE line (`unknown` before any). */
  metricType(): MetricType {
    return this.mtype;
  }

  /** Start of the current entry in the body. */
  entryStart(): number {
    return this.start;
  }

  help(): [string, string] {
    return [this.metaName(), decodeEscaped(this.buf, this.b, this.textS, this.textE, this.helpUnescapesQuote)];
  }

  type(): [string, MetricType] {
    return [this.metaName(), this.metaType];
  }

  unit(): [string, string] {
    return [this.metaName(), decodeUTF8(this.buf, this.b, this.textS, this.textE)];
  }

  comment(): string {
    return decodeUTF8(this.buf, this.b, this.textS, this.textE);
  }

  /** HELP/TYPE/UNIT names are returned as written (quotes stripped, escapes kept), as Prometheus does. */
  protected metaName(): string {
    return decodeUTF8(this.buf, this.b, this.metaS, this.metaE);
  }

  /** A name with `flags` as `LabelFlag` value bits (escaped 1, non-ASCII 2); plain ASCII names are interned. */
  protected decodeName(s: number, e: number, flags: number): string {
    if (s < 0) return '';
    if (flags === 0) return internAscii(this.buf, this.b, s, e);
    return decodeEscaped(this.buf, this.b, s, e, true);
  }

  protected pushLabel(ns: number, ne: number, vs: number, ve: number, flags: number): void {
    if (this.nlo + 4 > this.lo.length) {
      const g = new Int32Array(this.lo.length * 2);
      g.set(this.lo);
      this.lo = g;
      const h = new Uint8Array(this.lf.length * 2);
      h.set(this.lf);
      this.lf = h;
    }
    const lo = this.lo;
    lo[this.nlo] = ns;
    lo[this.nlo + 1] = ne;
    lo[this.nlo + 2] = vs;
    lo[this.nlo + 3] = ve;
    this.lf[this.nlo >> 2] = flags;
    this.nlo += 4;
  }

  /**
   * Fails the scrape when a label name occurs twice in the series (the implicit `__name__`
   * included), as Prometheus's storage append does. Compares raw bytes; only quoted names
   * with escapes need decoding first.
   */
  protected checkDuplicateLabels(): void {
    const lo = this.lo, b = this.b;
    for (let i = 0; i < this.nlo; i += 4) {
      const s = lo[i]!, len = lo[i + 1]! - s;
      if (len === 8 && bytesEqualString(b, s, s + 8, '__name__')) this.duplicate('__name__');
      for (let j = 0; j < i; j += 4) {
        const t = lo[j]!;
        if (lo[j + 1]! - t !== len) continue;
        let k = 0;
        while (k < len && b[s + k] === b[t + k]) k++;
        if (k === len) this.duplicate(this.decodeName(s, s + len, this.lf[i >> 2]! >> 2));
      }
    }
    if (this.nameEscapes) {
      const seen = new Set<string>(['__name__']);
      for (let i = 0; i < this.nlo; i += 4) {
        const name = this.decodeName(lo[i]!, lo[i + 1]!, this.lf[i >> 2]! >> 2);
        if (seen.has(name)) this.duplicate(name);
        seen.add(name);
      }
    }
  }

  private duplicate(name: string): never {
    this.fail(`label name ${goQuote(name)} is not unique: invalid sample`);
  }

  protected fail(msg: string): never {
    this.failure = new ParseError(msg);
    throw this.failure;
  }

  protected rethrow(): never {
    throw this.failure!;
  }

  /** Prometheus's "expected X, got "…" (TOKEN) while parsing: "…"" message for the last token. */
  protected parseError(exp: string, t: Tok): never {
    const e = Math.min(this.n, this.pos + 1);
    this.fail(`${exp}, got ${goQuoteBytes(this.b, this.tokStart, e)} (${goQuote(tokName(t))}) while parsing: ${goQuoteBytes(this.b, this.start, e)}`);
  }

  /** The message for a failed `parseValueBytes` of `b[s, e)`, with the entry's text as Prometheus adds it. */
  protected floatFailure(s: number, e: number): never {
    const err = floatError();
    const lit = goQuoteBytes(this.b, s, e);
    const why = err === FloatError.Unsupported ? 'unsupported character in float'
      : err === FloatError.Range ? `strconv.ParseFloat: parsing ${lit}: value out of range`
        : `strconv.ParseFloat: parsing ${lit}: invalid syntax`;
    this.fail(`${why} while parsing: ${goQuoteBytes(this.b, this.start, this.pos)}`);
  }

  /**
   * Scans a double-quoted string starting at `b[this.pos] === '"'`. Returns true with `pos`
   * after the closing quote, or false with `pos` where the lexer gave up. Inside: any byte
   * but `"` and `\`, raw newlines only when `allowNL`, NUL bytes only when `allowNul`;
   * a backslash escapes any byte but newline and NUL.
   */
  protected scanQuoted(allowNL: boolean, allowNul: boolean): boolean {
    const b = this.b, n = this.n;
    let i = this.pos + 1;
    let esc = false, high = 0;
    for (;;) {
      if (i >= n) {
        this.pos = n;
        return false;
      }
      const c = b[i]!;
      if (c === 0x22) break;
      if (c === 0x5c) {
        esc = true;
        let j = i + 1;
        if (allowNul) while (j < n && b[j] === 0) j++;
        const d = j < n ? b[j]! : 0;
        if (d === 0x0a || d === 0) {
          this.pos = Math.min(j, n);
          return false;
        }
        high |= d;
        i = j + 1;
        continue;
      }
      if ((c === 0x0a && !allowNL) || (c === 0 && !allowNul)) {
        this.pos = i;
        return false;
      }
      high |= c;
      i++;
    }
    this.sawEscape = esc;
    this.sawHigh = high >= 0x80;
    this.pos = i + 1;
    return true;
  }
}
