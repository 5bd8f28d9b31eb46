/**
 * Label sets, as Prometheus models them: a set of (name, value) pairs sorted by name,
 * with unique names. The metric name is the label `__name__`.
 *
 * Representation: one flat, immutable array `[n0, v0, n1, v1, ...]` sorted by name. It is
 * compact, iterates without allocation, and its `key()` (computed once, cached) serves as
 * a map key for series identity.
 */

export const METRIC_NAME = '__name__';
/** The metric type and unit as labels (`type-and-unit-labels`), part of a metric's identity with its name. */
export const TYPE_LABEL = '__type__';
export const UNIT_LABEL = '__unit__';
/** Labels starting with this prefix are reserved for internal use and dropped after relabeling. */
export const RESERVED_LABEL_PREFIX = '__';
/** Separator used in keys: a byte that cannot occur in valid UTF-8 text. */
const SEP = '\xff';

export class Labels {
  static readonly EMPTY = new Labels([]);

  readonly #a: readonly string[];
  #key: string | undefined;
  /** What `withoutMetadata` returned, kept with the set (a head series' labels give one object for every query). */
  #noMeta: Labels | undefined;

  private constructor(a: readonly string[]) {
    this.#a = a;
  }

  /** Builds from an array already sorted by name with unique names. The array is owned by the result. */
  static fromSortedArray(a: string[]): Labels {
    return a.length === 0 ? Labels.EMPTY : new Labels(a);
  }

  /**
   * Builds from a flat `[n0, v0, ...]` array in any order. The array is owned (and sorted in
   * place). On duplicate names the last one wins; use `findDuplicate` first where a
   * duplicate is an error.
   */
  static fromUnsortedArray(a: string[]): Labels {
    if (a.length <= 2) return Labels.fromSortedArray(a);
    let sorted = true;
    for (let i = 2; i < a.length; i += 2) {
      if (a[i - 2]! >= a[i]!) { sorted = false; break; }
    }
    if (sorted) return new Labels(a);
    const n = a.length / 2;
    const idx: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((x, y) => {
      const nx = a[2 * x]!, ny = a[2 * y]!;
      return nx < ny ? -1 : nx > ny ? 1 : x - y;
    });
    const out: string[] = [];
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      const name = a[2 * i]!;
      if (out.length > 0 && out[out.length - 2] === name) {
        out[out.length - 1] = a[2 * i + 1]!;
      } else {
        out.push(name, a[2 * i + 1]!);
      }
    }
    return new Labels(out);
  }

  /** `Labels.fromStrings('a', '1', 'b', '2')`. */
  static fromStrings(...nv: string[]): Labels {
    if (nv.length % 2 !== 0) throw new Error('labels: odd number of strings');
    return Labels.fromUnsortedArray(nv.slice());
  }

  static fromObject(o: Readonly<Record<string, string>>): Labels {
    const a: string[] = [];
    for (const [k, v] of Object.entries(o)) a.push(k, v);
    return Labels.fromUnsortedArray(a);
  }

  static fromMap(m: ReadonlyMap<string, string>): Labels {
    const a: string[] = [];
    for (const [k, v] of m) a.push(k, v);
    return Labels.fromUnsortedArray(a);
  }

  /** Number of label pairs. */
  get length(): number {
    return this.#a.length >> 1;
  }

  isEmpty(): boolean {
    return this.#a.length === 0;
  }

  nameAt(i: number): string {
    return this.#a[2 * i]!;
  }

  valueAt(i: number): string {
    return this.#a[2 * i + 1]!;
  }

  /** The value of `name`, or '' when absent (as in Prometheus, an empty value means absent). */
  get(name: string): string {
    const a = this.#a;
    if (a.length <= 16) {
      for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1]!;
      return '';
    }
    let lo = 0, hi = (a.length >> 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const n = a[2 * mid]!;
      if (n === name) return a[2 * mid + 1]!;
      if (n < name) lo = mid + 1; else hi = mid - 1;
    }
    return '';
  }

  has(name: string): boolean {
    const a = this.#a;
    for (let i = 0; i < a.length; i += 2) if (a[i] === name) return true;
    return false;
  }

  metricName(): string {
    return this.get(METRIC_NAME);
  }

  forEach(fn: (name: string, value: string) => void): void {
    const a = this.#a;
    for (let i = 0; i < a.length; i += 2) fn(a[i]!, a[i + 1]!);
  }

  /** Returns true as soon as `fn` does. */
  some(fn: (name: string, value: string) => boolean): boolean {
    const a = this.#a;
    for (let i = 0; i < a.length; i += 2) if (fn(a[i]!, a[i + 1]!)) return true;
    return false;
  }

  /** A copy of the flat sorted array; the caller may keep and change it. */
  toArray(): string[] {
    return this.#a.slice();
  }

  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    const a = this.#a;
    for (let i = 0; i < a.length; i += 2) o[a[i]!] = a[i + 1]!;
    return o;
  }

  /** A string that is equal for equal label sets and different otherwise. Cached. */
  key(): string {
    if (this.#key === undefined) this.#key = this.#a.join(SEP);
    return this.#key;
  }

  equals(o: Labels): boolean {
    if (this === o) return true;
    const a = this.#a, b = o.#a;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** The first name that occurs twice (only possible in a set built from sorted input by a caller), or ''. */
  findDuplicateName(): string {
    const a = this.#a;
    for (let i = 2; i < a.length; i += 2) if (a[i] === a[i - 2]) return a[i]!;
    return '';
  }

  /** Labels without the named ones. */
  without(...names: string[]): Labels {
    const a = this.#a;
    const out: string[] = [];
    for (let i = 0; i < a.length; i += 2) if (!names.includes(a[i]!)) out.push(a[i]!, a[i + 1]!);
    return out.length === a.length ? this : Labels.fromSortedArray(out);
  }

  /**
   * Labels without `__name__`, `__type__` and `__unit__` (Prometheus's
   * `DropReserved(IsMetadataLabel)`), computed once per label set.
   */
  withoutMetadata(): Labels {
    const have = this.#noMeta;
    if (have !== undefined) return have;
    const a = this.#a;
    let out: string[] | null = null;
    for (let i = 0; i < a.length; i += 2) {
      const n = a[i]!;
      if (n === METRIC_NAME || n === TYPE_LABEL || n === UNIT_LABEL) out ??= a.slice(0, i);
      else if (out !== null) out.push(n, a[i + 1]!);
    }
    const r = out === null ? this : Labels.fromSortedArray(out);
    this.#noMeta = r;
    r.#noMeta = r;
    return r;
  }

  /** Labels without `__name__`. */
  withoutMetricName(): Labels {
    return this.has(METRIC_NAME) ? this.without(METRIC_NAME) : this;
  }

  /**
   * Prometheus's text form: `{__name__="up", job="x"}` with values quoted and escaped.
   * Names that are not legacy-valid are quoted too, as Prometheus 3 prints them.
   */
  toString(): string {
    const a = this.#a;
    let s = '{';
    for (let i = 0; i < a.length; i += 2) {
      if (i > 0) s += ', ';
      const n = a[i]!;
      s += isLegacyLabelName(n) ? n : JSON.stringify(n);
      s += '=' + quoteGoString(a[i + 1]!);
    }
    return s + '}';
  }

  /** Orders label sets as Prometheus's `labels.Compare` does: pairwise by name, then value, then length. */
  static compare(x: Labels, y: Labels): number {
    const a = x.#a, b = y.#a;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i += 2) {
      if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
      if (a[i + 1] !== b[i + 1]) return a[i + 1]! < b[i + 1]! ? -1 : 1;
    }
    return a.length - b.length;
  }
}

/**
 * Builds a label set from a base by setting and deleting labels. Setting a label to the empty
 * string deletes it, as in Prometheus. Reusable: `reset` starts over from a new base.
 */
export class LabelsBuilder {
  #base: Labels;
  #set = new Map<string, string>();
  #del = new Set<string>();

  constructor(base: Labels = Labels.EMPTY) {
    this.#base = base;
  }

  reset(base: Labels): this {
    this.#base = base;
    this.#set.clear();
    this.#del.clear();
    return this;
  }

  get(name: string): string {
    if (this.#del.has(name)) return '';
    const v = this.#set.get(name);
    return v !== undefined ? v : this.#base.get(name);
  }

  set(name: string, value: string): this {
    if (value === '') return this.del(name);
    this.#set.set(name, value);
    this.#del.delete(name);
    return this;
  }

  del(...names: string[]): this {
    for (const n of names) {
      this.#set.delete(n);
      this.#del.add(n);
    }
    return this;
  }

  /** Calls fn for every label of the result, in no particular order. */
  forEach(fn: (name: string, value: string) => void): void {
    this.#base.forEach((n, v) => {
      if (!this.#del.has(n) && !this.#set.has(n)) fn(n, v);
    });
    for (const [n, v] of this.#set) fn(n, v);
  }

  /** Keeps only the labels for which `keep` returns true. */
  keepIf(keep: (name: string, value: string) => boolean): this {
    const drop: string[] = [];
    this.forEach((n, v) => { if (!keep(n, v)) drop.push(n); });
    return this.del(...drop);
  }

  labels(): Labels {
    if (this.#set.size === 0 && this.#del.size === 0) return this.#base;
    const a: string[] = [];
    this.forEach((n, v) => { a.push(n, v); });
    return Labels.fromUnsortedArray(a);
  }
}

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** `[a-zA-Z_][a-zA-Z0-9_]*`: a label name that needs no quoting. */
export function isLegacyLabelName(s: string): boolean {
  return LEGACY_NAME.test(s);
}

/** `[a-zA-Z_:][a-zA-Z0-9_:]*`: a metric name that needs no quoting. */
export function isLegacyMetricName(s: string): boolean {
  return LEGACY_METRIC_NAME.test(s);
}

/**
 * Valid label name under Prometheus 3's default (UTF-8) validation: any non-empty valid
 * UTF-8 string. JS strings from our decoders are valid UTF-16; lone surrogates mark bytes
 * that were not valid UTF-8.
 */
export function isValidLabelName(s: string): boolean {
  return s.length > 0 && isWellFormedUTF16(s);
}

export function isWellFormedUTF16(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return false;
    const d = s.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** Quotes like Go's `strconv.Quote` for the printable ASCII and common escapes. */
export function quoteGoString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0b: out += '\\v'; break;
      default:
        if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
        else out += s.charAt(i);
    }
  }
  return out + '"';
}
