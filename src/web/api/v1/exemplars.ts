/**
 * `/api/v1/query_exemplars` (GET and POST): the exemplars, in [start, end], of the series
 * selected by every selector of a PromQL expression. An expression without selectors
 * answers 204, as Prometheus does. With exemplar storage disabled (no
 * `--enable-feature=exemplar-storage`) the answer is always empty, as Prometheus's.
 */
import type { ExemplarQueryable } from '../../../storage/index.js';
import { extractSelectors, parseExpr, ParseErrors, type Expr, type ParseOptions } from '../../../promql/parser/index.js';
import type { Router } from '../../router.js';
import { ApiError } from './envelope.js';
import { apiHandler, NO_CONTENT } from './handler.js';
import { jsonFloat, jsonLabels, jsonTimestamp } from './json-values.js';
import { MAX_TIME_MS, MIN_TIME_MS, parseTimeParam } from './params.js';

export interface ExemplarDeps {
  /** null: exemplar storage disabled. */
  exemplars: ExemplarQueryable | null;
  parseOpts: ParseOptions;
}

export function registerExemplars(r: Router, d: ExemplarDeps): void {
  const h = apiHandler(async (_c, f) => {
    const start = parseTimeParam(f.get('start'), 'start', MIN_TIME_MS);
    const end = parseTimeParam(f.get('end'), 'end', MAX_TIME_MS);
    if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start timestamp');
    let expr: Expr;
    try {
      expr = parseExpr(f.get('query'), d.parseOpts);
    } catch (e) {
      if (e instanceof ParseErrors) throw new ApiError('bad_data', e.message);
      throw e;
    }
    const selectors = extractSelectors(expr);
    if (selectors.length === 0) return NO_CONTENT;
    if (d.exemplars === null) return { kind: 'raw', json: '[]' };
    let res;
    try {
      res = await d.exemplars.exemplars(start, end, selectors);
    } catch (e) {
      throw new ApiError('execution', e instanceof Error ? e.message : String(e), { cause: e });
    }
    let json = '[';
    for (let i = 0; i < res.length; i++) {
      const r = res[i]!;
      if (i > 0) json += ',';
      json += '{"seriesLabels":' + jsonLabels(r.seriesLabels) + ',"exemplars":[';
      for (let k = 0; k < r.exemplars.length; k++) {
        const e = r.exemplars[k]!;
        if (k > 0) json += ',';
        json += '{"labels":' + jsonLabels(e.labels) + ',"value":' + jsonFloat(e.value) + ',"timestamp":' + jsonTimestamp(e.ts ?? 0) + '}';
      }
      json += ']}';
    }
    return { kind: 'raw', json: json + ']' };
  });
  r.get('/api/v1/query_exemplars', h).post('/api/v1/query_exemplars', h);
}
