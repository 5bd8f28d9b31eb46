/** `route` (and its `routes`) in alertmanager.yml, with Alertmanager's per-route checks. */
import { bool, duration, string } from '../../config/scalars.js';
import { list, struct } from '../../config/schema.js';
import type { Kind, StructKind } from '../../config/schema.js';
import { quoteGoString } from '../../model/index.js';
import { isValidLabelName } from '../labels/index.js';
import { matchersKind, matchMap, matchRegexps, nullable } from './kinds.js';
import type { RouteConfig } from './types.js';

/** group_by stays null when absent, so a child inherits its parent's grouping. */
const groupBy: Kind<string[] | null> = nullable(list(string));

// The route kind refers to itself through `routes`; the indirection breaks the cycle.
const routesKind: Kind<RouteConfig[]> = {
  goType: '[]*config.Route',
  decode: (n, d, path, base) => list(routeConfig).decode(n, d, path, base),
  zero: () => [],
  isZero: (v) => v.length === 0,
  encode: (v, flow) => list(routeConfig).encode(v, flow),
};

export const routeConfig: StructKind<RouteConfig> = struct<RouteConfig>('config.plain', {
  receiver: { kind: string, omitempty: true },
  group_by: { kind: groupBy, omitempty: true, flow: true },
  match: { kind: matchMap, omitempty: true },
  match_re: { kind: matchRegexps, omitempty: true },
  matchers: { kind: matchersKind, omitempty: true },
  mute_time_intervals: { kind: list(string), omitempty: true },
  active_time_intervals: { kind: list(string), omitempty: true },
  continue: { kind: bool },
  routes: { kind: routesKind, omitempty: true },
  group_wait: { kind: nullable(duration), omitempty: true },
  group_interval: { kind: nullable(duration), omitempty: true },
  repeat_interval: { kind: nullable(duration), omitempty: true },
}, {
  validate(r, d) {
    let all = false;
    const names: string[] = [];
    for (const l of r.group_by ?? []) {
      if (l === '...') { all = true; continue; }
      if (!isValidLabelName(l)) d.fail(r, `invalid label name ${quoteGoString(l)} in group_by list`, 'group_by');
      names.push(l);
    }
    if (names.length > 0 && all) d.fail(r, 'cannot have wildcard group_by (`...`) and other labels at the same time', 'group_by');
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) d.fail(r, `duplicated label ${quoteGoString(n)} in group_by`, 'group_by');
      seen.add(n);
    }
    if (r.group_interval !== null && r.group_interval === 0) d.fail(r, 'group_interval cannot be zero', 'group_interval');
    if (r.repeat_interval !== null && r.repeat_interval === 0) d.fail(r, 'repeat_interval cannot be zero', 'repeat_interval');
  },
});
