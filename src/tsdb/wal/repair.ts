/**
 * Repair after corruption, as Prometheus repairs its WAL on open: every record before the
 * damage is kept, the damaged segment is cut at the first unreadable record (and its last
 * page zero-padded), and all later segments are deleted. Records after a corruption are
 * dropped even when readable: later records may depend on earlier ones (a sample refers to
 * a series record), so a gap is worse than a shorter log.
 *
 * Run it on a WAL that no `Wlog` has open; open the writer afterwards (it continues in a
 * new segment after the repaired one).
 */
import { open, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { nopLogger, type Logger } from '../../util/log.js';
import { PAGE_SIZE } from './constants.js';
import { CorruptionError } from './errors.js';
import { listSegments, segmentName } from './segments.js';

export async function repair(dir: string, err: unknown, logger: Logger = nopLogger): Promise<void> {
  if (!(err instanceof CorruptionError)) throw new Error(`cannot handle error: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  if (err.segment < 0) throw new Error('corruption error does not specify position');
  if (resolve(err.dir) !== resolve(dir)) throw new Error(`corruption in ${err.dir} is outside the WAL ${dir} and cannot be repaired`);
  logger.warn('Starting corruption repair', { segment: err.segment, offset: err.offset });

  logger.warn('Deleting all segments newer than corrupted segment', { segment: err.segment });
  for (const s of await listSegments(dir)) {
    if (s.index <= err.segment) continue;
    await rm(segmentName(dir, s.index)).catch((e: unknown) => {
      throw new Error(`delete segment:${s.index}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    });
  }

  logger.warn('Rewrite corrupted segment', { segment: err.segment });
  const fh = await open(segmentName(dir, err.segment), 'r+');
  try {
    const size = (await fh.stat()).size;
    const cut = Math.min(err.offset, size);
    await fh.truncate(cut);
    // Zero-pad to the page end: what a writer closing the segment there would have left.
    const pad = cut % PAGE_SIZE === 0 ? 0 : PAGE_SIZE - (cut % PAGE_SIZE);
    if (pad > 0) await fh.write(new Uint8Array(pad), 0, pad, cut);
    await fh.sync();
  } finally {
    await fh.close();
  }
  const d = await open(dir, 'r');
  try { await d.sync(); } finally { await d.close(); }
}
