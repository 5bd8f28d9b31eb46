/**
 * Conveniences over `IndexWriter` for callers that hold their series in memory (tests,
 * small blocks): collecting the symbol set, ordering series, writing a whole index.
 */
import type { Labels } from '../../model/index.js';
import type { ChunkMeta } from './format.js';
import { compareLabelsUtf8, compareUtf8 } from './utf8-order.js';
import { IndexWriter, type IndexWriterOptions } from './writer.js';

/** Every label name and value of the sets, sorted in UTF-8 byte order, without duplicates. */
export function collectSymbols(sets: Iterable<Labels>): string[] {
  const s = new Set<string>();
  for (const l of sets) {
    for (let i = 0; i < l.length; i++) {
      s.add(l.nameAt(i));
      s.add(l.valueAt(i));
    }
  }
  return [...s].sort(compareUtf8);
}

export interface IndexSeries {
  labels: Labels;
  chunks: readonly ChunkMeta[];
}

/**
 * Writes an index holding `series` (in any order; sorted here, not in place). Returns the
 * series refs in the sorted order.
 */
export async function writeIndexFile(path: string, series: readonly IndexSeries[], opts: IndexWriterOptions = {}): Promise<number[]> {
  const sorted = [...series].sort((a, b) => compareLabelsUtf8(a.labels, b.labels));
  const w = await IndexWriter.create(path, opts);
  const refs: number[] = [];
  try {
    await w.addSymbols(collectSymbols(sorted.map((x) => x.labels)));
    for (const s of sorted) refs.push(await w.addSeries(s.labels, s.chunks));
  } catch (e) {
    await w.abort();
    throw e;
  }
  await w.close();
  return refs;
}
