/**
 * Alertmanager's label matcher (`pkg/labels.Matcher`): `=`, `!=`, `=~`, `!~` with regexes
 * anchored as `^(?:re)$` and, unlike Prometheus 3, `.` not matching a newline. Immutable.
 */
import { FastRegexMatcher, quoteGoString } from '../../model/index.js';
import type { LabelSet } from './label-set.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

const TYPE_ORDER: Readonly<Record<MatchType, number>> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

export class AMMatcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  readonly #re: FastRegexMatcher | null;

  /** Throws a RegexError (Go's wording) for an invalid regex. */
  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    this.#re = type === '=~' || type === '!~' ? compileAMRegex(value) : null;
  }

  matches(v: string): boolean {
    switch (this.type) {
      case '=': return v === this.value;
      case '!=': return v !== this.value;
      case '=~': return this.#re!.matches(v);
      case '!~': return !this.#re!.matches(v);
    }
  }

  get isRegex(): boolean {
    return this.type === '=~' || this.type === '!~';
  }

  get isEqual(): boolean {
    return this.type === '=' || this.type === '=~';
  }

  /** `name="value"`; names with reserved characters are quoted, as newer Alertmanagers print them. */
  toString(): string {
    if (/[\s{}!=~,\\"'`]/u.test(this.name)) return `${quoteGoString(this.name)}${this.type}${quoteGoString(this.value)}`;
    return `${this.name}${this.type}"${openMetricsEscape(this.value)}"`;
  }

  equals(o: AMMatcher): boolean {
    return this.type === o.type && this.name === o.name && this.value === o.value;
  }
}

function openMetricsEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * Compiles a matcher regex, anchored and without dot-matching-newline. Errors name the
 * expression as Go does (`^(?:re)$`).
 */
export function compileAMRegex(value: string): FastRegexMatcher {
  try {
    return new FastRegexMatcher(`(?-s:${value})`);
  } catch (e) {
    if (e instanceof Error) e.message = e.message.replace(/`[^`]*`$/, () => `\`^(?:${value})$\``);
    throw e;
  }
}

export function matchTypeFromFlags(isEqual: boolean, isRegex: boolean): MatchType {
  if (isRegex) return isEqual ? '=~' : '!~';
  return isEqual ? '=' : '!=';
}

/** Whether every matcher matches (an absent label has the value ''). */
export function matchesAll(ms: readonly AMMatcher[], ls: LabelSet): boolean {
  for (const m of ms) if (!m.matches(ls[m.name] ?? '')) return false;
  return true;
}

/** Alertmanager's matcher order: by name, then value, then type. */
export function compareMatchers(a: AMMatcher, b: AMMatcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
}

/** `{a="b",c=~"d"}`: the text form used in route keys. */
export function matchersString(ms: readonly AMMatcher[]): string {
  return '{' + ms.map((m) => m.toString()).join(',') + '}';
}
