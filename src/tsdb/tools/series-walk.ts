/** Walking a block's series through its index, in prefetched batches. */
import type { Labels } from '../../model/index.js';
import type { Block } from '../block/index.js';
import type { ChunkMeta } from '../index/index.js';

/**
 * Calls `fn` with each series' labels and chunk metas, reading the index in prefetched
 * batches so that large blocks stream. The arguments are valid during the call only.
 */
export async function forEachSeries(
  block: Block, refs: Uint32Array, fn: (labels: Labels, chks: readonly ChunkMeta[]) => void | Promise<void>, signal?: AbortSignal,
): Promise<void> {
  const ix = block.index;
  const chks: ChunkMeta[] = [];
  let i = 0;
  while (i < refs.length) {
    signal?.throwIfAborted();
    const upTo = await ix.prefetchSeries(refs, i, Math.min(refs.length, i + 512));
    for (; i < upTo; i++) {
      const ref = refs[i]!;
      const labels = ix.seriesSync(ref, chks) ?? (await ix.series(ref, chks));
      await fn(labels, chks);
    }
  }
}

