/**
 * The group numbers of an aggregation's input series. With `by` labels, groups are found
 * through nested maps keyed by the label values themselves: no key string is built per
 * series (for `by (instance, handler)` over thousands of series, concatenating and hashing
 * the keys was most of the grouping's cost), and a value's hash is computed once per string.
 * An absent label's value is '' (present values are never empty), so the path of values
 * identifies the group exactly. `without` groupings go by their signature strings.
 */
import type { Labels } from '../../model/index.js';
import { groupingKey } from './labels-util.js';

interface Level {
  /** Next level by value (all levels but the last). */
  next: Map<string, Level> | null;
  /** Group number by value (last level). */
  groups: Map<string, number> | null;
}

export class GroupIndex {
  readonly #grouping: readonly string[];
  readonly #without: boolean;
  readonly #root: Level;
  readonly #byKey = new Map<string, number>();
  /** Groups numbered so far (0 to size - 1, in order of first appearance). */
  size = 0;
  /** Whether the last `groupOf` numbered a new group. */
  created = false;

  /** `grouping` must be sorted, as groupingKey wants it. */
  constructor(grouping: readonly string[], without: boolean) {
    this.#grouping = grouping;
    this.#without = without;
    this.#root = newLevel(grouping.length <= 1);
  }

  /** The group of a series' labels, numbering a new one (and setting `created`) on first sight. */
  groupOf(l: Labels): number {
    this.created = false;
    const names = this.#grouping;
    if (this.#without) return this.#numbered(this.#byKey, groupingKey(l, names, true));
    if (names.length === 0) return this.#numbered(this.#root.groups!, '');
    let level = this.#root;
    const last = names.length - 1;
    for (let i = 0; i < last; i++) {
      const v = l.get(names[i]!);
      let n = level.next!.get(v);
      if (n === undefined) {
        n = newLevel(i + 1 === last);
        level.next!.set(v, n);
      }
      level = n;
    }
    return this.#numbered(level.groups!, l.get(names[last]!));
  }

  #numbered(m: Map<string, number>, k: string): number {
    let g = m.get(k);
    if (g === undefined) {
      g = this.size++;
      m.set(k, g);
      this.created = true;
    }
    return g;
  }
}

function newLevel(last: boolean): Level {
  return last ? { next: null, groups: new Map() } : { next: new Map(), groups: null };
}
