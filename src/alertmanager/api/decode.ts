/**
 * Request bodies of API v2 read as Alertmanager's generated server reads them: JSON decoding
 * errors answer 400 with Go's wording, missing required fields answer 422 with go-swagger's
 * codes (602 required, 612 too few items), reporting the first problem found in go-swagger's
 * (alphabetical) field order.
 */
import { parseTime } from '../store/index.js';
import type { Silence, SilenceMatcher } from '../silence/index.js';

/** A refused request body: HTTP status, go-swagger code and message. */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(readonly status: 400 | 422, readonly code: number, msg: string) {
    super(msg);
  }
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Unix ms; 0 when absent. */
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}

function goTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return 'object';
  }
}

/** JSON.parse with Go's error texts. */
function parseJSON(body: string, what: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    let why = 'unexpected EOF';
    if (!/end of JSON input|Unterminated|Expected.*after/i.test(m) || body.trim() === '') {
      const tok = /token '?(.)'?/.exec(m)?.[1] ?? /Unexpected token (.)/.exec(m)?.[1];
      if (tok !== undefined) why = `invalid character '${tok}' looking for beginning of value`;
    }
    throw new BodyError(400, 400, `parsing ${what} body from "" failed, because ${why}`);
  }
}

function unmarshalError(what: string, v: unknown, target: string): BodyError {
  return new BodyError(400, 400, `parsing ${what} body from "" failed, because json: cannot unmarshal ${goTypeName(v)} into Go ${target}`);
}

function labelSet(v: unknown, what: string, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw unmarshalError(what, v, `struct field ${field} of type models.LabelSet`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string') throw unmarshalError(what, x, `struct field ${field} of type string`);
    out[k] = x;
  }
  return out;
}

function dateTime(v: unknown, what: string, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'string') throw unmarshalError(what, v, `struct field ${field} of type string`);
  const t = parseTime(v);
  if (t === undefined) throw new BodyError(400, 400, `parsing ${what} body from "" failed, because parsing time ${JSON.stringify(v)} as "2006-01-02 15:04:05": cannot parse ${JSON.stringify(v)} as "2006"`);
  return t;
}

/** The body of `POST /api/v2/alerts`. */
export function decodePostableAlerts(body: string): PostableAlert[] {
  if (body.trim() === '' || body.trim() === 'null') throw new BodyError(422, 602, 'alerts in body is required');
  const v = parseJSON(body, 'alerts');
  if (!Array.isArray(v)) throw unmarshalError('alerts', v, 'value of type models.PostableAlerts');
  const out: PostableAlert[] = [];
  const missing: string[] = [];
  v.forEach((item: unknown, i) => {
    if (item === null) { missing.push(`${i}`); return; }
    if (typeof item !== 'object' || Array.isArray(item)) throw unmarshalError('alerts', item, 'value of type models.PostableAlert');
    const o = item as Record<string, unknown>;
    if (o['labels'] === undefined || o['labels'] === null) missing.push(`${i}.labels`);
    const g = o['generatorURL'];
    if (g !== undefined && g !== null && typeof g !== 'string') throw unmarshalError('alerts', g, 'struct field Alert.generatorURL of type strfmt.URI');
    out.push({
      labels: labelSet(o['labels'], 'alerts', 'Alert.labels'),
      annotations: labelSet(o['annotations'], 'alerts', 'PostableAlert.annotations'),
      startsAt: dateTime(o['startsAt'], 'alerts', 'PostableAlert.startsAt'),
      endsAt: dateTime(o['endsAt'], 'alerts', 'PostableAlert.endsAt'),
      generatorURL: typeof g === 'string' ? g : '',
    });
  });
  const first = missing[0];
  if (first !== undefined) throw new BodyError(422, 602, `${first} in body is required`);
  return out;
}

/** The body of `POST /api/v2/silences`, as a silence to store (id '' for a new one). */
export function decodePostableSilence(body: string): Silence {
  if (body.trim() === '' || body.trim() === 'null') throw new BodyError(422, 602, 'silence in body is required');
  const v = parseJSON(body, 'silence');
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw unmarshalError('silence', v, 'value of type models.PostableSilence');
  const o = v as Record<string, unknown>;
  const str = (k: string): string => {
    const x = o[k];
    if (x === undefined || x === null) return '';
    if (typeof x !== 'string') throw unmarshalError('silence', x, `struct field Silence.${k} of type string`);
    return x;
  };
  const id = str('id');
  const comment = str('comment');
  const createdBy = str('createdBy');
  const startsAt = dateTime(o['startsAt'], 'silence', 'Silence.startsAt');
  const endsAt = dateTime(o['endsAt'], 'silence', 'Silence.endsAt');
  const rawMatchers = o['matchers'];
  if (rawMatchers !== undefined && rawMatchers !== null && !Array.isArray(rawMatchers)) throw unmarshalError('silence', rawMatchers, 'struct field Silence.matchers of type models.Matchers');
  const ms = (rawMatchers ?? []) as unknown[];
  // go-swagger checks fields in alphabetical order and reports the first failure.
  const required = (k: string): void => {
    if (o[k] === undefined || o[k] === null) throw new BodyError(422, 602, `${k} in body is required`);
  };
  required('comment');
  required('createdBy');
  required('endsAt');
  required('matchers');
  if (ms.length === 0) throw new BodyError(422, 612, 'matchers in body should have at least 1 items');
  const matchers: SilenceMatcher[] = ms.map((m, i) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw unmarshalError('silence', m, 'value of type models.Matcher');
    const mo = m as Record<string, unknown>;
    for (const k of ['isRegex', 'name', 'value']) {
      if (mo[k] === undefined || mo[k] === null) throw new BodyError(422, 602, `matchers.${i}.${k} in body is required`);
    }
    for (const k of ['isRegex', 'isEqual']) {
      if (mo[k] !== undefined && mo[k] !== null && typeof mo[k] !== 'boolean') throw unmarshalError('silence', mo[k], `struct field Matcher.${k} of type bool`);
    }
    for (const k of ['name', 'value']) if (typeof mo[k] !== 'string') throw unmarshalError('silence', mo[k], `struct field Matcher.${k} of type string`);
    const isRegex = mo['isRegex'] === true;
    const isEqual = mo['isEqual'] !== false;
    const type = isRegex ? (isEqual ? '=~' : '!~') : isEqual ? '=' : '!=';
    return { name: mo['name'] as string, value: mo['value'] as string, type };
  });
  required('startsAt');
  return { id, matchers, startsAt, endsAt, updatedAt: 0, createdBy, comment };
}
