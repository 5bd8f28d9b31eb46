import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, unlink, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../../instrument/index.js';
import type { Millis } from '../../model/index.js';
import type { TargetGroup } from '../interface.js';
import { waitFor } from '../testing.js';
import { FileDiscoverer } from './file.js';
import { FileSDMetrics } from './metrics.js';

/** Runs a file discoverer over a temp dir and folds what it sends into a source → group view. */
class Harness {
  readonly view = new Map<string, TargetGroup>();
  sends = 0;
  readonly reg = new Registry();
  readonly metrics = FileSDMetrics.for(this.reg);
  readonly #ac = new AbortController();
  #done: Promise<void> = Promise.resolve();

  constructor(readonly dir: string) {}

  start(files: string[], refreshMs = 60_000, maxFileBytes?: number): void {
    const d = new FileDiscoverer(
      { files, refresh_interval: refreshMs as Millis },
      maxFileBytes === undefined ? { metrics: this.metrics } : { metrics: this.metrics, maxFileBytes },
    );
    this.#done = d.run(this.#ac.signal, (groups) => {
      this.sends++;
      for (const g of groups) {
        if (g.targets.length === 0) this.view.delete(g.source);
        else this.view.set(g.source, g);
      }
    });
  }

  addrs(): string[] {
    const out: string[] = [];
    for (const g of this.view.values()) for (const t of g.targets) out.push(t['__address__']!);
    return out.sort();
  }

  async stop(): Promise<void> {
    this.#ac.abort();
    await this.#done;
  }
}

async function withHarness(body: (h: Harness) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wf-filesd-'));
  const h = new Harness(dir);
  try {
    await body(h);
  } finally {
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

test('file SD reads JSON and YAML files matched by globs, with file label and sources', async () => {
  await withHarness(async (h) => {
    await writeFile(join(h.dir, 'a.json'), JSON.stringify([{ targets: ['a:1'], labels: { env: 'x' } }, { targets: ['a:2'] }]));
    await writeFile(join(h.dir, 'b.yml'), '- targets: [b:1]\n');
    await writeFile(join(h.dir, 'c.txt'), 'ignored');
    h.start([join(h.dir, '*.json'), join(h.dir, '?.yml')]);
    await waitFor(() => h.sends > 0);
    const a = join(h.dir, 'a.json');
    assert.deepEqual(h.view.get(`${a}:0`), { source: `${a}:0`, labels: { env: 'x', __meta_filepath: a }, targets: [{ __address__: 'a:1' }] });
    assert.deepEqual(h.view.get(`${a}:1`)?.labels, { __meta_filepath: a });
    assert.deepEqual(h.addrs(), ['a:1', 'a:2', 'b:1']);
    assert.match(h.reg.expose(), new RegExp(`prometheus_sd_file_mtime_seconds\\{filename="${a}"\\} \\d+`));
    assert.match(h.reg.expose(), /prometheus_sd_file_scan_duration_seconds_count 1\n/);
  });
});

test('file SD follows created, modified, shrunk and deleted files through watches', async () => {
  await withHarness(async (h) => {
    h.start([join(h.dir, '*.json')]);
    await waitFor(() => h.sends > 0);
    assert.deepEqual(h.addrs(), []);
    const f = join(h.dir, 'x.json');
    await writeFile(f, JSON.stringify([{ targets: ['x:1'] }, { targets: ['x:2'] }]));
    await waitFor(() => h.addrs().length === 2, 3000, 'created file');
    // Replaced atomically, as config management tools do, with one group fewer.
    await writeFile(join(h.dir, 'x.tmp'), JSON.stringify([{ targets: ['x:3'] }]));
    await rename(join(h.dir, 'x.tmp'), f);
    await waitFor(() => h.addrs().join() === 'x:3', 3000, 'modified file');
    assert.equal(h.view.has(`${f}:1`), false);
    await unlink(f);
    await waitFor(() => h.view.size === 0, 3000, 'deleted file');
    assert.doesNotMatch(h.reg.expose(), /prometheus_sd_file_mtime_seconds\{/);
  });
});

test('file SD keeps the last good groups of a file that turns bad, and counts the error', async () => {
  await withHarness(async (h) => {
    const f = join(h.dir, 'g.yaml');
    await writeFile(f, '- targets: [g:1]\n');
    h.start([join(h.dir, '*.yaml')], 30);
    await waitFor(() => h.addrs().join() === 'g:1');
    await writeFile(f, '- targets: [g:2]\n  nope: 1\n');
    await waitFor(() => h.metrics.readErrors.value >= 1, 3000, 'read error');
    const sendsAfterError = h.sends;
    await waitFor(() => h.sends > sendsAfterError + 1, 3000, 'more refreshes');
    assert.deepEqual(h.addrs(), ['g:1']);
    await writeFile(f, '- targets: [g:3]\n');
    await waitFor(() => h.addrs().join() === 'g:3', 3000, 'recovered file');
  });
});

test('file SD refuses files over the size limit', async () => {
  await withHarness(async (h) => {
    await writeFile(join(h.dir, 'big.json'), JSON.stringify([{ targets: ['big:1'], labels: { pad: 'x'.repeat(200) } }]));
    await writeFile(join(h.dir, 'small.json'), JSON.stringify([{ targets: ['s:1'] }]));
    h.start([join(h.dir, '*.json')], 60_000, 100);
    await waitFor(() => h.sends > 0);
    assert.deepEqual(h.addrs(), ['s:1']);
    assert.equal(h.metrics.readErrors.value, 1);
  });
});

test('file SD re-reads on its refresh interval even without watch events', async () => {
  await withHarness(async (h) => {
    // The directory does not exist yet, so it cannot be watched: only the timer finds the file.
    const sub = join(h.dir, 'later');
    h.start([join(sub, '*.json')], 40);
    await waitFor(() => h.sends > 0);
    assert.ok(h.metrics.watcherErrors.value >= 1);
    await mkdir(sub);
    await writeFile(join(sub, 'l.json'), JSON.stringify([{ targets: ['l:1'] }]));
    await waitFor(() => h.addrs().join() === 'l:1', 3000, 'file found by refresh');
  });
});

test('file SD stops promptly and sends nothing after abort', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wf-filesd-'));
  try {
    const reg = new Registry();
    const ac = new AbortController();
    let sends = 0;
    const d = new FileDiscoverer({ files: [join(dir, '*.json')], refresh_interval: 10 as Millis }, { metrics: FileSDMetrics.for(reg) });
    const done = d.run(ac.signal, () => { sends++; });
    await waitFor(() => sends > 0);
    ac.abort();
    await done;
    const after = sends;
    await writeFile(join(dir, 'z.json'), '[]');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(sends, after);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
