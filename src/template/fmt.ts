/**
 * Go's fmt package over template values: `Sprint`, `Sprintln`, `Sprintf` with every verb,
 * flag, width, precision, argument index and the `%!verb(type=value)` error forms, plus the
 * `%v` rendering of composites (`[a b]`, `map[k:v]`, `{f1 f2}`) and Stringer/error methods.
 */
import { type FloatFmt, formatFloat } from './fmt-float.js';
import { canBackquote, isPrint, quote, quoteRune } from './strconv.js';
import {
  type GoType, type Value, GoVal, fromRaw, isComplexKind, isFloatKind, isIntKind, isUintKind, mapEntries, rawOf, typeOf,
} from './types.js';

interface Flags {
  widPresent: boolean; precPresent: boolean; minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean;
  plusV: boolean; sharpV: boolean;
}

function clearFlags(f: Flags): void {
  f.widPresent = f.precPresent = f.minus = f.plus = f.sharp = f.space = f.zero = f.plusV = f.sharpV = false;
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Compares map keys in fmtsort order. */
export function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareGoStrings(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const ta = typeof a, tb = typeof b;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/** Go compares strings by UTF-8 bytes, which is code point order. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    const sx = x >= 0xd800 && x <= 0xdfff, sy = y >= 0xd800 && y <= 0xdfff;
    if (sx === sy) return x < y ? -1 : 1;
    return sx ? 1 : -1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Map entries as values, sorted by key as fmtsort sorts them. */
export function sortedMapEntries(t: GoType, raw: unknown): { key: Value; value: Value }[] {
  const entries = mapEntries(raw);
  entries.sort((x, y) => compareKeys(x[0], y[0]));
  const kt = t.key!, et = t.elem!;
  return entries.map(([k, v]) => ({ key: fromRaw(kt, k), value: fromRaw(et, v) }));
}

/** Calls a `String()` or `Error()` method if the value's type has one. */
export function stringerText(v: Value): string | null {
  if (!(v instanceof GoVal)) return null;
  const m = v.type.methods;
  if (m === null) return null;
  const fn = m.get('Error') ?? m.get('String');
  if (fn === undefined || fn.sig.params.length !== 0 || fn.sig.variadic !== null) return null;
  const r = fn.fn(v.raw);
  if (typeof r !== 'string') return String(rawOf(r as Value));
  return r;
}

const LDIGITS = '0123456789abcdefx';
const UDIGITS = '0123456789ABCDEFX';
const NIL_ANGLE = '<nil>';

export class Printer {
  buf = '';
  private readonly f: Flags = {
    widPresent: false, precPresent: false, minus: false, plus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false,
  };
  private wid = 0;
  private prec = 0;
  private erroring = false;

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero ? '0' : ' ').repeat(n);
  }

  private pad(s: string): void {
    if (!this.f.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  private fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  private fmtUnicode(u: bigint): void {
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
  private fmtInteger(v: bigint, base: number, verb: string, upper: boolean): void {
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

  private truncate(s: string): string {
    if (!this.f.precPresent) return s;
    let n = this.prec;
    let i = 0;
    for (const ch of s) {
      if (n-- <= 0) return s.slice(0, i);
      i += ch.length;
    }
    return s;
  }

  private fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  private fmtSx(s: string, upper: boolean): void {
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

  private fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(quote(s, this.f.plus));
  }

  private fmtC(c: bigint): void {
    let r = c > 0x10ffffn || c < 0n ? 0xfffd : Number(c);
    if (r >= 0xd800 && r <= 0xdfff) r = 0xfffd;
    this.pad(String.fromCodePoint(r));
  }

  private fmtQc(c: bigint): void {
    const r = c > 0x10ffffn || c < 0n ? 0xfffd : Number(c);
    this.pad(quoteRune(r, this.f.plus));
  }

  private fmtFloatRaw(v: number, size: 32 | 64, verb: FloatFmt | 'v', prec: number): void {
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

  private fmtFloat(v: number, size: 32 | 64, verb: string): void {
    switch (verb) {
      case 'v': this.fmtFloatRaw(v, size, 'v', -1); return;
      case 'b': case 'g': case 'G': case 'x': case 'X': this.fmtFloatRaw(v, size, verb, -1); return;
      case 'f': case 'e': case 'E': this.fmtFloatRaw(v, size, verb, 6); return;
      case 'F': this.fmtFloatRaw(v, size, 'f', 6); return;
      default: this.badVerb(verb, null);
    }
  }

  private fmtComplex(re: number, im: number, size: 32 | 64, verb: string): void {
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

  private fmtIntegerVerb(v: bigint, signed: boolean, verb: string): void {
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

  private fmtString(v: string, verb: string): void {
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
  private badVerb(verb: string, cur: { v: Value } | null): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(';
    const v = cur === null ? this.current : cur.v;
    const t = typeOf(v);
    if (t !== null && v !== undefined) {
      this.buf += t.name + '=';
      this.printArg(v, 'v');
    } else {
      this.buf += NIL_ANGLE;
    }
    this.buf += ')';
    this.erroring = false;
  }

  /** The argument being printed, for badVerb. */
  private current: Value = null;

  private handleMethods(v: Value, verb: string): boolean {
    if (this.erroring) return false;
    if (this.f.sharpV) return false;
    if (verb !== 'v' && verb !== 's' && verb !== 'x' && verb !== 'X' && verb !== 'q') return false;
    const s = stringerText(v);
    if (s === null) return false;
    this.fmtString(s, verb);
    return true;
  }

  printArg(arg: Value, verb: string): void {
    this.current = arg;
    const t = typeOf(arg);
    if (arg === null || arg === undefined || t === null) {
      if (verb === 'T' || verb === 'v') this.pad(NIL_ANGLE);
      else this.badVerb(verb, { v: null });
      return;
    }
    if (verb === 'T') {
      this.fmtS(t.name);
      return;
    }
    if (verb === 'p') {
      this.fmtPointer(arg, t, 'p');
      return;
    }
    if (!this.handleMethods(arg, verb)) this.printValue(arg, verb, 0);
  }

  private fmtPointer(v: Value, t: GoType, verb: string): void {
    const raw = rawOf(v);
    switch (t.kind) {
      case 'chan': case 'func': case 'map': case 'ptr': case 'slice': break;
      default: this.badVerb(verb, { v }); return;
    }
    const isNil = raw === null || raw === undefined;
    const addr = isNil ? 0n : 0xc000010000n;
    if (verb === 'v') {
      if (this.f.sharpV) {
        this.buf += `(${t.name})(${isNil ? 'nil' : '0x' + addr.toString(16)})`;
      } else if (isNil) {
        this.pad(NIL_ANGLE);
      } else {
        const sharp = this.f.sharp;
        this.f.sharp = !sharp;
        this.fmtInteger(addr, 16, 'v', false);
        this.f.sharp = sharp;
      }
    } else if (verb === 'p') {
      const sharp = this.f.sharp;
      this.f.sharp = !sharp;
      this.fmtInteger(addr, 16, 'v', false);
      this.f.sharp = sharp;
    } else if (verb === 'b' || verb === 'o' || verb === 'd' || verb === 'x' || verb === 'X') {
      this.fmtIntegerVerb(addr, false, verb);
    } else {
      this.badVerb(verb, { v });
    }
  }

  printValue(v: Value, verb: string, depth: number): void {
    if (depth > 0 && v !== undefined && v !== null && this.handleMethods(v, verb)) return;
    this.current = v;
    const t = typeOf(v);
    if (t === null) {
      if (depth === 0 && v === undefined) this.buf += '<invalid reflect.Value>';
      else if (verb === 'v') this.buf += NIL_ANGLE;
      else this.badVerb(verb, { v: null });
      return;
    }
    const raw = rawOf(v);
    const k = t.kind;
    if (k === 'bool') { if (verb === 't' || verb === 'v') this.fmtBoolean(raw as boolean); else this.badVerb(verb, { v }); return; }
    if (isIntKind(k)) { this.fmtIntegerVerb(raw as bigint, true, verb); return; }
    if (isUintKind(k)) { this.fmtIntegerVerb(raw as bigint, false, verb); return; }
    if (isFloatKind(k)) { this.fmtFloat(raw as number, k === 'float32' ? 32 : 64, verb); return; }
    if (isComplexKind(k)) {
      const c = raw as { re: number; im: number };
      this.fmtComplex(c.re, c.im, k === 'complex64' ? 32 : 64, verb);
      return;
    }
    switch (k) {
      case 'string': this.fmtString(raw as string, verb); return;
      case 'map': {
        if (this.f.sharpV) {
          this.buf += t.name;
          if (raw === null) { this.buf += '(nil)'; return; }
          this.buf += '{';
        } else {
          this.buf += 'map[';
        }
        sortedMapEntries(t, raw).forEach((e, i) => {
          if (i > 0) this.buf += this.f.sharpV ? ', ' : ' ';
          this.printValue(e.key, verb, depth + 1);
          this.buf += ':';
          this.printValue(e.value, verb, depth + 1);
        });
        this.buf += this.f.sharpV ? '}' : ']';
        return;
      }
      case 'struct': {
        if (this.f.sharpV) this.buf += t.name;
        this.buf += '{';
        const rec = raw as Record<string, unknown>;
        (t.fields ?? []).forEach((fd, i) => {
          if (i > 0) this.buf += this.f.sharpV ? ', ' : ' ';
          if (this.f.plusV || this.f.sharpV) this.buf += fd.name + ':';
          this.printValue(fromRaw(fd.type, rec[fd.name]), verb, depth + 1);
        });
        this.buf += '}';
        return;
      }
      case 'slice': case 'array': {
        const arr = (raw ?? []) as readonly unknown[];
        const et = t.elem!;
        if ((verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') && et.kind === 'uint8') {
          const bytes = Buffer.from(arr.map((b) => Number(b as bigint)));
          const s = bytes.toString('latin1');
          if (verb === 's') this.fmtS(bytes.toString('utf8'));
          else if (verb === 'q') this.fmtQ(bytes.toString('utf8'));
          else this.fmtSx(s, verb === 'X');
          return;
        }
        if (this.f.sharpV) {
          this.buf += t.name;
          if (k === 'slice' && raw === null) { this.buf += '(nil)'; return; }
          this.buf += '{';
          arr.forEach((e, i) => {
            if (i > 0) this.buf += ', ';
            this.printValue(fromRaw(et, e), verb, depth + 1);
          });
          this.buf += '}';
        } else {
          this.buf += '[';
          arr.forEach((e, i) => {
            if (i > 0) this.buf += ' ';
            this.printValue(fromRaw(et, e), verb, depth + 1);
          });
          this.buf += ']';
        }
        return;
      }
      case 'ptr': {
        if (depth === 0 && raw !== null) {
          const ek = t.elem!.kind;
          if (ek === 'array' || ek === 'slice' || ek === 'struct' || ek === 'map') {
            this.buf += '&';
            this.printValue(fromRaw(t.elem!, raw), verb, depth + 1);
            return;
          }
        }
        this.fmtPointer(v, t, verb);
        return;
      }
      case 'chan': case 'func': this.fmtPointer(v, t, verb); return;
      case 'interface': {
        // Values never carry interface kind except opaque host objects.
        this.buf += `?${t.name}?`;
        return;
      }
      default:
        this.buf += `?${t.name}?`;
    }
  }

  doPrintf(format: string, a: readonly Value[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    let reordered = false;
    let goodArgNum = true;
    // Go's argNumber: an explicit "[n]" index at i, one-based.
    const argNumber = (i: number): number => {
      afterIndex = false;
      if (i >= end || format[i] !== '[') return i;
      reordered = true;
      const r = parseArgNumber(format, i);
      if (r.ok && r.index >= 0 && r.index < a.length) {
        argNum = r.index;
        afterIndex = true;
        return i + r.wid;
      }
      goodArgNum = false;
      afterIndex = r.ok;
      return i + r.wid;
    };
    for (let i = 0; i < end;) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      clearFlags(this.f);
      let simple = false;
      for (; i < end; i++) {
        const c = format[i]!;
        if (c === '#') this.f.sharp = true;
        else if (c === '0') this.f.zero = !this.f.minus;
        else if (c === '+') this.f.plus = true;
        else if (c === '-') { this.f.minus = true; this.f.zero = false; }
        else if (c === ' ') this.f.space = true;
        else {
          if (c >= 'a' && c <= 'z' && argNum < a.length) {
            if (c === 'v') {
              this.f.sharpV = this.f.sharp; this.f.sharp = false;
              this.f.plusV = this.f.plus; this.f.plus = false;
            }
            this.printArg(a[argNum], c);
            argNum++;
            i++;
            simple = true;
          }
          break;
        }
      }
      if (simple) continue;
      i = argNumber(i);
      if (i < end && format[i] === '*') {
        i++;
        const r = intFromArg(a, argNum);
        argNum = r.next;
        this.wid = r.n;
        this.f.widPresent = r.ok;
        if (!r.ok) this.buf += '%!(BADWIDTH)';
        if (this.wid < 0) { this.wid = -this.wid; this.f.minus = true; this.f.zero = false; }
        afterIndex = false;
      } else {
        const r = parseNum(format, i, end);
        this.wid = r.n;
        this.f.widPresent = r.ok;
        i = r.next;
        if (afterIndex && this.f.widPresent) goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) goodArgNum = false;
        i = argNumber(i);
        if (i < end && format[i] === '*') {
          i++;
          const r = intFromArg(a, argNum);
          argNum = r.next;
          this.prec = r.n;
          this.f.precPresent = r.ok;
          if (this.prec < 0) { this.prec = 0; this.f.precPresent = false; }
          if (!r.ok) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          const r = parseNum(format, i, end);
          this.prec = r.n;
          this.f.precPresent = r.ok;
          i = r.next;
          if (!this.f.precPresent) { this.prec = 0; this.f.precPresent = true; }
        }
      }
      if (!afterIndex) i = argNumber(i);
      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const verb = String.fromCodePoint(format.codePointAt(i)!);
      i += verb.length;
      if (verb === '%') { this.buf += '%'; continue; }
      if (!goodArgNum) { this.buf += '%!' + verb + '(BADINDEX)'; continue; }
      if (argNum >= a.length) { this.buf += '%!' + verb + '(MISSING)'; continue; }
      if (verb === 'v') {
        this.f.sharpV = this.f.sharp; this.f.sharp = false;
        this.f.plusV = this.f.plus; this.f.plus = false;
      }
      this.printArg(a[argNum], verb);
      argNum++;
    }
    if (!reordered && argNum < a.length) {
      clearFlags(this.f);
      this.buf += '%!(EXTRA ';
      for (let k = argNum; k < a.length; k++) {
        if (k > argNum) this.buf += ', ';
        const arg = a[k];
        const t = typeOf(arg);
        if (t === null) this.buf += NIL_ANGLE;
        else {
          this.buf += t.name + '=';
          this.printArg(arg, 'v');
        }
      }
      this.buf += ')';
    }
  }

  doPrint(a: readonly Value[]): void {
    let prevString = false;
    a.forEach((arg, i) => {
      const t = typeOf(arg);
      const isString = t !== null && t.kind === 'string';
      if (i > 0 && !isString && !prevString) this.buf += ' ';
      clearFlags(this.f);
      this.printArg(arg, 'v');
      prevString = isString;
    });
  }

  doPrintln(a: readonly Value[]): void {
    a.forEach((arg, i) => {
      if (i > 0) this.buf += ' ';
      clearFlags(this.f);
      this.printArg(arg, 'v');
    });
    this.buf += '\n';
  }
}

function parseNum(s: string, start: number, end: number): { n: number; ok: boolean; next: number } {
  if (start >= end) return { n: 0, ok: false, next: end };
  let n = 0;
  let ok = false;
  let i = start;
  for (; i < end && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39; i++) {
    if (n > 1e6 || n < -1e6) return { n: 0, ok: false, next: end };
    n = n * 10 + (s.charCodeAt(i) - 0x30);
    ok = true;
  }
  return { n, ok, next: i };
}

function parseArgNumber(format: string, at: number): { index: number; wid: number; ok: boolean } {
  if (format.length - at < 3) return { index: 0, wid: 1, ok: false };
  for (let i = at + 1; i < format.length; i++) {
    if (format[i] === ']') {
      const r = parseNum(format, at + 1, i);
      if (!r.ok || r.next !== i) return { index: 0, wid: i - at + 1, ok: false };
      return { index: r.n - 1, wid: i - at + 1, ok: true };
    }
  }
  return { index: 0, wid: 1, ok: false };
}

function intFromArg(a: readonly Value[], argNum: number): { n: number; ok: boolean; next: number } {
  if (argNum >= a.length) return { n: 0, ok: false, next: argNum };
  const v = a[argNum];
  const t = typeOf(v);
  let n = 0;
  let ok = false;
  if (t !== null && (isIntKind(t.kind) || isUintKind(t.kind))) {
    const b = rawOf(v) as bigint;
    if (b >= -(2n ** 63n) && b < 2n ** 63n) {
      n = Number(b);
      ok = true;
    }
  }
  if (n > 1e6 || n < -1e6) return { n: 0, ok: false, next: argNum + 1 };
  return { n, ok, next: argNum + 1 };
}

export function sprint(args: readonly Value[]): string {
  const p = new Printer();
  p.doPrint(args);
  return p.buf;
}

export function sprintln(args: readonly Value[]): string {
  const p = new Printer();
  p.doPrintln(args);
  return p.buf;
}

export function sprintf(format: string, args: readonly Value[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}

/** `fmt.Sprint(v)` of one value with `%v`. */
export function formatValue(v: Value): string {
  const p = new Printer();
  p.printArg(v, 'v');
  return p.buf;
}
