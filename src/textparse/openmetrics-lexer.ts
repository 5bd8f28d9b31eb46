/**
 * The OpenMetrics lexer, one method per lexer state, mirroring the token rules of
 * Prometheus's `openmetricslex.l`: no optional blanks anywhere, single spaces before values,
 * timestamps and exemplars, `# HELP `/`# TYPE `/`# UNIT `/`# EOF` as the only comments.
 * Each method sets `tokStart` and leaves `pos` after the token, or where the lexer gave up.
 */
import { TextParserBase, Tok, bytesEqualString, isLabelNameChar, isLabelNameStart, isMetricNameChar, isMetricNameStart } from './text-base.js';

export abstract class OpenMetricsLexer extends TextParserBase {
  protected lexInit(): Tok {
    const b = this.b, i = this.pos;
    this.tokStart = i;
    if (i >= this.n) return Tok.EOF;
    const c = b[i]!;
    if (isMetricNameStart(c)) {
      let j = i + 1;
      while (j < this.n && isMetricNameChar(b[j]!)) j++;
      this.pos = j;
      return Tok.MName;
    }
    if (c === 0x7b) {
      this.pos = i + 1;
      return Tok.BraceOpen;
    }
    if (c === 0x23) return this.lexHash();
    return Tok.Invalid;
  }

  protected lexHash(): Tok {
    const b = this.b, i = this.pos;
    if (b[i + 1] !== 0x20) {
      this.pos = Math.min(i + 1, this.n);
      return Tok.Invalid;
    }
    const j = i + 2;
    const c = b[j];
    if (c === 0x48 && bytesEqualString(b, j, j + 5, 'HELP ')) {
      this.pos = j + 5;
      return Tok.Help;
    }
    if (c === 0x54 && bytesEqualString(b, j, j + 5, 'TYPE ')) {
      this.pos = j + 5;
      return Tok.Type;
    }
    if (c === 0x55 && bytesEqualString(b, j, j + 5, 'UNIT ')) {
      this.pos = j + 5;
      return Tok.Unit;
    }
    if (c === 0x45 && bytesEqualString(b, j, j + 3, 'EOF')) {
      this.pos = b[j + 3] === 0x0a ? j + 4 : j + 3;
      return Tok.EOFWord;
    }
    this.pos = Math.min(j, this.n);
    return Tok.Invalid;
  }

  protected lexMetaName(): Tok {
    const b = this.b, i = this.pos;
    this.tokStart = i;
    if (i >= this.n) return Tok.EOF;
    const c = b[i]!;
    if (c === 0x22) return this.scanQuoted(true, false) ? Tok.MName : Tok.Invalid;
    if (isMetricNameStart(c)) {
      let j = i + 1;
      while (j < this.n && isMetricNameChar(b[j]!)) j++;
      this.pos = j;
      return Tok.MName;
    }
    return Tok.Invalid;
  }

  /** ` text\n` after a metadata name; false when the line does not have that shape. */
  protected lexMetaText(): boolean {
    const b = this.b, i = this.pos;
    if (b[i] !== 0x20) return false;
    const nl = b.indexOf(0x0a, i + 1);
    if (nl < 0) return false;
    this.textS = i + 1;
    this.textE = nl;
    this.pos = nl + 1;
    return true;
  }

  protected lexLabels(exemplar: boolean): Tok {
    const b = this.b, i = this.pos;
    this.tokStart = i;
    if (i >= this.n) return Tok.EOF;
    const c = b[i]!;
    if (isLabelNameStart(c)) {
      let j = i + 1;
      while (j < this.n && isLabelNameChar(b[j]!)) j++;
      this.pos = j;
      return Tok.LName;
    }
    switch (c) {
      case 0x22:
        return this.scanQuoted(!exemplar, false) ? Tok.QString : Tok.Invalid;
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

  protected lexLabelValue(): Tok {
    const i = this.pos;
    this.tokStart = i;
    if (i >= this.n) return Tok.EOF;
    if (this.b[i] !== 0x22) return Tok.Invalid;
    return this.scanQuoted(false, true) ? Tok.LValue : Tok.Invalid;
  }

  /** ` value` with at least one byte that is not a space, newline or NUL. */
  protected lexSpaced(t: Tok): Tok {
    const b = this.b, n = this.n;
    let j = this.pos + 1;
    const c = j < n ? b[j]! : 0;
    if (c === 0 || c === 0x0a || c === 0x20) {
      this.pos = Math.min(j, n);
      return Tok.Invalid;
    }
    while (j < n) {
      const d = b[j]!;
      if (d === 0 || d === 0x0a || d === 0x20) break;
      j++;
    }
    this.pos = j;
    return t;
  }

  protected lexValue(): Tok {
    const b = this.b, i = this.pos;
    this.tokStart = i;
    if (i >= this.n) return Tok.EOF;
    const c = b[i];
    if (c === 0x7b) {
      this.pos = i + 1;
      return Tok.BraceOpen;
    }
    if (c === 0x20) return this.lexSpaced(Tok.Value);
    return Tok.Invalid;
  }

  /** After the value: newline, ` timestamp`, or ` # {` opening an exemplar. */
  protected lexTimestamp(): Tok {
    const b = this.b, i = this.pos;
    this.tokStart = i;
    if (i >= this.n) return Tok.EOF;
    const c = b[i];
    if (c === 0x0a) {
      this.pos = i + 1;
      return Tok.Linebreak;
    }
    if (c !== 0x20) return Tok.Invalid;
    if (b[i + 1] === 0x23 && b[i + 2] === 0x20) {
      if (b[i + 3] === 0x7b) {
        this.pos = i + 4;
        return Tok.Comment;
      }
      this.pos = Math.min(i + 3, this.n);
      return Tok.Invalid;
    }
    return this.lexSpaced(Tok.Timestamp);
  }

  /** After `=` in an exemplar: a quoted value; after its `}`: the exemplar value. */
  protected lexExemplarValue(): Tok {
    const b = this.b, i = this.pos;
    this.tokStart = i;
    if (i >= this.n) return Tok.EOF;
    const c = b[i];
    if (c === 0x22) return this.scanQuoted(false, false) ? Tok.LValue : Tok.Invalid;
    if (c === 0x20) return this.lexSpaced(Tok.Value);
    return Tok.Invalid;
  }

  protected lexExemplarTimestamp(): Tok {
    const b = this.b, i = this.pos;
    this.tokStart = i;
    if (i >= this.n) return Tok.EOF;
    const c = b[i];
    if (c === 0x0a) {
      this.pos = i + 1;
      return Tok.Linebreak;
    }
    if (c === 0x20) return this.lexSpaced(Tok.Timestamp);
    return Tok.Invalid;
  }
}
