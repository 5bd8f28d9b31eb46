/**
 * Go's fmt package over template values: `Sprint`, `Sprintln`, `Sprintf` with every verb,
 * flag, width, precision, argument index and the `%!verb(type=value)` error forms, plus the
 * `%v` rendering of composites (`[a b]`, `map[k:v]`, `{f1 f2}`) and Stringer/error methods.
 */
import { FmtBase, NIL_ANGLE, clearFlags } from './fmt-base.js';
import { sortedMapEntries, stringerText } from './fmt-sort.js';
import {
  type GoType, type Value, fromRaw, isComplexKind, isFloatKind, isIntKind, isUintKind, rawOf, typeOf,
} from './types.js';

export { compareKeys, sortedMapEntries, stringerText } from './fmt-sort.js';

export class Printer extends FmtBase {
  protected badVerb(verb: string, cur: { v: Value } | null): void {
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