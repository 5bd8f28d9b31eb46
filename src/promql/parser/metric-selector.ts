/**
 * Parses a standalone metric selector (`up`, `{job="a"}`, `http_requests_total{code=~"5.."}`,
 * `{"my.metric", "a.b"="c"}`) into matchers, as the API's `match[]` and `match_target`
 * parameters take them. Built on the PromQL parser, so errors carry Prometheus's texts.
 */
import type { Matcher } from '../../model/index.js';
import { ParseErrors } from './errors.js';
import { parseMetricSelectorMatchers } from './parse.js';

export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

/**
 * The matchers of a selector, the metric name (if any) first. Unlike Prometheus's
 * ParseMetricSelector this also rejects selectors whose matchers all match the empty
 * string, as `match[]` does.
 */
export function parseMetricSelector(input: string): Matcher[] {
  let ms: Matcher[];
  try {
    ms = parseMetricSelectorMatchers(input);
  } catch (e) {
    if (e instanceof ParseErrors) throw new SelectorParseError(e.message, { cause: e });
    throw e;
  }
  if (ms.every((m) => m.matchesEmpty())) {
    throw new SelectorParseError('vector selector must contain at least one non-empty matcher');
  }
  // A name written before the braces is parsed as the last matcher; callers expect it first.
  const last = ms[ms.length - 1]!;
  if (ms.length > 1 && last.name === '__name__') return [last, ...ms.slice(0, -1)];
  return ms;
}
