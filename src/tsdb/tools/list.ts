/**
 * `tsdb list`: the table of a data directory's blocks, as promtool prints it (Go tabwriter,
 * minimum cell width 13, padding 2). The backfill prints the same rows for each block it
 * writes.
 */
import type { BlockMeta } from '../block/index.js';
import { base2Bytes, goDurationString, goUnixSecondsUTC, tabwriterTable } from './go-format.js';
import { checkDataDir, closeAll, openBlocks } from './data-dir.js';

export const BLOCK_TABLE_HEADER = ['BLOCK ULID', 'MIN TIME', 'MAX TIME', 'DURATION', 'NUM SAMPLES', 'NUM CHUNKS', 'NUM SERIES', 'SIZE'] as const;

/** What a table row shows of a block. */
export interface BlockRow {
  meta: BlockMeta;
  /** Bytes on disk: index, chunks, tombstones and meta.json. */
  size: number;
}

function cells(b: BlockRow, humanReadable: boolean): string[] {
  const m = b.meta;
  const time = (t: number): string => (humanReadable ? goUnixSecondsUTC(t) : String(t));
  return [
    m.ulid, time(m.minTime), time(m.maxTime), goDurationString(m.maxTime - m.minTime),
    String(m.stats.numSamples), String(m.stats.numChunks), String(m.stats.numSeries),
    humanReadable ? base2Bytes(b.size) : String(b.size),
  ];
}

/** One table (one tabwriter): the optional header and the rows, aligned together. */
export function formatBlockTable(rows: readonly BlockRow[], withHeader: boolean, humanReadable: boolean): string {
  const table: string[][] = [];
  if (withHeader) table.push([...BLOCK_TABLE_HEADER]);
  for (const r of rows) table.push(cells(r, humanReadable));
  return tabwriterTable(table, 13, 2);
}

/** The text of `promtool tsdb list [-r] <dir>`. */
export async function listBlocks(dir: string, humanReadable: boolean): Promise<string> {
  await checkDataDir(dir);
  const blocks = await openBlocks(dir);
  try {
    return formatBlockTable(blocks.map((b) => ({ meta: b.meta, size: b.size() })), true, humanReadable);
  } finally {
    await closeAll(blocks);
  }
}
