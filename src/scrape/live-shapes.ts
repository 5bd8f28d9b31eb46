/**
 * One live instance of each kind of object a scrape creates and drops (parser, appender, and
 * the labels builder of a new series), kept on purpose.
 *
 * These objects live only while a scrape runs, so between scrapes none may exist. V8's
 * memory-reducing collections do not retain hidden classes without live objects: they free
 * them and deoptimize every function optimized for them, which for the parser is the whole
 * parse-and-append path, recompiled on the next scrapes (measured: ~25 functions at once after
 * each such GC, appendScrape alone ~50 ms of compile). Holding the latest instance of each
 * kind keeps the hidden classes, and with them the optimized code, alive. The labels builder
 * is made only for new series, so after the first scrapes none is left; its classes were
 * freed by the memory reducer's collection ~8 s after start, deoptimizing appendScrape (which
 * inlines the new-series path) in the middle of steady scraping.
 */
export const enum Shape { Parser, Appender, LabelsBuilder }

const latest: unknown[] = [null, null, null];

/** Remembers `o` as the live instance of its kind (dropping the previous one). */
export function keepShape(kind: Shape, o: unknown): void {
  latest[kind] = o;
}
