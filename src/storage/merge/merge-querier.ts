/**
 * A querier over several queriers, as Prometheus's merge querier: selects run on every
 * querier (concurrently, each sorted) and are merged series by series; label names and
 * values are sorted unions; warnings of every querier travel along.
 *
 * Primaries must answer: an error of one fails the call. Secondaries (remote storages in a
 * fanout) may fail: their errors become warnings and their data is left out, as in
 * Prometheus.
 */
import type { Matcher } from '../../model/index.js';
import type { LabelHints, Querier, QueryResult, SelectHints, Series, SeriesSet } from '../interface.js';
import { EmptySeriesSet, mergeSeriesSets } from './merge-series-set.js';
import { mergeStrings } from './strings.js';

/** Answers every read with nothing. */
export class NoopQuerier implements Querier {
  select(): Promise<SeriesSet> {
    return Promise.resolve(new EmptySeriesSet());
  }

  labelValues(): Promise<QueryResult<string[]>> {
    return Promise.resolve({ value: [], warnings: [] });
  }

  labelNames(): Promise<QueryResult<string[]>> {
    return Promise.resolve({ value: [], warnings: [] });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Turns a secondary set's error into a warning. */
class SecondarySeriesSet implements SeriesSet {
  readonly #set: SeriesSet;

  constructor(set: SeriesSet) {
    this.#set = set;
  }

  next(): boolean {
    return this.#set.next();
  }

  at(): Series {
    return this.#set.at();
  }

  err(): Error | null {
    return null;
  }

  warnings(): string[] {
    const e = this.#set.err();
    const ws = this.#set.warnings();
    return e === null ? ws : [...ws, e.message];
  }
}

interface Member {
  q: Querier;
  secondary: boolean;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function truncate(a: string[], hints: LabelHints | null): string[] {
  const limit = hints?.limit ?? 0;
  if (limit > 0 && a.length > limit) a.length = limit;
  return a;
}

export class MergeQuerier implements Querier {
  readonly #members: readonly Member[];

  constructor(primaries: readonly Querier[], secondaries: readonly Querier[] = []) {
    const members: Member[] = [];
    for (const q of primaries) members.push({ q, secondary: false });
    for (const q of secondaries) members.push({ q, secondary: true });
    this.#members = members;
  }

  async select(_sortSeries: boolean, hints: SelectHints | null, matchers: readonly Matcher[], signal?: AbortSignal): Promise<SeriesSet> {
    // The merge needs sorted inputs, whatever the caller asked for.
    const sets = await Promise.all(this.#members.map(async (m): Promise<SeriesSet> => {
      if (!m.secondary) return m.q.select(true, hints, matchers, signal);
      try {
        return new SecondarySeriesSet(await m.q.select(true, hints, matchers, signal));
      } catch (e) {
        return new EmptySeriesSet(null, [message(e)]);
      }
    }));
    return mergeSeriesSets(sets, hints?.limit ?? 0);
  }

  async labelValues(name: string, hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>> {
    try {
      return await this.#mergeResults(hints, (q) => q.labelValues(name, hints, matchers));
    } catch (e) {
      throw new Error(`LabelValues() from merge generic querier for label ${name}: ${message(e)}`, { cause: e });
    }
  }

  async labelNames(hints: LabelHints | null, matchers: readonly Matcher[]): Promise<QueryResult<string[]>> {
    try {
      return await this.#mergeResults(hints, (q) => q.labelNames(hints, matchers));
    } catch (e) {
      throw new Error(`LabelNames() from merge generic querier: ${message(e)}`, { cause: e });
    }
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.#members.map((m) => m.q.close()));
    const errs: unknown[] = [];
    for (const r of results) if (r.status === 'rejected') errs.push(r.reason);
    if (errs.length === 1) throw errs[0];
    if (errs.length > 1) throw new AggregateError(errs, `closing queriers: ${errs.map(message).join('; ')}`);
  }

  async #mergeResults(hints: LabelHints | null, fn: (q: Querier) => Promise<QueryResult<string[]>>): Promise<QueryResult<string[]>> {
    const results = await Promise.all(this.#members.map(async (m): Promise<QueryResult<string[]>> => {
      if (!m.secondary) return fn(m.q);
      try {
        return await fn(m.q);
      } catch (e) {
        return { value: [], warnings: [message(e)] };
      }
    }));
    let value: string[] = [];
    const warnings: string[] = [];
    for (const r of results) {
      value = truncate(mergeStrings(value, truncate(r.value, hints)), hints);
      for (const w of r.warnings) if (!warnings.includes(w)) warnings.push(w);
    }
    return { value, warnings };
  }
}

/**
 * The querier over `primaries` and `secondaries`: nothing to merge returns a no-op querier,
 * a single primary is returned as it is, anything else is merged.
 */
export function newMergeQuerier(primaries: readonly Querier[], secondaries: readonly Querier[] = []): Querier {
  if (primaries.length === 0 && secondaries.length === 0) return new NoopQuerier();
  if (primaries.length === 1 && secondaries.length === 0) return primaries[0]!;
  return new MergeQuerier(primaries, secondaries);
}
