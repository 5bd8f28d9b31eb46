/**
 * Starts a Watchfire server in-process for a test. Test files run in parallel, so a server
 * started without `--storage.tsdb.path` would share `./data/` (and its lock) with every
 * other: this gives it a private data directory, removed when the server stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchServer } from '../cmd/server-launch.js';
import type { ServerHandle } from '../cmd/server.js';

export async function launchTestServer(argv: readonly string[]): Promise<ServerHandle | number> {
  if (argv.some((a) => a === '--storage.tsdb.path' || a.startsWith('--storage.tsdb.path='))) return launchServer(argv);
  const dir = mkdtempSync(join(tmpdir(), 'watchfire-test-data-'));
  const h = await launchServer([...argv, `--storage.tsdb.path=${dir}`]);
  if (typeof h === 'number') {
    rmSync(dir, { recursive: true, force: true });
    return h;
  }
  void h.done.then(() => { rmSync(dir, { recursive: true, force: true }); }, () => undefined);
  return h;
}
