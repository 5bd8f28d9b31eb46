/**
 * A small, strict XML reader for the discovery mechanisms whose APIs answer in XML (EC2's
 * Query API, Eureka). It builds a tree of elements; each element keeps its local name
 * (namespace prefixes dropped, as Go's decoder matches struct fields by local name), its
 * attributes (namespace declarations left out), the concatenation of its own character data (entity references and CDATA
 * decoded; text inside child elements excluded), and the offsets of its raw inner XML, which
 * Eureka's metadata labels carry verbatim.
 *
 * Malformed documents are rejected with an error in Go's words
 * (`XML syntax error on line N: ...`), since a half-read listing must not become targets.
 * Comments, processing instructions and the DOCTYPE are skipped; external entities are never
 * resolved.
 */

export interface XMLElement {
  /** Local name (the part after a `prefix:`). */
  readonly name: string;
  /** Attributes by local name. */
  readonly attrs: Record<string, string>;
  readonly children: XMLElement[];
  /** The element's own character data, decoded, in document order. */
  text: string;
  /** Offsets of the raw content between the start and end tags in the source string. */
  innerStart: number;
  innerEnd: number;
}

export class XMLSyntaxError extends Error {
  constructor(readonly line: number, msg: string) {
    super(`XML syntax error on line ${line}: ${msg}`);
    this.name = 'XMLSyntaxError';
  }
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c > 0x7f;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

/** Parses a whole document and returns its root element. */
export function parseXML(src: string): XMLElement {
  return new Reader(src).document();
}

/** The first child named `name`, if any. */
export function child(e: XMLElement | undefined, name: string): XMLElement | undefined {
  if (e === undefined) return undefined;
  for (const c of e.children) if (c.name === name) return c;
  return undefined;
}

/** Every child named `name`, in document order. */
export function children(e: XMLElement | undefined, name: string): XMLElement[] {
  const out: XMLElement[] = [];
  if (e === undefined) return out;
  for (const c of e.children) if (c.name === name) out.push(c);
  return out;
}

/** The character data of the first child named `name`, or undefined when there is no such child. */
export function childText(e: XMLElement | undefined, name: string): string | undefined {
  return child(e, name)?.text;
}

/** The raw inner XML of an element, as written in the source. */
export function innerXML(src: string, e: XMLElement): string {
  return src.slice(e.innerStart, e.innerEnd);
}

class Reader {
  readonly #s: string;
  #i = 0;

  constructor(s: string) {
    // A byte order mark may precede the document.
    this.#s = s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  }

  #line(at = this.#i): number {
    let n = 1;
    for (let k = 0; k < at && k < this.#s.length; k++) if (this.#s.charCodeAt(k) === 0x0a) n++;
    return n;
  }

  #fail(msg: string, at = this.#i): never {
    throw new XMLSyntaxError(this.#line(at), msg);
  }

  document(): XMLElement {
    let root: XMLElement | undefined;
    for (;;) {
      this.#skipSpace();
      if (this.#i >= this.#s.length) break;
      if (this.#s.charCodeAt(this.#i) !== 0x3c) {
        if (root === undefined) this.#fail('unexpected character data before the root element');
        this.#fail('unexpected character data after the root element');
      }
      if (this.#s.startsWith('<?', this.#i)) { this.#skipUntil('?>', 'unexpected EOF in processing instruction'); continue; }
      if (this.#s.startsWith('<!--', this.#i)) { this.#skipComment(); continue; }
      if (this.#s.startsWith('<!DOCTYPE', this.#i)) { this.#skipDoctype(); continue; }
      if (root !== undefined) this.#fail('unexpected second root element');
      root = this.#element();
    }
    if (root === undefined) this.#fail('unexpected EOF');
    return root;
  }

  #skipSpace(): void {
    while (this.#i < this.#s.length && isSpace(this.#s.charCodeAt(this.#i))) this.#i++;
  }

  #skipUntil(end: string, msg: string): void {
    const j = this.#s.indexOf(end, this.#i);
    if (j < 0) this.#fail(msg, this.#s.length);
    this.#i = j + end.length;
  }

  #skipComment(): void {
    this.#i += 4;
    this.#skipUntil('-->', 'unexpected EOF in comment');
  }

  #skipDoctype(): void {
    // Skips a DOCTYPE, including an internal subset in brackets; its declarations are not used.
    let depth = 0;
    for (let j = this.#i + 2; j < this.#s.length; j++) {
      const c = this.#s[j];
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) { this.#i = j + 1; return; }
    }
    this.#fail('unexpected EOF in DOCTYPE', this.#s.length);
  }

  #name(): string {
    const start = this.#i;
    if (start >= this.#s.length || !isNameStart(this.#s.charCodeAt(start))) this.#fail('expected element name');
    let j = start + 1;
    while (j < this.#s.length && isNameChar(this.#s.charCodeAt(j))) j++;
    this.#i = j;
    return this.#s.slice(start, j);
  }

  /** Reads an element starting at `<`; returns after its end tag. */
  #element(): XMLElement {
    this.#i++; // '<'
    const qname = this.#name();
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = this.#i;
      this.#skipSpace();
      if (this.#i >= this.#s.length) this.#fail('unexpected EOF');
      const c = this.#s.charCodeAt(this.#i);
      if (c === 0x2f) { // '/>'
        if (this.#s.charCodeAt(this.#i + 1) !== 0x3e) this.#fail(`expected /> in element`);
        this.#i += 2;
        return { name: localName(qname), attrs, children: [], text: '', innerStart: this.#i, innerEnd: this.#i };
      }
      if (c === 0x3e) { this.#i++; break; }
      if (this.#i === before) this.#fail('expected attribute name in element');
      const an = this.#name();
      this.#skipSpace();
      if (this.#s.charCodeAt(this.#i) !== 0x3d) this.#fail('attribute name without = in element');
      this.#i++;
      this.#skipSpace();
      const q = this.#s.charCodeAt(this.#i);
      if (q !== 0x22 && q !== 0x27) this.#fail('unquoted or missing attribute value in element');
      const end = this.#s.indexOf(q === 0x22 ? '"' : "'", this.#i + 1);
      if (end < 0) this.#fail('unexpected EOF', this.#s.length);
      const raw = this.#s.slice(this.#i + 1, end);
      if (raw.includes('<')) this.#fail('unescaped < inside quoted string');
      const value = this.#decode(raw, this.#i + 1);
      // Namespace declarations are not attributes of the document's data.
      if (an !== 'xmlns' && !an.startsWith('xmlns:')) attrs[localName(an)] = value;
      this.#i = end + 1;
    }
    const el: XMLElement = { name: localName(qname), attrs, children: [], text: '', innerStart: this.#i, innerEnd: this.#i };
    let text = '';
    for (;;) {
      const lt = this.#s.indexOf('<', this.#i);
      if (lt < 0) this.#fail('unexpected EOF', this.#s.length);
      if (lt > this.#i) text += this.#decode(this.#s.slice(this.#i, lt), this.#i);
      this.#i = lt;
      if (this.#s.startsWith('</', lt)) {
        el.innerEnd = lt;
        this.#i = lt + 2;
        const closing = this.#name();
        if (closing !== qname) this.#fail(`element <${qname}> closed by </${closing}>`);
        this.#skipSpace();
        if (this.#s.charCodeAt(this.#i) !== 0x3e) this.#fail(`invalid characters between </${closing} and >`);
        this.#i++;
        el.text = text;
        return el;
      }
      if (this.#s.startsWith('<!--', lt)) { this.#skipComment(); continue; }
      if (this.#s.startsWith('<![CDATA[', lt)) {
        const end = this.#s.indexOf(']]>', lt + 9);
        if (end < 0) this.#fail('unexpected EOF in CDATA section', this.#s.length);
        text += this.#s.slice(lt + 9, end);
        this.#i = end + 3;
        continue;
      }
      if (this.#s.startsWith('<?', lt)) { this.#skipUntil('?>', 'unexpected EOF in processing instruction'); continue; }
      if (this.#s.startsWith('<!', lt)) this.#fail('unexpected <! in element content');
      el.children.push(this.#element());
    }
  }

  /** Decodes entity and character references in character data or an attribute value. */
  #decode(raw: string, at: number): string {
    if (!raw.includes('&')) return raw;
    let out = '';
    let i = 0;
    for (;;) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) return out + raw.slice(i);
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      if (semi < 0) this.#fail('invalid character entity &' + raw.slice(amp + 1, amp + 10) + ' (no semicolon)', at + amp);
      const ref = raw.slice(amp + 1, semi);
      if (ref.startsWith('#')) {
        const hex = ref[1] === 'x';
        const digits = ref.slice(hex ? 2 : 1);
        const cp = digits !== '' && (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits) ? parseInt(digits, hex ? 16 : 10) : NaN;
        if (!Number.isFinite(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0) this.#fail(`invalid character entity &${ref};`, at + amp);
        out += String.fromCodePoint(cp);
      } else {
        const v = NAMED_ENTITIES[ref];
        if (v === undefined) this.#fail(`invalid character entity &${ref};`, at + amp);
        out += v;
      }
      i = semi + 1;
    }
  }
}

/** Escapes text for use in XML character data or a double-quoted attribute value. */
export function escapeXML(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&${c === '<' ? 'lt' : c === '>' ? 'gt' : c === '&' ? 'amp' : c === '"' ? 'quot' : 'apos'};`);
}
