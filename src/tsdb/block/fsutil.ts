/** File system steps that make block writes durable. */
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsyncs a directory, so that entries created or renamed in it survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Renames `from` to `to` and fsyncs the parent directory (Prometheus's fileutil.Replace for new paths). */
export async function replace(from: string, to: string): Promise<void> {
  await rename(from, to);
  await syncDir(dirname(to));
}
