/** `inhibit_rules` in alertmanager.yml. */
import { string } from '../../config/scalars.js';
import { list, struct } from '../../config/schema.js';
import { quoteGoString } from '../../model/index.js';
import { isValidLabelName } from '../labels/index.js';
import { matchersKind, matchMap, matchRegexps } from './kinds.js';
import type { InhibitRuleConfig } from './types.js';

export const inhibitRule = struct<InhibitRuleConfig>('config.plain', {
  name: { kind: string, omitempty: true },
  source_match: { kind: matchMap, omitempty: true },
  source_match_re: { kind: matchRegexps, omitempty: true },
  source_matchers: { kind: matchersKind, omitempty: true },
  target_match: { kind: matchMap, omitempty: true },
  target_match_re: { kind: matchRegexps, omitempty: true },
  target_matchers: { kind: matchersKind, omitempty: true },
  equal: { kind: list(string), omitempty: true, flow: true },
}, {
  validate(r, d) {
    for (const l of r.equal) {
      if (!isValidLabelName(l)) d.fail(r, `invalid label name ${quoteGoString(l)} in equal list`, 'equal');
    }
  },
});
