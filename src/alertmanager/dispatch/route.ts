/**
 * The routing tree: each node's options inherited from its parent where not set, matchers
 * from `match`, `match_re` and `matchers` sorted, and Alertmanager's matching rule — the
 * deepest matching nodes win, siblings after a match only when it has `continue: true`.
 */
import { compareMatchers, matchersString, matchesAll, type AMMatcher, type LabelSet } from '../labels/index.js';
import { fromMaps } from '../inhibit/index.js';
import type { RouteConfig } from '../config/index.js';

export interface RouteOpts {
  receiver: string;
  groupBy: ReadonlySet<string>;
  groupByAll: boolean;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  muteTimeIntervals: readonly string[];
  activeTimeIntervals: readonly string[];
}

export const DEFAULT_ROUTE_OPTS: RouteOpts = {
  receiver: '',
  groupBy: new Set(),
  groupByAll: false,
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3600_000,
  muteTimeIntervals: [],
  activeTimeIntervals: [],
};

export class Route {
  readonly parent: Route | null;
  readonly opts: RouteOpts;
  readonly matchers: AMMatcher[];
  readonly continue: boolean;
  readonly routes: Route[];
  readonly #key: string;
  #id = '';

  constructor(c: RouteConfig, parent: Route | null) {
    this.parent = parent;
    const p = parent?.opts ?? DEFAULT_ROUTE_OPTS;
    let groupBy = p.groupBy;
    let groupByAll = p.groupByAll;
    // As in Alertmanager: listed names replace the parent's grouping; `...` alone turns on
    // grouping by all labels; an absent or empty list inherits the parent's.
    const names = (c.group_by ?? []).filter((l) => l !== '...');
    if (names.length > 0) {
      groupBy = new Set(names);
      groupByAll = false;
    } else if (c.group_by?.includes('...') === true) {
      groupByAll = true;
    }
    this.opts = {
      receiver: c.receiver !== '' ? c.receiver : p.receiver,
      groupBy,
      groupByAll,
      groupWaitMs: c.group_wait ?? p.groupWaitMs,
      groupIntervalMs: c.group_interval ?? p.groupIntervalMs,
      repeatIntervalMs: c.repeat_interval ?? p.repeatIntervalMs,
      muteTimeIntervals: c.mute_time_intervals,
      activeTimeIntervals: c.active_time_intervals,
    };
    this.matchers = [...fromMaps(c.match, c.match_re), ...c.matchers].sort(compareMatchers);
    this.continue = c.continue;
    this.#key = (parent !== null ? parent.key() + '/' : '') + matchersString(this.matchers);
    this.routes = c.routes.map((r) => new Route(r, this));
  }

  /** Alertmanager's route key (not unique among siblings with equal matchers). */
  key(): string {
    return this.#key;
  }

  /** A unique route ID: the key plus the position among siblings. */
  id(): string {
    if (this.#id !== '') return this.#id;
    let s = (this.parent !== null ? this.parent.id() + '/' : '') + matchersString(this.matchers);
    if (this.parent !== null) s += '/' + String(this.parent.routes.indexOf(this));
    this.#id = s;
    return s;
  }

  /** The routes an alert with these labels goes to, in tree order. */
  match(ls: LabelSet): Route[] {
    if (!matchesAll(this.matchers, ls)) return [];
    const all: Route[] = [];
    for (const cr of this.routes) {
      const m = cr.match(ls);
      all.push(...m);
      if (m.length > 0 && !cr.continue) break;
    }
    if (all.length === 0) all.push(this);
    return all;
  }

  walk(visit: (r: Route) => void): void {
    visit(this);
    for (const r of this.routes) r.walk(visit);
  }
}

/** The receivers an alert with these labels is routed to (what `amtool config routes test` prints). */
export function routeReceivers(root: Route, ls: LabelSet): string[] {
  return root.match(ls).map((r) => r.opts.receiver);
}
