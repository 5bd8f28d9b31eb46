/**
 * Crash safety: a child process commits batches in a loop and reports each acknowledged
 * commit; it is SIGKILLed at a seeded random moment, several rounds on the same directory;
 * after each kill the head reopens and every acknowledged sample is there with its value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Head } from './index.js';
import { CRASH_SERIES } from './crash-child.js';
import { dump, removeDir, rng, tempDir } from './test-support.js';

function childCommand(dir: string, sync: string): { cmd: string; args: string[] } {
  const fromSrc = import.meta.url.endsWith('.ts');
  const child = fileURLToPath(new URL(fromSrc ? './crash-child.ts' : './crash-child.js', import.meta.url));
  return { cmd: process.execPath, args: fromSrc ? ['--import', import.meta.resolve('tsx'), child, dir, sync] : [child, dir, sync] };
}

/** Runs the child until `killAfterMs` after its first ack, SIGKILLs it, returns the acknowledged batch numbers. */
async function runAndKill(dir: string, sync: string, killAfterMs: number): Promise<number[]> {
  const { cmd, args } = childCommand(dir, sync);
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let out = '', err = '';
  let timer: NodeJS.Timeout | null = null;
  const exited = new Promise<void>((resolve) => { p.once('exit', () => { resolve(); }); });
  p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  p.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    let i;
    while ((i = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      if (line.startsWith('ack ')) {
        acked.push(Number(line.slice(4)));
        timer ??= setTimeout(() => p.kill('SIGKILL'), killAfterMs);
      }
    }
  });
  const guard = setTimeout(() => p.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(guard);
  if (timer !== null) clearTimeout(timer);
  assert.equal(p.signalCode, 'SIGKILL', `child ended by itself: ${err}`);
  assert.ok(acked.length > 0, `no commit acknowledged: ${err}`);
  return acked;
}

void test('kill -9 at random moments loses no acknowledged commit', { timeout: 90_000 }, async (t) => {
  const dir = await tempDir('watchfire-crash-');
  const r = rng(20240607);
  try {
    const all: number[] = [];
    for (let round = 0; round < 4; round++) {
      const sync = round === 3 ? 'fsync' : 'write';
      const acked = await runAndKill(dir, sync, 150 + Math.floor(r() * 600));
      all.push(...acked);
      t.diagnostic(`round ${round} (${sync}): ${acked.length} commits acknowledged before SIGKILL`);
      const h = await Head.open(dir, { walSync: 'write', chunkRange: 10 * 60_000 });
      try {
        const got = await dump(h);
        for (const n of all) {
          for (let k = 0; k < CRASH_SERIES; k += 7) {
            const samples = got.get(`{__name__="crash", k="${k}"}`);
            assert.ok(samples !== undefined, `series ${k} missing after round ${round}`);
            const s = samples.find(([t]) => t === n * 1000);
            assert.deepEqual(s, [n * 1000, n + k], `acknowledged batch ${n}, series ${k}, round ${round}`);
          }
        }
      } finally {
        await h.close();
      }
    }
    assert.ok(all.length > 20, `${all.length} acknowledged commits over 4 rounds`);
  } finally {
    await removeDir(dir);
  }
});
