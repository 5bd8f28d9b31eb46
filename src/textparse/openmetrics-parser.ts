/**
 * OpenMetrics 1.0 text (`application/openmetrics-text; version=1.0.0` or `0.0.1`), parsed as
 * Prometheus 3 does: single spaces as separators, a mandatory `# EOF`, HELP/TYPE/UNIT
 * metadata, float-second timestamps converted to milliseconds with int64(seconds*1000)
 * truncation, one exemplar per sample, quoted UTF-8 names. Like Prometheus it checks syntax,
 * not family semantics (ordering, `_total` suffixes, histogram consistency are not enforced).
 *
 * Start timestamps: with `parseStartTimestamps`, `_created` samples of counter, summary and
 * histogram families are not returned; `startTimestamp()` of a sample looks ahead for the
 * `_created` line of its family and label set (`le`/`quantile` aside), as Prometheus does.
 */
import type { Millis } from '../model/index.js';
import { Labels, type Exemplar, type MetricType } from '../model/index.js';
import { EntryType } from './interface.js';
import { decodeUTF8, goQuoteBytes, isValidUTF8, latin1 } from './bytes.js';
import { FloatError, floatError, formatGoF, parseValueBytes } from './float.js';
import { LabelFlag, Tok, bytesEqualString } from './text-base.js';
import { OpenMetricsLexer } from './openmetrics-lexer.js';
import { CreatedLookahead } from './created-lookahead.js';

const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'];

/** Counter, summary and histogram families carry `_created` start timestamps. */
export function typeHasCreated(t: MetricType): boolean {
  return t === 'counter' || t === 'summary' || t === 'histogram';
}

export class OpenMetricsParser extends OpenMetricsLexer {
  protected readonly helpUnescapesQuote = true;
  /** Skip `_created` series and answer `startTimestamp()`. */
  readonly parseStartTimestamps: boolean;
  /** Length of the family name of the last HELP/TYPE/UNIT line. */
  mfNameLen = 0;

  private elo = new Int32Array(16);
  private nelo = 0;
  private hasExemplar = false;
  private exemplarTaken = false;
  private exVal = 0;
  private exTs = 0;
  private hasExTs = false;
  private lookahead: CreatedLookahead | null = null;

  /** The body is read, never written; it must stay unchanged while the parser is in use. */
  constructor(body: Uint8Array, parseStartTimestamps = false) {
    super(body);
    this.parseStartTimestamps = parseStartTimestamps;
  }

  /** No shortcut: the guess is ignored. */
  nextExpecting(): EntryType {
    return this.next();
  }

  next(): EntryType {
    if (this.failure !== null) this.rethrow();
    if (this.done) return EntryType.EOF;
    for (;;) {
      const e = this.parseEntry();
      if (e === EntryType.Series && this.parseStartTimestamps && this.isCreatedSeries()) continue;
      return e;
    }
  }

  /** Moves the cursor (used by the `_created` look-ahead, which parses ahead on a second instance). */
  resetTo(pos: number, mtype: MetricType, mfNameLen: number): void {
    this.pos = pos;
    this.mtype = mtype;
    this.mfNameLen = mfNameLen;
    this.failure = null;
    this.done = false;
  }

  override exemplar(): Exemplar | null {
    if (!this.hasExemplar || this.exemplarTaken) return null;
    this.exemplarTaken = true;
    const a: string[] = [];
    const elo = this.elo;
    // Prometheus keeps exemplar label names and values as written (no unescaping).
    for (let i = 0; i < this.nelo; i += 4) {
      a.push(decodeUTF8(this.buf, this.b, elo[i]!, elo[i + 1]!), decodeUTF8(this.buf, this.b, elo[i + 2]!, elo[i + 3]!));
    }
    return { labels: Labels.fromUnsortedArray(a), value: this.exVal, ts: this.hasExTs ? (this.exTs as Millis) : undefined };
  }

  override startTimestamp(): number | undefined {
    if (!this.parseStartTimestamps || this.nameS < 0 || !typeHasCreated(this.mtype)) return undefined;
    this.lookahead ??= new CreatedLookahead(new OpenMetricsParser(this.b, false));
    const st = this.lookahead.find(this, this.familyKey(this.nameS, this.familyNameEnd()), this.pos);
    return st === 0 ? undefined : st;
  }

  /** Whether the current series is a `_created` series of a family type that has them. */
  isCreatedSeries(): boolean {
    return typeHasCreated(this.mtype) && this.nameEndsWithCreated();
  }

  nameEndsWithCreated(): boolean {
    const e = this.nameE;
    return e - this.nameS >= 8 && bytesEqualString(this.b, e - 8, e, '_created');
  }

  /** End of the family-name prefix of the current metric name, as Prometheus cuts it. */
  private familyNameEnd(): number {
    const quotedFirst = this.b[this.start] === 0x7b && this.b[this.start + 1] === 0x22;
    const end = this.start + this.mfNameLen + (quotedFirst ? 2 : 0);
    return Math.max(this.nameS, Math.min(end, this.nameE));
  }

  /** Raw identity of (family name, labels without `le`/`quantile` as the type has them), for `_created` matching. */
  familyKey(ns: number, ne: number): string {
    const lo = this.lo, b = this.b, buf = this.buf;
    const isH = this.mtype === 'histogram', isS = this.mtype === 'summary';
    let k = '';
    for (let i = 0; i < this.nlo; i += 4) {
      const s = lo[i]!, e = lo[i + 1]!;
      if (isH && bytesEqualString(b, s, e, 'le')) continue;
      if (isS && bytesEqualString(b, s, e, 'quantile')) continue;
      k += latin1(buf, s, e) + '\xff' + latin1(buf, lo[i + 2]!, lo[i + 3]!) + '\xfe';
    }
    return k + latin1(buf, ns, ne);
  }

  /** For the look-ahead: name bounds and value of the current series. */
  nameStart(): number { return this.nameS; }
  nameEnd(): number { return this.nameE; }

  private parseEntry(): EntryType {
    for (;;) {
      this.start = this.pos;
      this.nlo = 0;
      this.nelo = 0;
      this.nameS = -1;
      this.nameE = -1;
      this.key = undefined;
      this.nameEscapes = false;
      this.nameFlags = 0;
      this.hasExemplar = false;
      this.exemplarTaken = false;
      const t = this.lexInit();
      switch (t) {
        case Tok.EOFWord:
          if (this.pos < this.n) this.fail('unexpected data after # EOF');
          this.done = true;
          return EntryType.EOF;
        case Tok.EOF:
          return this.fail('data does not end with # EOF');
        case Tok.Help:
        case Tok.Type:
        case Tok.Unit:
          return this.parseMetadata(t);
        case Tok.BraceOpen:
          this.parseLabels(false);
          this.seriesE = this.pos;
          this.parseSeriesEnd(this.lexValue());
          return EntryType.Series;
        case Tok.MName: {
          this.nameS = this.start;
          this.nameE = this.pos;
          this.seriesE = this.pos;
          let t2 = this.lexValue();
          if (t2 === Tok.BraceOpen) {
            this.parseLabels(false);
            this.seriesE = this.pos;
            t2 = this.lexValue();
          }
          this.parseSeriesEnd(t2);
          return EntryType.Series;
        }
        default:
          return this.parseError('expected a valid start token', t);
      }
    }
  }

  private parseMetadata(t: Tok.Help | Tok.Type | Tok.Unit): EntryType {
    const what = t === Tok.Help ? 'HELP' : t === Tok.Type ? 'TYPE' : 'UNIT';
    const t2 = this.lexMetaName();
    if (t2 !== Tok.MName) this.parseError('expected metric name after ' + what, t2);
    let ms = this.tokStart, me = this.pos;
    const b = this.b;
    if (b[ms] === 0x22 && b[me - 1] === 0x22) {
      ms++;
      me--;
    }
    this.metaS = ms;
    this.metaE = me;
    this.mfNameLen = me - ms;
    if (!this.lexMetaText()) this.fail('expected text in ' + what);
    const s = this.textS, e = this.textE;
    switch (t) {
      case Tok.Type: {
        let found: MetricType | undefined;
        for (const w of TYPES) if (bytesEqualString(b, s, e, w)) found = w;
        if (found === undefined) this.fail(`invalid metric type ${goQuoteBytes(b, s, e)}`);
        this.mtype = found;
        this.metaType = found;
        return EntryType.Type;
      }
      case Tok.Help:
        if (!isValidUTF8(b, s, e)) this.fail(`help text ${goQuoteBytes(b, s, e)} is not a valid utf8 string`);
        return EntryType.Help;
      case Tok.Unit: {
        const ul = e - s;
        if (ul > 0) {
          let ok = me - ms >= ul + 1 && b[me - ul - 1] === 0x5f;
          for (let k = 0; ok && k < ul; k++) ok = b[me - ul + k] === b[s + k];
          if (!ok) this.fail(`unit ${goQuoteBytes(b, s, e)} not a suffix of metric ${goQuoteBytes(b, ms, me)}`);
        }
        return EntryType.Unit;
      }
    }
  }

  /** The inside of `{...}` of a sample (or of an exemplar, whose opening brace the comment token took). */
  private parseLabels(exemplar: boolean): void {
    let t = this.lexLabels(exemplar);
    for (;;) {
      if (t === Tok.BraceClose) return;
      if (t !== Tok.LName && t !== Tok.QString) this.parseError('expected label name', t);
      const isQ = t === Tok.QString;
      const ts = this.tokStart, te = this.pos;
      const nflags = isQ ? (this.sawEscape ? LabelFlag.NameEscaped : 0) | (this.sawHigh ? LabelFlag.NameHigh : 0) : 0;
      t = this.lexLabels(exemplar);
      if (isQ && (t === Tok.Comma || t === Tok.BraceClose)) {
        if (exemplar) this.parseError('expected label name', t);
        if (this.nameS !== -1) this.fail(`metric name already set while parsing: ${goQuoteBytes(this.b, this.start, this.pos)}`);
        this.nameS = ts + 1;
        this.nameE = te - 1;
        this.nameFlags = nflags >> 2;
        if (t === Tok.BraceClose) return;
        t = this.lexLabels(exemplar);
        continue;
      }
      if ((nflags & LabelFlag.NameEscaped) !== 0 && !exemplar) this.nameEscapes = true;
      if (t !== Tok.Equal) this.parseError('expected equal', t);
      const t2 = exemplar ? this.lexExemplarValue() : this.lexLabelValue();
      if (t2 !== Tok.LValue) this.parseError('expected label value', t2);
      if (this.sawHigh && !isValidUTF8(this.b, this.tokStart, this.pos)) {
        this.fail(`invalid UTF-8 label value: ${goQuoteBytes(this.b, this.tokStart, this.pos)}`);
      }
      const ns = isQ ? ts + 1 : ts, ne = isQ ? te - 1 : te;
      if (exemplar) this.pushExemplarLabel(ns, ne, this.tokStart + 1, this.pos - 1);
      else this.pushLabel(ns, ne, this.tokStart + 1, this.pos - 1, nflags | (this.sawEscape ? LabelFlag.ValueEscaped : 0) | (this.sawHigh ? LabelFlag.ValueHigh : 0));
      t = this.lexLabels(exemplar);
      if (t === Tok.Comma) t = this.lexLabels(exemplar);
      else if (t !== Tok.BraceClose) this.parseError('expected comma or brace close', t);
    }
  }

  private pushExemplarLabel(ns: number, ne: number, vs: number, ve: number): void {
    if (this.nelo + 4 > this.elo.length) {
      const g = new Int32Array(this.elo.length * 2);
      g.set(this.elo);
      this.elo = g;
    }
    const elo = this.elo;
    elo[this.nelo] = ns;
    elo[this.nelo + 1] = ne;
    elo[this.nelo + 2] = vs;
    elo[this.nelo + 3] = ve;
    this.nelo += 4;
  }

  private parseSeriesEnd(t: Tok): void {
    if (this.nameS === -1) this.fail(`metric name not set while parsing: ${goQuoteBytes(this.b, this.start, this.pos)}`);
    this.val = this.floatToken(t, 'metric');
    this.hasTS = false;
    const t2 = this.lexTimestamp();
    switch (t2) {
      case Tok.EOF:
        this.fail('data does not end with # EOF');
        break;
      case Tok.Linebreak:
        break;
      case Tok.Comment:
        this.parseExemplar();
        break;
      case Tok.Timestamp: {
        this.ts = this.secondsToken('timestamp');
        this.hasTS = true;
        const t3 = this.lexTimestamp();
        if (t3 === Tok.Comment) this.parseExemplar();
        else if (t3 !== Tok.Linebreak) this.parseError('expected next entry after timestamp', t3);
        break;
      }
      default: {
        // Prometheus returns this sample and fails on the next entry, which starts where its
        // lexer stopped; the scrape fails either way, so fail here with that message.
        this.start = this.pos;
        const next = this.lexTimestamp();
        if (next === Tok.EOF) this.fail('data does not end with # EOF');
        this.parseError('expected a valid start token', next);
      }
    }
    if (this.nlo > 0) this.checkDuplicateLabels();
  }

  private parseExemplar(): void {
    this.parseLabels(true);
    this.hasExemplar = true;
    this.exVal = this.floatToken(this.lexExemplarValue(), 'exemplar labels');
    this.hasExTs = false;
    const t = this.lexExemplarTimestamp();
    switch (t) {
      case Tok.EOF:
        this.fail('data does not end with # EOF');
        break;
      case Tok.Linebreak:
        break;
      case Tok.Timestamp: {
        this.exTs = this.secondsToken('exemplar timestamp');
        this.hasExTs = true;
        const t2 = this.lexExemplarTimestamp();
        if (t2 !== Tok.Linebreak) this.parseError('expected next entry after exemplar timestamp', t2);
        break;
      }
      default:
        this.parseError('expected timestamp or comment', t);
    }
  }

  /** A value token (leading space included) as a float. */
  private floatToken(t: Tok, after: string): number {
    if (t !== Tok.Value) this.parseError('expected value after ' + after, t);
    const v = parseValueBytes(this.b, this.tokStart + 1, this.pos, this.buf);
    if (floatError() !== FloatError.None) this.floatFailure(this.tokStart + 1, this.pos);
    return v;
  }

  /** A timestamp token: float seconds to int64 milliseconds, truncating as Go's int64(seconds*1000) does. */
  private secondsToken(what: string): number {
    const v = parseValueBytes(this.b, this.tokStart + 1, this.pos, this.buf);
    if (floatError() !== FloatError.None) this.floatFailure(this.tokStart + 1, this.pos);
    if (!Number.isFinite(v)) this.fail(`invalid ${what} ${formatGoF(v)}`);
    return Math.trunc(v * 1000) + 0;
  }
}
