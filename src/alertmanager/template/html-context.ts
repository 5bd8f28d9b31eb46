/**
 * html/template's contextual autoescaping, followed while the template runs (the engine's
 * `HTMLContextEscaper` hook): the literal text of the template moves an HTML tokenizer state
 * (text, tag, attribute name and value, URL part, comment, RCDATA, script and style), and
 * each action's value is escaped for the state it lands in, as html/template's rewritten
 * pipelines would: text → HTML-escaped; quoted attribute → attribute-escaped; URL attribute →
 * scheme-filtered (`#ZgotmplZ`) and normalised at its start, query-escaped after `?` or `#`;
 * `<title>`/`<textarea>` → RCDATA-escaped. HTML comments in the template text are dropped,
 * and a `<` in text that starts no tag is written as `&lt;`, as Go does.
 *
 * Known simplifications: script and style bodies and `on*`/`style` attributes are tracked
 * only to find their end; a value there is escaped as a JavaScript value (JSON-quoted) or
 * filtered as a CSS value, without Go's finer states (inside a JS string, CSS url(...)).
 * Go rejects templates whose branches end in different contexts; here each execution follows
 * the branch it takes.
 */
import { type HTMLContextEscaper, type Value, GoVal, formatValue, htmlTemplateEscape } from '../../template/index.js';

type State = 'text' | 'tag' | 'attrName' | 'afterName' | 'beforeValue' | 'htmlCmt' | 'rcdata' | 'attr' | 'url' | 'js' | 'css';
type Element = 'none' | 'script' | 'style' | 'textarea' | 'title';
type Attr = 'none' | 'script' | 'style' | 'url';
type Delim = 'none' | 'double' | 'single' | 'space';
type UrlPart = 'none' | 'preQuery' | 'queryOrFrag';

const ATTR_URL = new Set([
  'action', 'archive', 'background', 'cite', 'classid', 'codebase', 'data', 'formaction', 'href', 'icon', 'longdesc',
  'manifest', 'poster', 'profile', 'src', 'usemap', 'xmlns',
]);

/** html/template's attribute content types (the part that changes escaping here). */
function attrKind(name: string): Attr {
  let n = name;
  if (n.startsWith('data-')) n = n.slice(5);
  else if (n.includes(':')) {
    const [prefix, short] = [n.slice(0, n.indexOf(':')), n.slice(n.indexOf(':') + 1)];
    if (prefix === 'xmlns') return 'url';
    n = short;
  }
  if (ATTR_URL.has(n)) return 'url';
  if (n === 'style') return 'style';
  if (n.startsWith('on')) return 'script';
  if (n.includes('src') || n.includes('uri') || n.includes('url')) return 'url';
  return 'none';
}

const ELEMENT_STATE: Readonly<Record<Element, State>> = { none: 'text', script: 'js', style: 'css', textarea: 'rcdata', title: 'rcdata' };
const ATTR_STATE: Readonly<Record<Attr, State>> = { none: 'attr', script: 'js', style: 'css', url: 'url' };

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';
}

function eatSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s[i])) i++;
  return i;
}

function eatTagName(s: string, i: number): { j: number; el: Element } {
  let j = i;
  while (j < s.length && /[A-Za-z0-9:-]/.test(s[j]!)) j++;
  const name = s.slice(i, j).toLowerCase();
  const el: Element = name === 'script' || name === 'style' || name === 'textarea' || name === 'title' ? name : 'none';
  return { j, el };
}

function eatAttrName(s: string, i: number): number {
  let j = i;
  while (j < s.length && !isSpace(s[j]) && s[j] !== '=' && s[j] !== '>' && !(s[j] === '/' && j > i)) j++;
  return j;
}

/** Decodes the few entities literal attribute text uses (enough to find `?` and `#`). */
function unescapeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#34);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#34': '"' })[e] ?? '');
}

/** `</name` followed by a tag-end separator, case-insensitively; index of `<` or -1. */
function indexTagEnd(s: string, name: string): number {
  const re = new RegExp(`</${name}[> \\t\\n\\f/]`, 'i');
  const m = re.exec(s);
  return m === null ? -1 : m.index;
}

const CONTENT: Readonly<Record<string, string>> = {
  'template.HTML': 'html', 'template.URL': 'url', 'template.JS': 'js', 'template.CSS': 'css', 'template.HTMLAttr': 'attr',
};

function stringify(v: Value): { s: string; t: string } {
  if (v instanceof GoVal) {
    const t = CONTENT[v.type.name];
    if (t !== undefined) return { s: v.raw as string, t };
  }
  return { s: v === undefined || v === null ? '' : formatValue(v), t: 'plain' };
}

/** html/template's table without `&` (for values already HTML). */
function htmlNormEscape(s: string): string {
  return s.replace(/[\0"'+<>]/g, (c) => ({ '\0': '\ufffd', '"': '&#34;', "'": '&#39;', '+': '&#43;', '<': '&lt;', '>': '&gt;' })[c]!);
}

function nospaceEscape(s: string, html: boolean): string {
  if (s === '') return 'ZgotmplZ';
  const table: Record<string, string> = {
    '\0': '&#xfffd;', '\t': '&#9;', '\n': '&#10;', '\v': '&#11;', '\f': '&#12;', '\r': '&#13;', ' ': '&#32;', '"': '&#34;',
    '&': '&amp;', "'": '&#39;', '+': '&#43;', '<': '&lt;', '=': '&#61;', '>': '&gt;', '`': '&#96;',
  };
  return s.replace(/[\0\t\n\v\f\r "&'+<=>`]/g, (c) => (html && c === '&' ? c : table[c]!));
}

function stripTags(s: string): string {
  return s.replace(/<[^>]*>?/g, '');
}

/** Percent-encodes what may not stand in a URL; `norm` keeps reserved characters and `%`. */
function urlProcess(s: string, norm: boolean): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    const keep = /[A-Za-z0-9\-._~]/.test(c) || (norm && /[!#$&*+,/:;=?@[\]%]/.test(c));
    out += keep ? c : '%' + b.toString(16).padStart(2, '0');
  }
  return out;
}

/** Rejects URLs with a scheme other than http, https and mailto. */
function urlFilter(s: string, t: string): string {
  if (t === 'url') return s;
  const i = s.indexOf(':');
  if (i >= 0 && !s.slice(0, i).includes('/')) {
    const p = s.slice(0, i).toLowerCase();
    if (p !== 'http' && p !== 'https' && p !== 'mailto') return '#ZgotmplZ';
  }
  return s;
}

/** A JavaScript value: strings quoted with html/template's escapes; other values as JSON. */
function jsValue(v: Value, s: string, t: string): string {
  if (t === 'js') return s;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return ` ${String(v)} `;
  const q = JSON.stringify(s).replace(/[<>&'+\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  return q;
}

/** A CSS value: only plainly safe ones pass. */
function cssValue(s: string, t: string): string {
  if (t === 'css') return s;
  return /^[A-Za-z0-9#%.,\s-]*$/.test(s) && !/expression|mozbinding/i.test(s) ? s : 'ZgotmplZ';
}

class ContextEscaper implements HTMLContextEscaper {
  private state: State = 'text';
  private element: Element = 'none';
  private attr: Attr = 'none';
  private delim: Delim = 'none';
  private urlPart: UrlPart = 'none';

  text(s: string): string {
    let out = '';
    let i = 0;
    while (i < s.length) {
      const before = this.state;
      const n = this.step(s, i);
      const chunk = s.slice(i, i + n);
      if (before === 'htmlCmt') {
        // Comment text (and its `-->`) is dropped.
      } else if (this.state === 'htmlCmt') {
        out += chunk.slice(0, -4);
      } else if (before === 'text' || before === 'rcdata') {
        out += this.escapeStrayLt(chunk, this.state !== before);
      } else {
        out += chunk;
      }
      if (n === 0 && this.state === before) {
        out += s.slice(i);
        break;
      }
      i += n;
    }
    return out;
  }

  /** `<` that starts no tag, written as `&lt;` (a tag start stays when the state changed). */
  private escapeStrayLt(chunk: string, changed: boolean): string {
    let end = chunk.length;
    if (changed) {
      const j = chunk.lastIndexOf('<');
      if (j >= 0) end = j;
    }
    let out = '';
    for (let k = 0; k < end; k++) {
      const c = chunk[k]!;
      out += c === '<' && !chunk.slice(k, k + 9).toUpperCase().startsWith('<!DOCTYPE') ? '&lt;' : c;
    }
    return out + chunk.slice(end);
  }

  /** Consumes a prefix of s[i:] and moves the state; returns its length. */
  private step(s: string, i: number): number {
    const rest = s.slice(i);
    if (this.delim !== 'none') return this.inAttrValue(rest);
    if (this.element !== 'none' && (this.state === 'rcdata' || this.state === 'js' || this.state === 'css')) {
      const e = indexTagEnd(rest, this.element);
      if (e === 0) {
        this.element = 'none';
        this.state = 'text';
        return 0;
      }
      return e < 0 ? rest.length : e;
    }
    switch (this.state) {
      case 'text': return this.tText(rest);
      case 'tag': return this.tTag(rest);
      case 'attrName': {
        const j = eatAttrName(rest, 0);
        if (j !== rest.length) this.state = 'afterName';
        return j;
      }
      case 'afterName': {
        const j = eatSpace(rest, 0);
        if (j === rest.length) return j;
        if (rest[j] !== '=') {
          this.state = 'tag';
          return j;
        }
        this.state = 'beforeValue';
        return j + 1;
      }
      case 'beforeValue': {
        let j = eatSpace(rest, 0);
        if (j === rest.length) return j;
        this.delim = 'space';
        if (rest[j] === '"') { this.delim = 'double'; j++; } else if (rest[j] === "'") { this.delim = 'single'; j++; }
        this.state = ATTR_STATE[this.attr];
        this.urlPart = 'none';
        return j;
      }
      case 'htmlCmt': {
        const e = rest.indexOf('-->');
        if (e < 0) return rest.length;
        this.state = 'text';
        return e + 3;
      }
      default: return rest.length;
    }
  }

  private tText(s: string): number {
    let k = 0;
    for (;;) {
      const i = s.indexOf('<', k);
      if (i < 0 || i + 1 === s.length) return s.length;
      if (s.startsWith('<!--', i)) {
        this.state = 'htmlCmt';
        return i + 4;
      }
      let j = i + 1;
      let end = false;
      if (s[j] === '/') {
        if (j + 1 === s.length) return s.length;
        end = true;
        j++;
      }
      const t = eatTagName(s, j);
      if (t.j !== j) {
        this.state = 'tag';
        this.element = end ? 'none' : t.el;
        return t.j;
      }
      k = t.j + (t.j === j ? 1 : 0);
    }
  }

  private tTag(s: string): number {
    const i = eatSpace(s, 0);
    if (i === s.length) return s.length;
    if (s[i] === '>') {
      this.state = ELEMENT_STATE[this.element];
      return i + 1;
    }
    const j = eatAttrName(s, i);
    if (j === i) return s.length;
    this.attr = attrKind(s.slice(i, j).toLowerCase());
    this.state = j === s.length ? 'attrName' : 'afterName';
    return j;
  }

  private inAttrValue(s: string): number {
    const ends = this.delim === 'double' ? '"' : this.delim === 'single' ? "'" : null;
    let i = -1;
    if (ends !== null) i = s.indexOf(ends);
    else for (let k = 0; k < s.length; k++) if (isSpace(s[k]) || s[k] === '>') { i = k; break; }
    const value = i < 0 ? s : s.slice(0, i);
    if (this.state === 'url') this.tURL(unescapeEntities(value));
    if (i < 0) return s.length;
    this.state = 'tag';
    this.attr = 'none';
    const quoted = this.delim !== 'space';
    this.delim = 'none';
    return i + (quoted ? 1 : 0);
  }

  private tURL(s: string): void {
    if (/[#?]/.test(s)) this.urlPart = 'queryOrFrag';
    else if (eatSpace(s, 0) !== s.length && this.urlPart === 'none') this.urlPart = 'preQuery';
  }

  value(v: Value, lastFn: string | null): string {
    // html/template moves a value in a tag or before an attribute value into a context first.
    if (this.state === 'tag' || this.state === 'afterName') this.state = 'attrName';
    if (this.state === 'beforeValue') {
      this.state = ATTR_STATE[this.attr];
      this.delim = 'space';
      this.urlPart = 'none';
    }
    const { s, t } = stringify(v);
    let out: string;
    switch (this.state) {
      case 'text': out = lastFn === 'html' || t === 'html' ? s : htmlTemplateEscape(s); return out;
      case 'rcdata': return lastFn === 'html' ? s : t === 'html' ? htmlNormEscape(s) : htmlTemplateEscape(s);
      case 'attrName': case 'tag': return /^[A-Za-z0-9-]+$/.test(s) && !/^(on|style)/i.test(s) ? s.toLowerCase() : 'ZgotmplZ';
      case 'htmlCmt': return '';
      case 'url':
        if (this.urlPart === 'queryOrFrag') out = lastFn === 'urlquery' ? s : t === 'url' ? urlProcess(s, true) : urlProcess(s, false);
        else out = lastFn === 'urlquery' ? urlFilter(s, t) : urlProcess(urlFilter(s, t), true);
        break;
      case 'js': out = jsValue(v, s, t); break;
      case 'css': out = cssValue(s, t); break;
      case 'attr': out = s; break;
      default: out = s;
    }
    return this.attrEscape(out, t, lastFn);
  }

  /** The attribute-value escaping that follows the context's own. */
  private attrEscape(s: string, t: string, lastFn: string | null): string {
    if (this.delim === 'none') return s;
    if (this.delim === 'space') return nospaceEscape(s, t === 'html');
    if (lastFn === 'html' && this.state === 'attr') return s;
    return t === 'html' && this.state === 'attr' ? htmlNormEscape(stripTags(s)) : htmlTemplateEscape(s);
  }
}

/** A new escaper per execution (the `htmlContext` option of the template engine). */
export function newHTMLContextEscaper(): HTMLContextEscaper {
  return new ContextEscaper();
}
