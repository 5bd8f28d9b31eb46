/**
 * `--storage.tsdb.delay-compact-file.path`, as Prometheus implements it: a JSON file in which
 * an uploader (Thanos's shipper writes `{"version": 1, "uploaded": ["<ulid>", ...]}`) lists the
 * blocks it has shipped. Level-1 blocks not listed are held back from block compactions, so
 * that the uploader gets every block before it is merged into a larger one; blocks of higher
 * levels are never held back. The file is read at most once a minute. A file that cannot be
 * read or parsed holds nothing back, with a warning.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../util/log.js';
import type { BlockMeta } from '../block/index.js';

const REREAD_MS = 60_000;

/** Why `text` is not an upload meta file, or the uploaded ULIDs. */
function parseUploadMeta(text: string): Set<string> | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  if (v === null) return new Set();
  if (typeof v !== 'object' || Array.isArray(v)) return 'json: cannot unmarshal into Go value of type main.UploadMeta';
  const o = v as Record<string, unknown>;
  if (o['version'] !== undefined && o['version'] !== null && !Number.isInteger(o['version'])) return 'json: cannot unmarshal version into Go struct field UploadMeta.version of type int';
  const up = o['uploaded'];
  if (up === undefined || up === null) return new Set();
  if (!Array.isArray(up) || up.some((u) => typeof u !== 'string')) return 'json: cannot unmarshal uploaded into Go struct field UploadMeta.uploaded of type []string';
  return new Set(up as string[]);
}

/** The exclusion filter for DBOptions.blockCompactionExclude; `now` for tests. */
export function excludeBlocksPendingUpload(path: string, logger: Logger, now: () => number = Date.now): (meta: BlockMeta) => Promise<boolean> {
  let uploaded: Set<string> | null = null;
  let readAt = -Infinity;
  return async (meta) => {
    // Blocks of level 2 and up are not uploaded by the shipper: never held back.
    if (meta.compaction.level > 1) return false;
    if (uploaded !== null && now() - readAt < REREAD_MS) return !uploaded.has(meta.ulid);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      logger.warn('cannot open TSDB upload meta file', { path, err: e instanceof Error ? e.message : String(e) });
      return false;
    }
    const parsed = parseUploadMeta(text);
    if (typeof parsed === 'string') {
      logger.warn('cannot parse TSDB upload meta file', { path, err: parsed });
      return false;
    }
    uploaded = parsed;
    readAt = now();
    return !uploaded.has(meta.ulid);
  };
}
