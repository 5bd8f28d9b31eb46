import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FlagError, FlagSet } from './flag-parser.js';
import { SERVER_FLAGS } from './server-flags.js';

const fs = new FlagSet(SERVER_FLAGS);

test('server flags have Prometheus defaults', () => {
  const p = fs.parse([]);
  assert.equal(p.values.get('config.file'), 'prometheus.yml');
  assert.deepEqual(p.values.get('web.listen-address'), ['0.0.0.0:9090']);
  assert.equal(p.values.get('query.timeout'), 120000);
  assert.equal(p.values.get('query.max-samples'), 50000000);
  assert.equal(p.values.get('storage.remote.read-sample-limit'), 50000000);
  assert.equal(p.values.get('web.enable-lifecycle'), false);
  assert.equal(p.values.get('storage.tsdb.path'), 'data/');
  assert.equal(p.values.get('storage.tsdb.retention.time'), 0);
  assert.equal(p.values.get('log.level'), 'info');
});

test('flag syntax: =, separate value, booleans, negation, repetition', () => {
  const p = fs.parse(['--config.file=a.yml', '--web.listen-address', ':1', '--web.listen-address=:2', '--web.enable-lifecycle',
    '--no-storage.agent.wal-compression', '--query.lookback-delta=1m30s', '--storage.tsdb.retention.size=1GB', '--enable-feature=a,b']);
  assert.equal(p.values.get('config.file'), 'a.yml');
  assert.deepEqual(p.values.get('web.listen-address'), [':1', ':2']);
  assert.equal(p.values.get('web.enable-lifecycle'), true);
  assert.equal(p.values.get('storage.agent.wal-compression'), false);
  assert.equal(p.values.get('query.lookback-delta'), 90000);
  assert.equal(p.values.get('storage.tsdb.retention.size'), 1024 ** 3);
  assert.deepEqual(p.values.get('enable-feature'), ['a,b']);
  assert.ok(p.set.has('config.file'));
  assert.ok(!p.set.has('query.timeout'));
});

test('unknown flags and bad values are errors', () => {
  const bad: [string[], RegExp][] = [
    [['--nope'], /unknown long flag '--nope'/],
    [['--query.timeout=1x'], /invalid value "1x" for flag '--query.timeout'/],
    [['--query.max-samples=lots'], /expected an integer/],
    [['--log.level=loud'], /enum value must be one of/],
    [['--config.file'], /expected argument for flag '--config.file'/],
    [['--web.enable-lifecycle=maybe'], /expected a boolean/],
    [['--storage.tsdb.retention.size=12'], /unit/],
    [['positional'], /unexpected positional/],
  ];
  for (const [argv, re] of bad) {
    assert.throws(() => fs.parse(argv), (e: unknown) => e instanceof FlagError && re.test(e.message), argv.join(' '));
  }
});

test('help lists every visible flag, and docs/cli.md documents each', () => {
  const help = fs.usage('watchfire', 'x');
  const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  for (const d of SERVER_FLAGS) {
    if (d.hidden === true) continue;
    assert.ok(help.includes(`--${d.name}`) || help.includes(`--[no-]${d.name}`), `help lacks --${d.name}`);
    assert.ok(docs.includes(`\`--${d.name}\``), `docs/cli.md lacks --${d.name}`);
  }
});
