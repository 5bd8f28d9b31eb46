/**
 * The formatting primitives of Go's fmt (its `fmt` type): padding, integers in any base,
 * floats through strconv, strings, quoting, runes. `Printer` (fmt.ts) builds on them.
 */
import { codePointCount } from '../util/code-points.js';
import { type FloatFmt, formatFloat } from './fmt-float.js';
import { canBackquote, isPrint, quote, quoteRune } from './strconv.js';
import type { Value } from './types.js';

export interface Flags {
  widPresent: boolean; precPresent: boolean; minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean;
  plusV: boolean; sharpV: boolean;
}

export function clearFlags(f: Flags): void {
  f.widPresent = f.precPresent = f.minus = f.plus = f.sharp = f.space = f.zero = f.plusV = f.sharpV = false;
}



export const LDIGITS = '0123456789abcdefx';
export const UDIGITS = '0123456789ABCDEFX';
export const NIL_ANGLE = '<nil>';

/** Formatting state of one Sprint/Sprintf call: output buffer, flags, width, precision. */
export abstract class FmtBase {
  buf = '';
  protected readonly f: Flags = {
    widPresent: false, precPresent: false, minus: false, plus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false,
  };
  protected wid = 0;
  protected prec = 0;
  protected erroring = false;

  protected writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero ? '0' : ' ').repeat(n);
  }

  protected pad(s: string): void {
    if (!this.f.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - codePointCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  protected fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  protected fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.f.precPresent && this.prec > 4) prec = this.prec;
    let s = (u < 0n ? (u + (1n << 64n)) : u).toString(16).toUpperCase();
    if (s.length < prec) s = s.padStart(prec, '0');
    s = 'U+' + s;
    if (this.f.sharp && u >= 0n && u <= 0x10ffffn && isPrint(Number(u))) s += ` '${String.fromCodePoint(Number(u))}'`;
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  /** Integer `v` (signed value; unsigned types pass their non-negative value). */
  protected fmtInteger(v: bigint, base: number, verb: string, upper: boolean): void {
    const negative = v < 0n;
    let u = negative ? -v : v;
    let prec = 0;
    if (this.f.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.f.zero;
        this.f.zero = false;
        this.writePadding(this.wid);
        this.f.zero = oldZero;
        return;
      }
    } else if (this.f.zero && this.f.widPresent) {
      prec = this.wid;
      if (negative || this.f.plus || this.f.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    u = 0n;
    if (digits.length < prec) digits = digits.padStart(prec, '0');
    if (this.f.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
      else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (this.f.plus) digits = '+' + digits;
    else if (this.f.space) digits = ' ' + digits;
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(digits);
    this.f.zero = oldZero;
  }

  protected truncate(s: string): string {
    if (!this.f.precPresent) return s;
    let n = this.prec;
    let i = 0;
    for (const ch of s) {
      if (n-- <= 0) return s.slice(0, i);
      i += ch.length;
    }
    return s;
  }

  protected fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  protected fmtSx(s: string, upper: boolean): void {
    let bytes: Uint8Array = Buffer.from(s, 'utf8');
    if (this.f.precPresent && this.prec < bytes.length) bytes = bytes.subarray(0, this.prec);
    const length = bytes.length;
    let width = 2 * length;
    if (width > 0) {
      if (this.f.space) {
        if (this.f.sharp) width *= 2;
        width += length - 1;
      } else if (this.f.sharp) {
        width += 2;
      }
    } else {
      if (this.f.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.f.widPresent && this.wid > width && !this.f.minus) this.writePadding(this.wid - width);
    const digits = upper ? UDIGITS : LDIGITS;
    let out = '';
    if (this.f.sharp) out += '0' + digits[16]!;
    for (let i = 0; i < length; i++) {
      if (this.f.space && i > 0) {
        out += ' ';
        if (this.f.sharp) out += '0' + digits[16]!;
      }
      const c = bytes[i]!;
      out += digits[c >> 4]! + digits[c & 15]!;
    }
    this.buf += out;
    if (this.f.widPresent && this.wid > width && this.f.minus) this.writePadding(this.wid - width);
  }

  protected fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(quote(s, this.f.plus));
  }

  protected fmtC(c: bigint): void {
    let r = c > 0x10ffffn || c < 0n ? 0xfffd : Number(c);
    if (r >= 0xd800 && r <= 0xdfff) r = 0xfffd;
    this.pad(String.fromCodePoint(r));
  }

  protected fmtQc(c: bigint): void {
    const r = c > 0x10ffffn || c < 0n ? 0xfffd : Number(c);
    this.pad(quoteRune(r, this.f.plus));
  }

  protected fmtFloatRaw(v: number, size: 32 | 64, verb: FloatFmt | 'v', prec: number): void {
    if (this.f.precPresent) prec = this.prec;
    const fmtVerb: FloatFmt = verb === 'v' ? 'g' : verb;
    let num = formatFloat(v, fmtVerb, prec, size);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (this.f.space && num[0] === '+' && !this.f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.f.zero;
      this.f.zero = false;
      if (num[1] === 'N' && !this.f.space && !this.f.plus) num = num.slice(1);
      this.pad(num);
      this.f.zero = oldZero;
      return;
    }
    if (this.f.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let body = num;
      let hasDot = false;
      let sawNonzero = false;
      for (let i = 1; i < body.length; i++) {
        const c = body[i]!;
        if (c === '.') { hasDot = true; continue; }
        if (c === 'p' || c === 'P') { tail = body.slice(i); body = body.slice(0, i); break; }
        if ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X') { tail = body.slice(i); body = body.slice(0, i); break; }
        if (c !== '0') sawNonzero = true;
        if (sawNonzero) digits--;
      }
      if (!hasDot) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      if (digits > 0) body += '0'.repeat(digits);
      num = body + tail;
    }
    if (this.f.plus || num[0] !== '+') {
      if (this.f.zero && this.f.widPresent && this.wid > num.length) {
        this.buf += num[0]!;
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  protected fmtFloat(v: number, size: 32 | 64, verb: string): void {
    switch (verb) {
      case 'v': this.fmtFloatRaw(v, size, 'v', -1); return;
      case 'b': case 'g': case 'G': case 'x': case 'X': this.fmtFloatRaw(v, size, verb, -1); return;
      case 'f': case 'e': case 'E': this.fmtFloatRaw(v, size, verb, 6); return;
      case 'F': this.fmtFloatRaw(v, size, 'f', 6); return;
      default: this.badVerb(verb, null);
    }
  }

  protected fmtComplex(re: number, im: number, size: 32 | 64, verb: string): void {
    switch (verb) {
      case 'v': case 'b': case 'g': case 'G': case 'x': case 'X': case 'f': case 'F': case 'e': case 'E': {
        const oldPlus = this.f.plus;
        this.buf += '(';
        this.fmtFloat(re, size, verb);
        this.f.plus = true;
        this.fmtFloat(im, size, verb);
        this.buf += 'i)';
        this.f.plus = oldPlus;
        return;
      }
      default: this.badVerb(verb, null);
    }
  }

  protected fmtIntegerVerb(v: bigint, signed: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !signed) {
          const sharp = this.f.sharp;
          this.f.sharp = true;
          this.fmtInteger(v, 16, 'v', false);
          this.f.sharp = sharp;
        } else {
          this.fmtInteger(v, 10, verb, false);
        }
        return;
      case 'd': this.fmtInteger(v, 10, verb, false); return;
      case 'b': this.fmtInteger(v, 2, verb, false); return;
      case 'o': case 'O': this.fmtInteger(v, 8, verb, false); return;
      case 'x': this.fmtInteger(v, 16, verb, false); return;
      case 'X': this.fmtInteger(v, 16, verb, true); return;
      case 'c': this.fmtC(v); return;
      case 'q': this.fmtQc(v); return;
      case 'U': this.fmtUnicode(v); return;
      default: this.badVerb(verb, null);
    }
  }

  protected fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v': if (this.f.sharpV) this.fmtQ(v); else this.fmtS(v); return;
      case 's': this.fmtS(v); return;
      case 'x': this.fmtSx(v, false); return;
      case 'X': this.fmtSx(v, true); return;
      case 'q': this.fmtQ(v); return;
      default: this.badVerb(verb, null);
    }
  }

  /** `%!verb(type=value)`; `cur` is the value being printed (null prints `<nil>`). */

  /** `%!verb(type=value)`; `cur` is the value being printed (null prints `<nil>`). */
  protected abstract badVerb(verb: string, cur: { v: Value } | null): void;
}
