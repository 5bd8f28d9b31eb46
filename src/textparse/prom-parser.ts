/**
 * The Prometheus text exposition format (`text/plain; version=0.0.4` and `1.0.0`), parsed as
 * Prometheus 3's lexer-driven parser does: tokens separated by any run of spaces and tabs,
 * blank lines and free-form `#` comments allowed, HELP/TYPE metadata, integer millisecond
 * timestamps, quoted UTF-8 metric and label names (`{"my.metric", "a.b"="x"}`), commas
 * between labels optional and a trailing comma tolerated.
 *
 * The lexer below is written as one function per lexer state (init, metadata name, metadata
 * text, labels, label value, value, timestamp) and mirrors the token rules of Prometheus's
 * `promlex.l`, so that the same bodies are accepted and rejected.
 */
import type { Labels } from '../model/index.js';
import { EntryType } from './interface.js';
import { goQuoteBytes, isValidUTF8 } from './bytes.js';
import { FloatError, floatError, parseTimestampBytes, parseValueBytes } from './float.js';
import {
  LabelFlag, TextParserBase, Tok, bytesEqualString, endsTextValue, isLabelNameChar, isLabelNameStart, isMetricNameChar, isMetricNameStart,
} from './text-base.js';

/** Adds the final newline the lexer relies on, copying only when the body lacks one. */
function withFinalNewline(body: Uint8Array): Uint8Array {
  if (body.length > 0 && body[body.length - 1] === 0x0a) return body;
  const b = new Uint8Array(body.length + 1);
  b.set(body);
  b[body.length] = 0x0a;
  return b;
}

export class PromParser extends TextParserBase {
  protected readonly helpUnescapesQuote = false;
  /** The current entry came through `nextExpecting`'s shortcut: its label set was not read. */
  private fastKey = false;
  /** The body, for word-wise key comparison. */
  private view: DataView;

  /** The body is read, never written; it must stay unchanged while the parser is in use. */
  constructor(body: Uint8Array) {
    super(withFinalNewline(body));
    this.view = new DataView(this.b.buffer, this.b.byteOffset, this.b.byteLength);
  }

  override release(): void {
    super.release();
    this.view = new DataView(this.b.buffer, this.b.byteOffset, this.b.byteLength);
  }

  next(): EntryType {
    if (this.failure !== null) this.rethrow();
    if (this.done) return EntryType.EOF;
    return this.parseEntry();
  }

  /**
   * When the line starts with exactly the bytes of `key` followed by a blank, the series is
   * the one the key names: it was read in full (and found valid) in an earlier body, so its
   * label set is not lexed again; only the value and timestamp are. Anything else takes the
   * normal path.
   */
  nextExpecting(key: string | null, keyBytes?: DataView, keyOff = -1): EntryType {
    if (this.failure !== null) this.rethrow();
    if (this.done) return EntryType.EOF;
    if (key !== null && this.matchKey(key, keyBytes, keyOff)) {
      const t = this.lexValue();
      if (t === Tok.Value) return this.parseMetricSuffix(t);
      // A label set after a blank (`name {a="b"}` where the key is just `name`): read it all.
      this.pos = this.start;
      this.fastKey = false;
    }
    return this.parseEntry();
  }

  /** Whether `b[pos..)` is `key` and a blank; if so, the entry is set up as far as the series. */
  private matchKey(key: string, kb: DataView | undefined, ko: number): boolean {
    const b = this.b, s = this.pos, n = key.length, e = s + n;
    if (n === 0 || e >= this.n) return false;
    const c = b[e];
    if (c !== 0x20 && c !== 0x09) return false;
    // The key is the latin1 reading of the series' bytes: one char per byte.
    if (kb !== undefined && ko >= 0) {
      const dv = this.view;
      let i = 0;
      for (; i + 4 <= n; i += 4) if (dv.getInt32(s + i, true) !== kb.getInt32(ko + i, true)) return false;
      for (; i < n; i++) if (b[s + i] !== kb.getUint8(ko + i)) return false;
    } else {
      for (let i = 0; i < n; i++) if (b[s + i] !== key.charCodeAt(i)) return false;
    }
    this.start = s;
    this.pos = e;
    this.seriesE = e;
    this.key = key;
    this.nlo = 0;
    // Not the name's real offsets: `labels()` re-reads the entry first (see fastKey).
    this.nameS = s;
    this.nameE = s;
    this.nameEscapes = false;
    this.nameFlags = 0;
    this.fastKey = true;
    return true;
  }

  /** Labels of an entry taken by `nextExpecting`'s shortcut are read by parsing the entry again. */
  override labels(): Labels {
    if (this.fastKey) {
      this.pos = this.start;
      this.parseEntry();
    }
    return super.labels();
  }

  private parseEntry(): EntryType {
    for (;;) {
      this.start = this.pos;
      this.nlo = 0;
      this.nameS = -1;
      this.nameE = -1;
      this.key = undefined;
      this.nameEscapes = false;
      this.nameFlags = 0;
      this.fastKey = false;
      const t = this.lexInit();
      switch (t) {
        case Tok.EOF:
          this.done = true;
          return EntryType.EOF;
        case Tok.Linebreak:
          continue;
        case Tok.Help:
        case Tok.Type:
          return this.parseMetadata(t);
        case Tok.Comment: {
          this.textS = this.tokStart;
          this.textE = this.pos;
          const t2 = this.lexInit();
          if (t2 !== Tok.Linebreak) this.parseError('linebreak expected after comment', t2);
          return EntryType.Comment;
        }
        case Tok.BraceOpen:
          this.parseLabels();
          this.seriesE = this.pos;
          return this.parseMetricSuffix(this.lexValue());
        case Tok.MName: {
          // Prometheus takes the name from the start of the line, leading blanks included.
          this.nameS = this.start;
          this.nameE = this.pos;
          this.seriesE = this.pos;
          let t2 = this.lexValue();
          if (t2 === Tok.BraceOpen) {
            this.parseLabels();
            this.seriesE = this.pos;
            t2 = this.lexValue();
          }
          return this.parseMetricSuffix(t2);
        }
        default:
          return this.parseError('expected a valid start token', t);
      }
    }
  }

  private parseMetadata(t: Tok.Help | Tok.Type): EntryType {
    const what = t === Tok.Help ? 'HELP' : 'TYPE';
    const t2 = this.lexMetaName();
    if (t2 !== Tok.MName) this.parseError('expected metric name after ' + what, t2);
    let ms = this.tokStart, me = this.pos;
    if (this.b[ms] === 0x22 && this.b[me - 1] === 0x22) {
      ms++;
      me--;
    }
    this.metaS = ms;
    this.metaE = me;
    this.lexMetaText();
    const b = this.b, s = this.textS, e = this.textE;
    if (t === Tok.Type) {
      if (bytesEqualString(b, s, e, 'counter')) this.mtype = 'counter';
      else if (bytesEqualString(b, s, e, 'gauge')) this.mtype = 'gauge';
      else if (bytesEqualString(b, s, e, 'histogram')) this.mtype = 'histogram';
      else if (bytesEqualString(b, s, e, 'summary')) this.mtype = 'summary';
      else if (bytesEqualString(b, s, e, 'untyped')) this.mtype = 'unknown';
      else this.fail(`invalid metric type ${goQuoteBytes(b, s, e)}`);
      this.metaType = this.mtype;
    } else if (!isValidUTF8(b, s, e)) {
      this.fail(`help text ${goQuoteBytes(b, s, e)} is not a valid utf8 string`);
    }
    const t3 = this.lexInit();
    if (t3 !== Tok.Linebreak) this.parseError('linebreak expected after metadata', t3);
    return t === Tok.Help ? EntryType.Help : EntryType.Type;
  }

  /** The inside of `{...}`, after the opening brace: label pairs and at most one quoted metric name. */
  private parseLabels(): void {
    let t = this.lexLabels();
    for (;;) {
      if (t === Tok.BraceClose) return;
      if (t !== Tok.LName && t !== Tok.QString) this.parseError('expected label name', t);
      const isQ = t === Tok.QString;
      const ts = this.tokStart, te = this.pos;
      const nflags = isQ ? (this.sawEscape ? LabelFlag.NameEscaped : 0) | (this.sawHigh ? LabelFlag.NameHigh : 0) : 0;
      t = this.lexLabels();
      if (isQ && (t === Tok.Comma || t === Tok.BraceClose)) {
        // A lone quoted string is the metric name.
        if (this.nameS !== -1) this.fail(`metric name already set while parsing: ${goQuoteBytes(this.b, this.start, this.pos)}`);
        this.nameS = ts + 1;
        this.nameE = te - 1;
        this.nameFlags = nflags >> 2;
        if (t === Tok.BraceClose) return;
        t = this.lexLabels();
        continue;
      }
      if ((nflags & LabelFlag.NameEscaped) !== 0) this.nameEscapes = true;
      if (t !== Tok.Equal) this.parseError('expected equal', t);
      const t2 = this.lexLabelValue();
      if (t2 !== Tok.LValue) this.parseError('expected label value', t2);
      if (this.sawHigh && !isValidUTF8(this.b, this.tokStart, this.pos)) {
        this.fail(`invalid UTF-8 label value: ${goQuoteBytes(this.b, this.tokStart, this.pos)}`);
      }
      const vflags = (this.sawEscape ? LabelFlag.ValueEscaped : 0) | (this.sawHigh ? LabelFlag.ValueHigh : 0);
      this.pushLabel(isQ ? ts + 1 : ts, isQ ? te - 1 : te, this.tokStart + 1, this.pos - 1, nflags | vflags);
      // Commas are optional between pairs and one may trail, as Prometheus's parser allows.
      t = this.lexLabels();
      if (t === Tok.Comma) t = this.lexLabels();
    }
  }

  private parseMetricSuffix(t: Tok): EntryType {
    if (this.nameS === -1) this.fail(`metric name not set while parsing: ${goQuoteBytes(this.b, this.start, this.pos)}`);
    if (t !== Tok.Value) this.parseError('expected value after metric', t);
    this.val = parseValueBytes(this.b, this.tokStart, this.pos, this.buf);
    if (floatError() !== FloatError.None) this.floatFailure(this.tokStart, this.pos);
    this.hasTS = false;
    const t2 = this.lexTimestamp();
    if (t2 === Tok.Timestamp) {
      this.ts = parseTimestampBytes(this.b, this.tokStart, this.pos);
      if (floatError() !== FloatError.None) {
        this.fail(`strconv.ParseInt: parsing ${goQuoteBytes(this.b, this.tokStart, this.pos)}: value out of range while parsing: ${goQuoteBytes(this.b, this.start, this.pos)}`);
      }
      this.hasTS = true;
      const t3 = this.lexTimestamp();
      if (t3 !== Tok.Linebreak) this.parseError('expected next entry after timestamp', t3);
    } else if (t2 !== Tok.Linebreak) {
      this.parseError('expected timestamp or new record', t2);
    }
    if (this.nlo > 0) this.checkDuplicateLabels();
    return EntryType.Series;
  }

  // ---- lexer: one function per lexer state; each skips leading blanks ----

  private skipBlanks(): void {
    const b = this.b;
    let i = this.pos;
    while (b[i] === 0x20 || b[i] === 0x09) i++;
    this.pos = i;
    this.tokStart = i;
  }

  private lexInit(): Tok {
    this.skipBlanks();
    const b = this.b;
    const i = this.pos;
    if (i >= this.n) return Tok.EOF;
    const c = b[i]!;
    if (c === 0x0a) {
      this.pos = i + 1;
      return Tok.Linebreak;
    }
    if (isMetricNameStart(c)) {
      let j = i + 1;
      while (isMetricNameChar(b[j]!)) j++;
      this.pos = j;
      return Tok.MName;
    }
    if (c === 0x7b) {
      this.pos = i + 1;
      return Tok.BraceOpen;
    }
    if (c === 0x23) return this.lexHash();
    // A NUL byte where a line may start ends the body, as in Prometheus's lexer.
    if (c === 0) return Tok.EOF;
    return Tok.Invalid;
  }

  /** After `#`: `# HELP ` / `# TYPE ` start metadata; anything else is a comment up to the newline. */
  private lexHash(): Tok {
    const b = this.b;
    let j = this.pos + 1;
    if (b[j] === 0x20 || b[j] === 0x09) {
      while (b[j] === 0x20 || b[j] === 0x09) j++;
      const isHelp = b[j] === 0x48 && b[j + 1] === 0x45 && b[j + 2] === 0x4c && b[j + 3] === 0x50;
      const isType = b[j] === 0x54 && b[j + 1] === 0x59 && b[j + 2] === 0x50 && b[j + 3] === 0x45;
      if ((isHelp || isType) && (b[j + 4] === 0x20 || b[j + 4] === 0x09)) {
        j += 4;
        while (b[j] === 0x20 || b[j] === 0x09) j++;
        this.pos = j;
        return isHelp ? Tok.Help : Tok.Type;
      }
    }
    if (b[j] === 0) return Tok.EOF;
    this.pos = b.indexOf(0x0a, j);
    return Tok.Comment;
  }

  private lexMetaName(): Tok {
    this.skipBlanks();
    const b = this.b, i = this.pos, c = b[i]!;
    if (c === 0x22) return this.scanQuoted(true, false) ? Tok.MName : Tok.Invalid;
    if (isMetricNameStart(c)) {
      let j = i + 1;
      while (isMetricNameChar(b[j]!)) j++;
      this.pos = j;
      return Tok.MName;
    }
    return Tok.Invalid;
  }

  /**
   * The rest of a metadata line. Prometheus keeps it from the byte right after the name and
   * drops that first byte (normally the separating blank); a rest of only blanks is empty.
   */
  private lexMetaText(): void {
    const b = this.b, i = this.pos;
    const nl = b.indexOf(0x0a, i);
    let allBlank = true;
    for (let k = i; k < nl; k++) {
      if (b[k] !== 0x20 && b[k] !== 0x09) {
        allBlank = false;
        break;
      }
    }
    this.textS = allBlank || nl - i <= 1 ? nl : i + 1;
    this.textE = nl;
    this.pos = nl;
  }

  private lexLabels(): Tok {
    this.skipBlanks();
    const b = this.b, i = this.pos, c = b[i]!;
    if (isLabelNameStart(c)) {
      let j = i + 1;
      while (isLabelNameChar(b[j]!)) j++;
      this.pos = j;
      return Tok.LName;
    }
    switch (c) {
      case 0x22:
        return this.scanQuoted(true, false) ? Tok.QString : Tok.Invalid;
      case 0x2c:
        this.pos = i + 1;
        return Tok.Comma;
      case 0x3d:
        this.pos = i + 1;
        return Tok.Equal;
      case 0x7d:
        this.pos = i + 1;
        return Tok.BraceClose;
      default:
        return Tok.Invalid;
    }
  }

  private lexLabelValue(): Tok {
    this.skipBlanks();
    if (this.b[this.pos] !== 0x22) return Tok.Invalid;
    return this.scanQuoted(true, true) ? Tok.LValue : Tok.Invalid;
  }

  /** After the name or label set: `{`, or the value (any bytes but blanks, newline, `{` and NUL). */
  private lexValue(): Tok {
    this.skipBlanks();
    const b = this.b, i = this.pos, c = b[i]!;
    if (c === 0x7b) {
      this.pos = i + 1;
      return Tok.BraceOpen;
    }
    if (c === 0 || c === 0x0a) return Tok.Invalid;
    let j = i + 1;
    while (!endsTextValue(b[j]!)) j++;
    this.pos = j;
    return Tok.Value;
  }

  private lexTimestamp(): Tok {
    this.skipBlanks();
    const b = this.b, i = this.pos, c = b[i]!;
    if (c === 0x0a) {
      this.pos = i + 1;
      return Tok.Linebreak;
    }
    if (c >= 0x30 && c <= 0x39) {
      let j = i + 1;
      while (b[j]! >= 0x30 && b[j]! <= 0x39) j++;
      this.pos = j;
      return Tok.Timestamp;
    }
    return Tok.Invalid;
  }
}
