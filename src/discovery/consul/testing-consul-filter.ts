/**
 * Test support: a small subset of Consul's filter expression language, enough for the fake
 * agent to honour the `filter` parameter the way Consul does for common expressions:
 *
 *   <selector> == "v" | <selector> != "v" | <selector> contains "v" | "v" in <selector>
 *   | <selector> is empty | <selector> is not empty | not <expr> | <expr> and <expr>
 *   | <expr> or <expr> | ( <expr> )
 *
 * Selectors are dotted paths into the filtered object (`ServiceTags`, `Service.Meta.env`,
 * `NodeMeta.rack`). An unknown selector is an error, as Consul rejects it. Not part of the
 * component's API.
 */

type Tok = { t: 'str'; v: string } | { t: 'word'; v: string } | { t: 'op'; v: '==' | '!=' | '(' | ')' };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"' || c === '`') {
      let j = i + 1, v = '';
      while (j < s.length && s[j] !== c) {
        if (s[j] === '\\' && c === '"' && j + 1 < s.length) { v += s.charAt(j + 1); j += 2; continue; }
        v += s.charAt(j++);
      }
      if (j >= s.length) throw new Error('unterminated string');
      out.push({ t: 'str', v });
      i = j + 1;
    } else if (s.startsWith('==', i) || s.startsWith('!=', i)) {
      out.push({ t: 'op', v: s.slice(i, i + 2) as '==' | '!=' });
      i += 2;
    } else if (c === '(' || c === ')') {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      let j = i;
      while (j < s.length && /[A-Za-z0-9_.\-/]/.test(s[j]!)) j++;
      if (j === i) throw new Error(`unexpected character ${JSON.stringify(c)}`);
      out.push({ t: 'word', v: s.slice(i, j) });
      i = j;
    }
  }
  return out;
}

export type FilterFn = (obj: unknown) => boolean;

/** Compiles an expression; `fields` lists the top-level selectors the endpoint knows. */
export function compileFilter(expr: string, fields: readonly string[]): FilterFn {
  const toks = tokenize(expr);
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const word = (w: string): boolean => { const t = peek(); if (t?.t === 'word' && t.v.toLowerCase() === w) { p++; return true; } return false; };
  const need = (): Tok => { const t = toks[p++]; if (t === undefined) throw new Error('unexpected end of expression'); return t; };

  const selector = (path: string): ((o: unknown) => unknown) => {
    const parts = path.split('.');
    if (!fields.includes(parts[0]!)) throw new Error(`Selector "${path}" is not valid`);
    return (o) => {
      let cur: unknown = o;
      for (const part of parts) {
        if (cur === null || typeof cur !== 'object') return undefined;
        cur = (cur as Record<string, unknown>)[part];
      }
      return cur;
    };
  };
  const asString = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
  const contains = (v: unknown, x: string): boolean => {
    if (Array.isArray(v)) return v.some((e) => asString(e) === x);
    if (v !== null && typeof v === 'object') return Object.prototype.hasOwnProperty.call(v, x);
    return typeof v === 'string' && v.includes(x);
  };
  const isEmpty = (v: unknown): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v).length === 0);

  const primary = (): FilterFn => {
    if (word('not')) { const f = primary(); return (o) => !f(o); }
    const t = need();
    if (t.t === 'op' && t.v === '(') {
      const f = orExpr();
      const c = need();
      if (c.t !== 'op' || c.v !== ')') throw new Error('expected )');
      return f;
    }
    if (t.t === 'str') {
      const negate = word('not');
      if (!word('in')) throw new Error('expected in');
      const s = need();
      if (s.t !== 'word') throw new Error('expected a selector');
      const get = selector(s.v);
      return (o) => contains(get(o), t.v) !== negate;
    }
    if (t.t !== 'word') throw new Error('expected a selector');
    const get = selector(t.v);
    if (word('is')) {
      const negate = word('not');
      if (!word('empty')) throw new Error('expected empty');
      return (o) => isEmpty(get(o)) !== negate;
    }
    const negate = word('not');
    if (word('contains')) {
      const v = need();
      if (v.t !== 'str') throw new Error('expected a string');
      return (o) => contains(get(o), v.v) !== negate;
    }
    const op = need();
    const v = need();
    if (op.t !== 'op' || (op.v !== '==' && op.v !== '!=') || (v.t !== 'str' && v.t !== 'word')) throw new Error('expected == or != and a value');
    return op.v === '==' ? (o) => asString(get(o)) === v.v : (o) => asString(get(o)) !== v.v;
  };
  const andExpr = (): FilterFn => {
    let f = primary();
    while (word('and')) { const l = f, r = primary(); f = (o) => l(o) && r(o); }
    return f;
  };
  const orExpr = (): FilterFn => {
    let f = andExpr();
    while (word('or')) { const l = f, r = andExpr(); f = (o) => l(o) || r(o); }
    return f;
  };
  const f = orExpr();
  if (p !== toks.length) throw new Error('unexpected trailing input');
  return f;
}
