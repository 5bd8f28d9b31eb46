import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceDiscoveryConfigs } from '../config/types.js';
import { Registry } from '../instrument/index.js';
import type { TargetGroup } from './interface.js';
import { DiscoveryManager, type TargetSets } from './manager.js';
import { registerDiscovererFactory } from './registry.js';
import { FakeDiscoverer, group, sleep, waitFor } from './testing.js';

// A fake mechanism: config {id, initial?} builds a FakeDiscoverer the test can drive.
interface FakeConfig { id: string; initial?: string[]; fail?: boolean; silent?: boolean }
const fakes: FakeDiscoverer[] = [];
const unregister = registerDiscovererFactory('fake_sd_configs', (cfg) => {
  const c = cfg as FakeConfig;
  if (c.fail === true) throw new Error('bad fake config');
  const initial = c.silent === true ? null : [group(`${c.id}/0`, ...(c.initial ?? [`${c.id}:1`]))];
  const d = new FakeDiscoverer(c, initial);
  fakes.push(d);
  return d;
});
after(unregister);

function fakeOf(id: string): FakeDiscoverer[] {
  return fakes.filter((f) => (f.config as FakeConfig).id === id);
}

function sd(parts: Partial<ServiceDiscoveryConfigs>): ServiceDiscoveryConfigs {
  return { static_configs: [], file_sd_configs: [], other: {}, ...parts };
}

function fake(...cfgs: FakeConfig[]): ServiceDiscoveryConfigs {
  return sd({ other: { fake_sd_configs: cfgs } });
}

/** Addresses per set, sorted, for compact assertions. */
function addrs(sets: TargetSets): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, groups] of sets) {
    const a: string[] = [];
    for (const g of groups) for (const t of g.targets) a.push(t['__address__']!);
    out[name] = a.sort();
  }
  return out;
}

class Recorder {
  readonly got: { at: number; sets: TargetSets }[] = [];
  constructor(m: DiscoveryManager) {
    m.onUpdate((sets) => this.got.push({ at: Date.now(), sets }));
  }
  last(): Record<string, string[]> {
    const l = this.got[this.got.length - 1];
    return l === undefined ? {} : addrs(l.sets);
  }
}

async function withManager(opts: { intervalMs?: number; initialDelayMs?: number }, body: (m: DiscoveryManager, r: Recorder, reg: Registry) => Promise<void>): Promise<void> {
  const reg = new Registry();
  const m = new DiscoveryManager({ name: 'scrape', registry: reg, updateIntervalMs: opts.intervalMs ?? 100, initialDelayMs: opts.initialDelayMs ?? 50 });
  const r = new Recorder(m);
  try {
    await body(m, r, reg);
  } finally {
    await m.stop();
  }
}

test('static configs and a set without SD configs are delivered right after the first reports', async () => {
  // Long interval and delay: the first send must not wait for either once all providers reported.
  await withManager({ intervalMs: 60_000, initialDelayMs: 60_000 }, async (m, r) => {
    m.applyConfig(new Map([
      ['job1', sd({ static_configs: [{ targets: ['a:1', 'b:1'], labels: { env: 'x' } }, { targets: ['c:1'], labels: {} }] })],
      ['empty', sd({})],
    ]));
    await waitFor(() => r.got.length === 1, 2000, 'first send');
    const sets = r.got[0]!.sets;
    assert.deepEqual(addrs(sets), { job1: ['a:1', 'b:1', 'c:1'], empty: [] });
    assert.deepEqual(sets.get('job1')!.map((g) => g.source).sort(), ['0', '1']);
    assert.deepEqual(sets.get('job1')![0]!.labels, { env: 'x' });
  });
});

test('the first send goes out after the initial delay when a provider stays silent', async () => {
  await withManager({ intervalMs: 60_000, initialDelayMs: 80 }, async (m, r) => {
    m.applyConfig(new Map([['a', fake({ id: 'silent1', silent: true })], ['b', fake({ id: 'loud1' })]]));
    await waitFor(() => r.got.length === 1, 2000, 'delayed first send');
    assert.deepEqual(r.last(), { a: [], b: ['loud1:1'] });
  });
});

test('updates are coalesced and sent at most once per interval', async () => {
  const interval = 250;
  await withManager({ intervalMs: interval }, async (m, r) => {
    m.applyConfig(new Map([['j', fake({ id: 'thr' })]]));
    await waitFor(() => r.got.length === 1);
    const d = fakeOf('thr')[0]!;
    // A burst of updates in one tick: one send with the final state.
    for (let i = 0; i < 20; i++) d.send([group('thr/0', `t:${i}`)]);
    await waitFor(() => r.got.length === 2, 3000, 'coalesced send');
    assert.deepEqual(r.last(), { j: ['t:19'] });
    d.send([group('thr/0', 'u:1')]);
    await waitFor(() => r.got.length === 3, 3000, 'third send');
    // Sends are spaced by at least the interval (a lower bound; a slow machine only widens it).
    for (let i = 2; i < r.got.length; i++) assert.ok(r.got[i]!.at - r.got[i - 1]!.at >= interval - 5);
    await sleep(interval + 50);
    assert.equal(r.got.length, 3, 'nothing changed, nothing sent');
  });
});

test('an empty group removes its source from the set', async () => {
  await withManager({}, async (m, r) => {
    m.applyConfig(new Map([['j', fake({ id: 'rm', initial: ['r:1'] })]]));
    await waitFor(() => r.got.length === 1);
    const d = fakeOf('rm')[0]!;
    d.send([group('other', 'o:1')]);
    await waitFor(() => r.last()['j']?.length === 2);
    d.send([group('rm/0')]);
    await waitFor(() => r.last()['j']?.join() === 'o:1');
  });
});

test('reload keeps providers with unchanged configs, stops changed ones and drops their groups', async () => {
  await withManager({}, async (m, r) => {
    m.applyConfig(new Map([['j', fake({ id: 'keep' }, { id: 'drop' })]]));
    await waitFor(() => r.last()['j']?.length === 2);
    // A structurally equal config (a new object) keeps the same discoverer.
    m.applyConfig(new Map([['j', fake({ id: 'keep' }, { id: 'new' })]]));
    await waitFor(() => r.last()['j']?.join() === 'keep:1,new:1', 3000, 'reloaded set');
    assert.equal(fakeOf('keep').length, 1);
    assert.equal(fakeOf('keep')[0]!.aborted, false);
    assert.equal(fakeOf('drop')[0]!.aborted, true);
    assert.equal(fakeOf('new')[0]!.started, true);
    // Updates from the stopped discoverer are ignored.
    fakeOf('drop')[0]!.send([group('late', 'late:1')]);
    fakeOf('keep')[0]!.send([group('keep/1', 'keep:2')]);
    await waitFor(() => r.last()['j']?.includes('keep:2') === true);
    assert.equal(r.last()['j']?.includes('late:1'), false);
  });
});

test('identical configs of two sets share one provider; a removed set is sent once with no groups', async () => {
  await withManager({}, async (m, r) => {
    m.applyConfig(new Map([['a', fake({ id: 'shared' })], ['b', fake({ id: 'shared' })]]));
    await waitFor(() => r.got.length >= 1);
    assert.deepEqual(r.last(), { a: ['shared:1'], b: ['shared:1'] });
    assert.equal(fakeOf('shared').length, 1);
    m.applyConfig(new Map([['a', fake({ id: 'shared' })]]));
    await waitFor(() => r.last()['b'] !== undefined && r.last()['b']!.length === 0 && r.got.length >= 2, 3000, 'removal send');
    assert.equal(fakeOf('shared')[0]!.aborted, false);
    fakeOf('shared')[0]!.send([group('x', 'x:1')]);
    await waitFor(() => r.last()['a']?.length === 2);
    assert.equal(r.last()['b'], undefined, 'removed set is no longer sent');
  });
});

test('a set whose providers all go away is sent empty, and a new set on a running provider gets its groups', async () => {
  await withManager({}, async (m, r) => {
    m.applyConfig(new Map([['a', fake({ id: 'p1' })]]));
    await waitFor(() => r.last()['a']?.join() === 'p1:1');
    m.applyConfig(new Map([['a', sd({})], ['c', fake({ id: 'p1' })]]));
    await waitFor(() => r.got.length >= 2 && r.last()['a']?.length === 0, 3000, 'emptied set');
    // 'c' joined the running provider and starts from the groups it already sent.
    assert.deepEqual(r.last()['c'], ['p1:1']);
    assert.equal(fakeOf('p1').length, 1);
  });
});

test('failed configs are counted and leave the set empty; metrics carry the manager name', async () => {
  await withManager({}, async (m, r, reg) => {
    m.applyConfig(new Map([['bad', fake({ id: 'f', fail: true })], ['good', fake({ id: 'g', initial: ['g:1', 'g:2'] })], ['unknown', sd({ other: { nope_sd_configs: [{}] } })]]));
    await waitFor(() => r.got.length === 1);
    assert.deepEqual(r.last(), { bad: [], good: ['g:1', 'g:2'], unknown: [] });
    const text = reg.expose();
    assert.match(text, /prometheus_sd_failed_configs\{name="scrape"\} 2\n/);
    assert.match(text, /prometheus_sd_discovered_targets\{config="good",name="scrape"\} 2\n/);
    assert.match(text, /prometheus_sd_discovered_targets\{config="bad",name="scrape"\} 0\n/);
    assert.match(text, /prometheus_sd_received_updates_total\{name="scrape"\} [1-9]/);
    assert.match(text, /prometheus_sd_updates_total\{name="scrape"\} 1\n/);
    assert.match(text, /prometheus_sd_updates_delayed_total\{name="scrape"\} 0\n/);
  });
});

test('two managers share one registry', async () => {
  const reg = new Registry();
  const a = new DiscoveryManager({ name: 'scrape', registry: reg });
  const b = new DiscoveryManager({ name: 'notify', registry: reg });
  await Promise.all([a.stop(), b.stop()]);
  assert.match(reg.expose(), /prometheus_sd_updates_total\{name="notify"\} 0\n/);
});

test('the async iterator yields sends, keeps only the latest for a slow consumer, and ends on stop', async () => {
  const reg = new Registry();
  const m = new DiscoveryManager({ name: 'scrape', registry: reg, updateIntervalMs: 20, initialDelayMs: 20 });
  const it = m.updates();
  m.applyConfig(new Map([['j', fake({ id: 'it' })]]));
  const first = await it.next();
  assert.equal(first.done, false);
  assert.deepEqual(addrs(first.value), { j: ['it:1'] });
  const d = fakeOf('it')[0]!;
  d.send([group('it/0', 'i:1')]);
  await waitFor(() => /prometheus_sd_updates_total\{name="scrape"\} 2\n/.test(reg.expose()));
  d.send([group('it/0', 'i:2')]);
  await waitFor(() => /prometheus_sd_updates_delayed_total\{name="scrape"\} 1\n/.test(reg.expose()), 3000, 'delayed send');
  const latest = await it.next();
  assert.deepEqual(addrs(latest.value!), { j: ['i:2'] });
  const pending = it.next();
  await m.stop();
  assert.equal((await pending).done, true);
  assert.equal(d.aborted, true);
});

test('groups sent by a discoverer are delivered per set as given', async () => {
  await withManager({}, async (m, r) => {
    m.applyConfig(new Map([['j', fake({ id: 'lbl', silent: true })]]));
    await waitFor(() => r.got.length === 1);
    const g: TargetGroup = { source: 's', labels: { region: 'eu' }, targets: [{ __address__: 'h:1', __meta_x: 'y' }] };
    fakeOf('lbl')[0]!.send([g]);
    await waitFor(() => r.got.length === 2);
    assert.deepEqual(r.got[1]!.sets.get('j'), [g]);
  });
});

test('a late subscriber first gets the last send', async () => {
  await withManager({}, async (m, r) => {
    m.applyConfig(new Map([['j', sd({ static_configs: [{ targets: ['s:1'], labels: {} }] })]]));
    await waitFor(() => r.got.length === 1);
    const late: TargetSets[] = [];
    m.onUpdate((sets) => late.push(sets));
    await waitFor(() => late.length === 1, 2000, 'replayed send');
    assert.deepEqual(addrs(late[0]!), { j: ['s:1'] });
    const it = m.updates();
    const first = await it.next();
    assert.deepEqual(addrs(first.value!), { j: ['s:1'] });
    await it.return!();
  });
});
