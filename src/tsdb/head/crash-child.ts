/**
 * The child of the crash test (not a test itself): opens a head on argv[2], then commits
 * batches in a loop, printing "ack <n>" once each commit resolved, until it is killed.
 * Batch n holds, for series k in 0..SERIES-1, the sample (n * 1000 ms, n + k).
 */
import { fileURLToPath } from 'node:url';
import { Labels, type Millis } from '../../model/index.js';
import { Head } from './head.js';

export const CRASH_SERIES = 50;

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: crash-child <data dir>');
  const sync = process.argv[3] === 'fsync' ? 'fsync' : 'write';
  const head = await Head.open(dir, { walSync: sync, chunkRange: 10 * 60_000 });
  const labels: Labels[] = [];
  for (let k = 0; k < CRASH_SERIES; k++) labels.push(Labels.fromStrings('__name__', 'crash', 'k', String(k)));
  const refs = new Array<number>(CRASH_SERIES).fill(0);
  let n = Number.isNaN(head.maxTime) ? 1 : Math.floor(head.maxTime / 1000) + 1;
  process.stdout.write(`start ${n}\n`);
  for (;;) {
    const app = head.appender();
    for (let k = 0; k < CRASH_SERIES; k++) refs[k] = app.append(refs[k]!, labels[k]!, (n * 1000) as Millis, n + k);
    await app.commit();
    process.stdout.write(`ack ${n}\n`);
    n++;
  }
}

// Run only as a program, not when the test imports the constant.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`crash child: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
}
