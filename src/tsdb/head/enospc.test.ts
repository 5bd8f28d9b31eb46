/**
 * A full disk: on a small tmpfs, a commit whose WAL write fails (ENOSPC) rejects with a clear
 * error and leaves nothing of its batch visible; once space returns the next commit works,
 * and a reopened head holds exactly the committed data. Needs root to mount the tmpfs; skips
 * otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Head } from './index.js';
import { dump, L, ms, removeDir, tempDir } from './test-support.js';

function mountTmpfs(dir: string, size: string): string | null {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : `cannot mount a tmpfs: ${r.stderr.trim()}`;
}

void test('a WAL write failing with ENOSPC fails the commit cleanly; the next commit after space returns works', { timeout: 30_000 }, async (t) => {
  const mnt = await tempDir('watchfire-enospc-');
  const skip = mountTmpfs(mnt, '1m');
  if (skip !== null) {
    await removeDir(mnt);
    if (process.env['WATCHFIRE_REQUIRE_PEERS'] === '1' && process.getuid?.() === 0) assert.fail(skip);
    t.skip(skip);
    return;
  }
  try {
    const dir = join(mnt, 'data');
    await mkdir(dir);
    let h = await Head.open(dir, { walSync: 'fsync', walCompression: 'none' });
    // Fill the disk but for a little room.
    const filler = join(mnt, 'filler');
    await writeFile(filler, new Uint8Array(1024 * 1024 - 96 * 1024)).catch(() => undefined);
    let n = 0;
    let failure: Error | null = null;
    const value = (i: number, k: number): number => i * 1000 + k;
    for (; n < 2000 && failure === null; n++) {
      const a = h.appender();
      for (let k = 0; k < 100; k++) a.append(0, L('__name__', 'full', 'k', String(k)), ms(n * 1000), value(n, k));
      try {
        await a.commit();
      } catch (e) {
        failure = e as Error;
      }
    }
    assert.ok(failure !== null, 'the disk never filled up');
    assert.match(failure.message, /^write to WAL: .*ENOSPC/);
    const failed = n - 1;
    const before = await dump(h);
    assert.equal(before.get('{__name__="full", k="0"}')!.at(-1)![0], (failed - 1) * 1000, 'nothing of the failed batch is visible');
    // Still (nearly) full: a small commit fails too and the head stays as it was, unless
    // cutting the torn record back freed enough room for it; then it is visible.
    const b = h.appender();
    b.append(0, L('__name__', 'full', 'k', '0'), ms(failed * 1000 - 500), 1);
    const probe = await b.commit().then(() => null, (e: unknown) => e as Error);
    if (probe !== null) {
      assert.match(probe.message, /^write to WAL: /);
      assert.deepEqual(await dump(h), before);
    } else {
      assert.deepEqual((await dump(h)).get('{__name__="full", k="0"}')!.at(-1), [failed * 1000 - 500, 1]);
    }
    // Space returns: the next commit works.
    await rm(filler);
    const c = h.appender();
    for (let k = 0; k < 100; k++) c.append(0, L('__name__', 'full', 'k', String(k)), ms(failed * 1000), value(failed, k));
    await c.commit();
    const want = await dump(h);
    assert.equal(want.get('{__name__="full", k="0"}')!.at(-1)![0], failed * 1000);
    await h.close();
    h = await Head.open(dir, { walSync: 'fsync' });
    assert.deepEqual(await dump(h), want, 'a reopened head holds exactly the acknowledged commits');
    await h.close();
  } finally {
    spawnSync('umount', [mnt]);
    await removeDir(mnt);
  }
});
