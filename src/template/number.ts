/**
 * Number constants in templates, typed as Go's parser types them: a literal can be at once an
 * int, a uint and a float (`1`), only a float (`1.5`, `1e100`), a rune (`'a'`), or complex.
 */
import { parseFloat64, parseInt64, quote, unquoteChar } from './strconv.js';

export interface NumberFacts {
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  complex: { re: number; im: number };
}

const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

function blank(): NumberFacts {
  return { isInt: false, isUint: false, isFloat: false, isComplex: false, int64: 0n, uint64: 0n, float64: 0, complex: { re: 0, im: 0 } };
}

function simplifyComplex(n: NumberFacts): void {
  n.isFloat = n.complex.im === 0;
  if (n.isFloat) {
    const f = n.complex.re;
    n.float64 = f;
    n.isInt = Number.isInteger(f) && f >= -TWO63 && f < TWO63;
    if (n.isInt) n.int64 = BigInt(f);
    n.isUint = Number.isInteger(f) && f >= 0 && f < TWO64;
    if (n.isUint) n.uint64 = BigInt(f);
  }
}

/** Parses the text of a number token; throws an Error carrying Go's message on failure. */
export function parseNumber(text: string, kind: 'char' | 'complex' | 'number'): NumberFacts {
  const n = blank();
  if (kind === 'char') {
    const r = unquoteChar(text.slice(1), text.charAt(0));
    if (r.rest !== "'") throw new Error(`malformed character constant: ${text}`);
    n.int64 = BigInt(r.cp);
    n.isInt = true;
    n.uint64 = BigInt(r.cp);
    n.isUint = true;
    n.float64 = r.cp;
    n.isFloat = true;
    return n;
  }
  if (kind === 'complex') {
    const c = parseComplex(text);
    if (c === null) throw new Error(`expected integer`);
    n.complex = c;
    n.isComplex = true;
    simplifyComplex(n);
    return n;
  }
  if (text.endsWith('i')) {
    const f = parseFloat64(text.slice(0, -1));
    if (f.ok) {
      n.isComplex = true;
      n.complex = { re: 0, im: f.v };
      simplifyComplex(n);
      return n;
    }
  }
  const u = parseInt64(text, true);
  if (u.ok) {
    n.isUint = true;
    n.uint64 = u.v;
  }
  const i = parseInt64(text, false);
  if (i.ok) {
    n.isInt = true;
    n.int64 = i.v;
    if (i.v === 0n) {
      n.isUint = true;
      n.uint64 = u.ok ? u.v : 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseFloat64(text);
    if (f.ok) {
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${quote(text)}`);
      n.isFloat = true;
      n.float64 = f.v;
      if (Number.isInteger(f.v) && f.v >= -TWO63 && f.v < TWO63) {
        n.isInt = true;
        n.int64 = BigInt(f.v);
      }
      if (Number.isInteger(f.v) && f.v >= 0 && f.v < TWO64) {
        n.isUint = true;
        n.uint64 = BigInt(f.v);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${quote(text)}`);
  return n;
}

/** `a+bi` / `a-bi` as the lexer delivers complex tokens. */
function parseComplex(text: string): { re: number; im: number } | null {
  if (!text.endsWith('i')) return null;
  const body = text.slice(0, -1);
  // The split point is the last sign that does not follow an exponent marker.
  for (let k = body.length - 1; k > 0; k--) {
    const c = body[k];
    if ((c === '+' || c === '-') && !/[eEpP]/.test(body[k - 1]!)) {
      const re = parseFloat64(body.slice(0, k));
      const im = parseFloat64(body.slice(k));
      if (!re.ok || !im.ok) return null;
      return { re: re.v, im: im.v };
    }
  }
  return null;
}
