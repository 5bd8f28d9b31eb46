/**
 * One live instance of each kind of object a scrape creates and drops (parser, appender),
 * kept on purpose.
 *
 * These objects live only while a scrape runs, so between scrapes none may exist. V8's
 * memory-reducing collections do not retain hidden classes without live objects: they free
 * them and deoptimize every function optimized for them, which for the parser is the whole
 * parse-and-append path, recompiled on the next scrapes (measured: ~25 functions at once after
 * each such GC, appendScrape alone ~50 ms of compile). Holding the latest instance of each
 * kind keeps the hidden classes, and with them the optimized code, alive.
 */
export const enum Shape { Parser, Appender }

const latest: unknown[] = [null, null];

/** Remembers `o` as the live instance of its kind (dropping the previous one). */
export function keepShape(kind: Shape, o: unknown): void {
  latest[kind] = o;
}
