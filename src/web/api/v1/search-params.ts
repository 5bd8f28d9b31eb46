/**
 * The parameters common to the three search routes, parsed and checked in Prometheus 3.14's
 * order and with its error texts (all `bad_data`): `start`/`end` (default the last hour),
 * `match[]`, `search[]` (at most 32), `fuzz_threshold` (0-100), `fuzz_alg`,
 * `case_sensitive`, `include_score`, `sort_by`/`sort_dir`, `limit` (default 100, at most
 * `--web.search.max-limit` unless that is 0) and `batch_size` (default 100).
 */
import { quoteGoString, type Matcher, type Millis } from '../../../model/index.js';
import type { Ordering } from '../../../storage/index.js';
import type { Form } from '../../form.js';
import { ApiError } from './envelope.js';
import { atoi, parseBool, parseMatchersParam, parseTime, ParamError } from './params.js';
import { FUZZ_ALGORITHMS, type FuzzAlgorithm } from './search-filters.js';

export const DEFAULT_SEARCH_LIMIT = 100;
export const DEFAULT_SEARCH_BATCH_SIZE = 100;
/** `--web.search.max-limit`'s default. */
export const DEFAULT_MAX_SEARCH_LIMIT = 10_000;
/** The most `search[]` terms a request may have: each term costs per value scored. */
export const MAX_SEARCH_TERMS = 32;
/** The default time range: the hour before now. */
const DEFAULT_RANGE_MS = 3_600_000;

export interface SearchParams {
  /** One set per `match[]`; none means all series. */
  matcherSets: Matcher[][];
  searches: string[];
  /** 0 to 100. */
  fuzzThreshold: number;
  fuzzAlg: FuzzAlgorithm;
  caseSensitive: boolean;
  /** As given: '', 'alpha', 'score', or another value the route refuses. */
  sortBy: string;
  sortDir: 'asc' | 'dsc';
  includeScore: boolean;
  start: Millis;
  end: Millis;
  /** At least 1; may exceed the safe-integer range when the cap is off (then it is no limit in practice). */
  limit: number;
  batchSize: number;
}

function bad(msg: string): ApiError {
  return new ApiError('bad_data', msg);
}

function timeParam(f: Form, name: string, dflt: Millis): Millis {
  const v = f.get(name);
  if (v === '') return dflt;
  try {
    return parseTime(v);
  } catch (e) {
    throw bad(`invalid time value for '${name}': ${(e as Error).message}`);
  }
}

/** An optional boolean (Go's ParseBool syntax). */
export function searchBoolParam(f: Form, name: string, dflt: boolean): boolean {
  const v = f.get(name);
  if (v === '') return dflt;
  try {
    return parseBool(v);
  } catch {
    throw bad(`invalid ${name} ${quoteGoString(v)}: must be boolean`);
  }
}

/** A positive integer as Go's Atoi reads it, or null. */
function positiveInt(v: string): number | null {
  try {
    const n = atoi(v);
    return n > 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * Parses the common parameters. `now` is the clock for the default range; `maxLimit` is
 * `--web.search.max-limit` (0: no cap). Throws a bad_data ApiError for the first problem.
 */
export function parseSearchParams(f: Form, now: Millis, maxLimit: number): SearchParams {
  const start = timeParam(f, 'start', (now - DEFAULT_RANGE_MS) as Millis);
  const end = timeParam(f, 'end', now);
  // end === start is a search at one instant; only an inverted range is refused.
  if (end < start) throw bad('end timestamp must not be before start timestamp');

  let matcherSets: Matcher[][] = [];
  const match = f.getAll('match[]');
  if (match.length > 0) {
    try {
      matcherSets = parseMatchersParam(match);
    } catch (e) {
      if (e instanceof ParamError) throw bad(e.message);
      throw e;
    }
  }

  const searches = f.getAll('search[]');
  if (searches.length > MAX_SEARCH_TERMS) throw bad(`too many search[] terms: got ${searches.length}, maximum is ${MAX_SEARCH_TERMS}`);

  let fuzzThreshold = 0;
  const ft = f.get('fuzz_threshold');
  if (ft !== '') {
    let n: number | null = null;
    try {
      n = atoi(ft);
    } catch { /* refused below */ }
    if (n === null || n < 0 || n > 100) throw bad(`invalid fuzz_threshold ${quoteGoString(ft)}: must be 0-100`);
    fuzzThreshold = n;
  }

  let fuzzAlg: FuzzAlgorithm = FUZZ_ALGORITHMS[0];
  const fa = f.get('fuzz_alg');
  if (fa !== '') {
    const alg = FUZZ_ALGORITHMS.find((a) => a === fa);
    if (alg === undefined) throw bad(`unsupported fuzz_alg ${quoteGoString(fa)}: must be one of [${FUZZ_ALGORITHMS.join(' ')}]`);
    fuzzAlg = alg;
  }

  const caseSensitive = searchBoolParam(f, 'case_sensitive', true);
  const includeScore = searchBoolParam(f, 'include_score', false);

  const sortBy = f.get('sort_by');
  const dir = f.get('sort_dir');
  if (dir !== '' && sortBy === '') throw bad('sort_dir is only valid when sort_by is set');
  if (dir !== '' && sortBy === 'score') throw bad('sort_dir is not supported for sort_by=score');
  if (dir !== '' && dir !== 'asc' && dir !== 'dsc') throw bad(`invalid sort_dir ${quoteGoString(dir)}: must be "asc" or "dsc"`);
  const sortDir = dir === 'dsc' ? 'dsc' : 'asc';
  if (sortBy === 'score' && searches.length === 0) throw bad('sort_by=score requires search[] to be set');

  // Without `limit`, the default shrinks to a smaller cap rather than failing against it.
  let limit = maxLimit > 0 && maxLimit < DEFAULT_SEARCH_LIMIT ? maxLimit : DEFAULT_SEARCH_LIMIT;
  const l = f.get('limit');
  if (l !== '') {
    const n = positiveInt(l);
    if (n === null) throw bad(`invalid limit ${quoteGoString(l)}: must be a positive integer`);
    // Printed from the text, exactly, as Go prints the int.
    if (maxLimit > 0 && n > maxLimit) throw bad(`limit ${BigInt(l).toString()} exceeds the configured maximum (${maxLimit}, see --web.search.max-limit)`);
    limit = n;
  }

  let batchSize = DEFAULT_SEARCH_BATCH_SIZE;
  const bs = f.get('batch_size');
  if (bs !== '') {
    const n = positiveInt(bs);
    if (n === null) throw bad(`invalid batch_size ${quoteGoString(bs)}: must be a positive integer`);
    batchSize = n;
  }

  return { matcherSets, searches, fuzzThreshold, fuzzAlg, caseSensitive, sortBy, sortDir, includeScore, start, end, limit, batchSize };
}

/** The storage order of `sort_by` and `sort_dir` (validated): by value unless sorting by score. */
export function searchOrdering(p: Pick<SearchParams, 'sortBy' | 'sortDir'>): Ordering {
  if (p.sortBy === 'score') return 'scoreDesc';
  if (p.sortBy === 'alpha' && p.sortDir === 'dsc') return 'valueDesc';
  return 'valueAsc';
}

/** The limit asked of storage: one more than the answer's, to learn whether there is more. */
export function searchHintsLimit(limit: number): number {
  return limit < Number.MAX_SAFE_INTEGER ? limit + 1 : limit;
}
