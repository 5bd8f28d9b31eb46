/**
 * JSON as Go's encoding/json writes it, so that bodies are byte-identical to Alertmanager's:
 * object members in the order given (struct field order), Go maps (`Map`) with sorted keys,
 * `<`, `>` and `&` escaped as `\u003c` (the encoder's HTML-safe default), U+2028/U+2029
 * escaped, invalid UTF-16 replaced by U+FFFD; `Encoder.Encode` adds a newline. `undefined`
 * members are left out (the `omitempty` fields the caller decided to drop).
 */

export type GoJSON =
  | string | number | boolean | null
  | readonly GoJSON[]
  | ReadonlyMap<string, GoJSON>
  | { readonly [k: string]: GoJSON | undefined };

const HEX = '0123456789abcdef';

/** A Go JSON string literal. */
export function goJSONString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      switch (c) {
        case 0x22: esc = '\\"'; break;
        case 0x5c: esc = '\\\\'; break;
        case 0x0a: esc = '\\n'; break;
        case 0x0d: esc = '\\r'; break;
        case 0x09: esc = '\\t'; break;
        default: esc = '\\u' + HEX[(c >> 12) & 15]! + HEX[(c >> 8) & 15]! + HEX[(c >> 4) & 15]! + HEX[c & 15]!;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
      if (pair) {
        i++;
        continue;
      }
      esc = '\ufffd';
    }
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

function isMap(v: object): v is ReadonlyMap<string, GoJSON> {
  return v instanceof Map;
}

/** Go's encoding of `v` (no trailing newline). Numbers must be finite. */
export function goJSON(v: GoJSON): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string': return goJSONString(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${String(v)}`);
      return String(v);
    default: break;
  }
  if (Array.isArray(v)) {
    const arr = v as readonly GoJSON[];
    let out = '[';
    for (let i = 0; i < arr.length; i++) out += (i > 0 ? ',' : '') + goJSON(arr[i]!);
    return out + ']';
  }
  if (isMap(v)) {
    const m = v;
    const keys = [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let out = '{';
    for (let i = 0; i < keys.length; i++) out += (i > 0 ? ',' : '') + goJSONString(keys[i]!) + ':' + goJSON(m.get(keys[i]!)!);
    return out + '}';
  }
  const o = v as { readonly [k: string]: GoJSON | undefined };
  let out = '{';
  let first = true;
  for (const k of Object.keys(o)) {
    const x = o[k];
    if (x === undefined) continue;
    out += (first ? '' : ',') + goJSONString(k) + ':' + goJSON(x);
    first = false;
  }
  return out + '}';
}

/** `json.NewEncoder(w).Encode(v)`: the encoding and a newline. */
export function goJSONEncode(v: GoJSON): string {
  return goJSON(v) + '\n';
}

/** A string map as a Go `map[string]string` (sorted keys when encoded). */
export function goMap(rec: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(rec));
}

/**
 * Go's time.Time JSON form (RFC 3339 with nanoseconds, trailing zeros dropped) of a Unix ms
 * time in UTC; 0 is Go's zero time.
 */
export function goTimeJSON(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return iso.slice(0, 19) + (frac === '' ? '' : '.' + frac) + 'Z';
}
