/**
 * Replacement templates, expanded as Go's `regexp.Expand` does: `$1`, `${1}`, `$name`,
 * `${name}` insert a capture group, `$$` is a literal `$`. A reference names the longest run
 * of letters, digits and `_` after `$` (so `$1x` means the group named `1x`); a reference to
 * a group that does not exist or did not take part in the match inserts nothing; a `$` that
 * starts no valid reference is kept as text.
 */

/** A parsed template: literal text and group indexes (-1: a reference to no group). */
export interface Template {
  /** The whole expansion when the template references no group; else null. */
  readonly constant: string | null;
  readonly parts: readonly (string | number)[];
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** Parses `template` against a regex's named groups (name → index). */
export function parseTemplate(template: string, named: Readonly<Record<string, number>>): Template {
  if (!template.includes('$')) return { constant: template, parts: [template] };
  const parts: (string | number)[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) { text += template.slice(i); break; }
    text += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') { text += '$'; i++; continue; }
    const ref = extractRef(template, i);
    if (ref === null) { text += '$'; continue; }
    i = ref.end;
    if (text !== '') { parts.push(text); text = ''; }
    parts.push(resolve(ref.name, named));
  }
  if (text !== '') parts.push(text);
  const constant = parts.every((p) => typeof p === 'string') ? parts.join('') : null;
  return { constant, parts };
}

/** The reference starting at `i` (just after a `$`): its name and where it ends; null if malformed. */
function extractRef(t: string, i: number): { name: string; end: number } | null {
  const brace = t[i] === '{';
  let j = brace ? i + 1 : i;
  const start = j;
  while (j < t.length) {
    const cp = t.codePointAt(j)!;
    const ch = String.fromCodePoint(cp);
    if (!NAME_CHAR.test(ch)) break;
    j += ch.length;
  }
  if (j === start) return null;
  const name = t.slice(start, j);
  if (brace) {
    if (t[j] !== '}') return null;
    j++;
  }
  return { name, end: j };
}

/**
 * A group index for a reference name: a number (no leading zeros, below 1e8) or a group
 * name; -1 for neither. An index beyond the regex's groups expands to nothing.
 */
function resolve(name: string, named: Readonly<Record<string, number>>): number {
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 0x30 || c > 0x39 || num >= 1e8) { num = -1; break; }
    num = num * 10 + (c - 0x30);
  }
  if (name.length > 1 && name[0] === '0') num = -1;
  if (num >= 0) return num;
  const idx = Object.prototype.hasOwnProperty.call(named, name) ? named[name] : undefined;
  return idx ?? -1;
}

/** Expands a parsed template with the groups of one match (null entries: groups outside the match). */
export function expand(t: Template, groups: readonly (string | null)[]): string {
  if (t.constant !== null) return t.constant;
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') out += p;
    else if (p >= 0) out += groups[p] ?? '';
  }
  return out;
}
