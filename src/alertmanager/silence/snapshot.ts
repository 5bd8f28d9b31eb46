/**
 * The silences snapshot file: JSON with a format version, written to a temporary file and
 * renamed over the old one so that a crash never leaves a torn snapshot.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Silence, SilenceMatcher } from './silence.js';

export interface SnapshotEntry {
  silence: Silence;
  expiresAt: number;
}

interface FileFormat {
  version: 1;
  silences: SnapshotEntry[];
}

export async function writeSnapshot(file: string, entries: SnapshotEntry[]): Promise<number> {
  const body = JSON.stringify({ version: 1, silences: entries } satisfies FileFormat);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, file);
  return Buffer.byteLength(body);
}

function isMatcher(v: unknown): v is SilenceMatcher {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return typeof m['name'] === 'string' && typeof m['value'] === 'string' && ['=', '!=', '=~', '!~'].includes(m['type'] as string);
}

/** Reads a snapshot; a missing file is an empty one. Malformed entries are skipped. */
export async function readSnapshot(file: string): Promise<SnapshotEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 1) {
    throw new Error(`reading silences snapshot ${file}: unknown format`);
  }
  const out: SnapshotEntry[] = [];
  for (const e of (parsed as { silences?: unknown }).silences as unknown[] ?? []) {
    const x = e as { silence?: Record<string, unknown>; expiresAt?: unknown };
    const s = x.silence;
    if (s === undefined || typeof x.expiresAt !== 'number' || typeof s['id'] !== 'string' || !Array.isArray(s['matchers'])) continue;
    if (!(s['matchers'] as unknown[]).every(isMatcher)) continue;
    out.push({
      silence: {
        id: s['id'], matchers: s['matchers'] as SilenceMatcher[], startsAt: Number(s['startsAt']), endsAt: Number(s['endsAt']),
        updatedAt: Number(s['updatedAt']), createdBy: typeof s['createdBy'] === 'string' ? s['createdBy'] : '', comment: typeof s['comment'] === 'string' ? s['comment'] : '',
      },
      expiresAt: x.expiresAt,
    });
  }
  return out;
}
