/**
 * `/api/v1/targets/relabel_steps?scrapePool=<pool>&labels=<JSON object>`: the pool's target
 * relabel rules applied one by one to a label set, with the labels after each rule and
 * whether the target is still kept, as Prometheus's UI shows them. Rules are written as
 * Prometheus marshals them (`source_labels`, `separator`, `regex`, `modulus`,
 * `target_label`, `replacement`, `action`; empty optional ones left out).
 */
import { Labels, LabelsBuilder } from '../../../model/index.js';
import type { RelabelConfig } from '../../../config/types.js';
import { processBuilder } from '../../../relabel/index.js';
import type { Router } from '../../router.js';
import { ApiError } from './envelope.js';
import { apiHandler, data } from './handler.js';

export interface RelabelStepsDeps {
  /** The target relabel rules of a scrape pool, or undefined when there is no such pool. */
  relabelConfigs(pool: string): readonly RelabelConfig[] | undefined;
}

/** A rule as Prometheus's relabel.Config marshals to JSON. */
export function ruleJSON(c: RelabelConfig): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (c.source_labels.length > 0) o['source_labels'] = c.source_labels;
  o['separator'] = c.separator;
  o['regex'] = c.regex;
  if (c.modulus !== 0) o['modulus'] = c.modulus;
  if (c.target_label !== '') o['target_label'] = c.target_label;
  o['replacement'] = c.replacement;
  o['action'] = c.action;
  return o;
}

/** Parses the `labels` parameter: a JSON object of strings (null is the empty set). */
function parseLabels(s: string): Labels {
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch (e) {
    throw new ApiError('bad_data', `error parsing labels: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (v === null) return Labels.EMPTY;
  const kind = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : 'number';
  if (kind !== 'object') throw new ApiError('bad_data', `error parsing labels: json: cannot unmarshal ${kind} into Go value of type map[string]string`);
  const a: string[] = [];
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string') {
      const t = val === null ? null : Array.isArray(val) ? 'array' : typeof val === 'object' ? 'object' : typeof val === 'boolean' ? 'bool' : 'number';
      if (t === null) continue;
      throw new ApiError('bad_data', `error parsing labels: json: cannot unmarshal ${t} into Go value of type string`);
    }
    a.push(k, val);
  }
  return Labels.fromUnsortedArray(a);
}

export function registerRelabelSteps(r: Router, d: RelabelStepsDeps): void {
  r.get('/api/v1/targets/relabel_steps', apiHandler((_c, f) => {
    const pool = f.get('scrapePool');
    if (pool === '') throw new ApiError('bad_data', 'no scrapePool parameter provided');
    const raw = f.get('labels');
    if (raw === '') throw new ApiError('bad_data', 'no labels parameter provided');
    const lbls = parseLabels(raw);
    const rules = d.relabelConfigs(pool);
    if (rules === undefined) throw new ApiError('bad_data', `error retrieving scrape config: scrape pool ${JSON.stringify(pool)} not found`);
    const lb = new LabelsBuilder(lbls);
    let keep = true;
    const steps = rules.map((rule) => {
      if (keep) keep = processBuilder(lb, [rule]);
      return { rule: ruleJSON(rule), output: keep ? lb.labels().toObject() : {}, keep };
    });
    return data({ steps });
  }));
}
