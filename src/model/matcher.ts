import { FastRegexMatcher } from './regex.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** A label matcher, as in a PromQL selector `{name="value"}`. Immutable. */
export class Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  readonly #re: FastRegexMatcher | null;

  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    this.#re = type === '=~' || type === '!~' ? new FastRegexMatcher(value) : null;
  }

  /** Whether a label value matches (an absent label has the value ''). */
  matches(v: string): boolean {
    switch (this.type) {
      case '=': return v === this.value;
      case '!=': return v !== this.value;
      case '=~': return this.#re!.matches(v);
      case '!~': return !this.#re!.matches(v);
    }
  }

  /** True when the matcher matches the empty string (selects series lacking the label). */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  toString(): string {
    return `${this.name}${this.type}${JSON.stringify(this.value)}`;
  }
}
