/**
 * Hostile and broken targets, each next to a healthy one: the bad target goes down with an
 * error worded like Prometheus's, nothing of its failed scrapes is stored except the report
 * series and stale markers, and the healthy target keeps scraping on its schedule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { ScrapeConfig } from '../config/index.js';
import { listen } from '../httpclient/test-server.js';
import type { Millis } from '../model/index.js';
import { group, job, newEnv, waitFor } from './test-env.js';
import type { Rec } from './test-support.js';

interface Case {
  name: string;
  cfg?: Partial<ScrapeConfig>;
  /** Serves the bad response (after a first good one). */
  bad: (res: ServerResponse) => void;
  error: RegExp;
  /** Duplicates are counted and rejected but do not fail the scrape, as in Prometheus. */
  staysUp?: boolean;
}

const TEXT = { 'content-type': 'text/plain; version=0.0.4' };
/** 16 MiB of spaces in about 16 KiB. */
const BOMB = gzipSync(Buffer.alloc(16 << 20, 0x20));

const cases: Case[] = [
  {
    name: 'timeout',
    bad: () => { /* never answers */ },
    error: /^Get "http:\/\/127\.0\.0\.1:\d+\/bad": context deadline exceeded$/,
  },
  {
    name: 'body over body_size_limit',
    cfg: { body_size_limit: 1000 },
    bad: (res) => { res.writeHead(200, TEXT).end(`big ${'1'.repeat(5000)}\n`); },
    error: /^body size limit exceeded$/,
  },
  {
    name: 'gzip bomb',
    cfg: { body_size_limit: 64 * 1024 },
    bad: (res) => { res.writeHead(200, { ...TEXT, 'content-encoding': 'gzip' }).end(BOMB); },
    error: /^body size limit exceeded$/,
  },
  {
    name: 'over sample_limit',
    cfg: { sample_limit: 5 },
    bad: (res) => { res.writeHead(200, TEXT).end(Array.from({ length: 10 }, (_, i) => `s${i} 1\n`).join('')); },
    error: /^sample limit exceeded$/,
  },
  {
    name: 'invalid syntax',
    bad: (res) => { res.writeHead(200, TEXT).end('first_series 1\nmetric{ 1\n'); },
    error: /^expected label name, got "1" \("INVALID"\) while parsing: "metric\{ 1"$/,
  },
  {
    name: 'non-UTF-8 bytes',
    bad: (res) => { res.writeHead(200, TEXT).end(Buffer.concat([Buffer.from('first_series 1\nm{l="'), Buffer.from([0xff, 0xfe]), Buffer.from('"} 1\n')])); },
    error: /^invalid UTF-8 label value: /,
  },
  {
    name: 'absurdly long label value',
    cfg: { label_value_length_limit: 100 },
    bad: (res) => { res.writeHead(200, TEXT).end(`first_series 1\nm{l="${'x'.repeat(100_000)}"} 1\n`); },
    error: new RegExp(`^label_value_length_limit exceeded \\(metric: m, label name: l, value: "${'x'.repeat(50)}", length: 100000, limit: 100\\)$`),
  },
  {
    name: 'HTTP 500',
    bad: (res) => { res.writeHead(500).end('oops'); },
    error: /^server returned HTTP status 500 Internal Server Error$/,
  },
  {
    name: 'duplicate series',
    bad: (res) => { res.writeHead(200, TEXT).end('first_series 1\nother 1\ndup 1\ndup 2\n'); },
    error: /^$/,
    staysUp: true,
  },
];

function series(name: string, instance: string): string {
  return `{__name__="${name}", instance="${instance}", job="j"}`;
}

for (const c of cases) {
  test(`bad input: ${c.name}`, { timeout: 20_000 }, async () => {
    let badCalls = 0;
    let goodCalls = 0;
    const srv = await listen((req, res) => {
      if (req.url === '/good') {
        goodCalls++;
        res.writeHead(200, TEXT).end(`good_total ${goodCalls}\n`);
        return;
      }
      if (badCalls++ === 0) {
        res.writeHead(200, TEXT).end('first_series 1\nother 1\n');
        return;
      }
      c.bad(res);
    });
    const env = newEnv();
    const addr = `127.0.0.1:${srv.port}`;
    try {
      // Generous timings: the machine running the tests may be busy.
      env.manager.applyConfig([job('j', { scrape_interval: 500 as Millis, scrape_timeout: 300 as Millis, ...c.cfg })]);
      env.manager.sync(new Map([['j', [group('g', [
        { __address__: addr, __metrics_path__: '/good', instance: 'good' },
        { __address__: addr, __metrics_path__: '/bad', instance: 'bad' },
      ])]]]));
      const bad = env.manager.targetsActive().get('j')!.find((t) => t.labels.get('instance') === 'bad')!;
      const badUp = (): Rec[] => env.storage.samplesOf(series('up', 'bad'));
      await waitFor('three scrapes of each target', () => badUp().length >= 3 && env.storage.samplesOf(series('up', 'good')).length >= 3, 10_000);
      const goodUp = env.storage.samplesOf(series('up', 'good'));

      if (c.staysUp === true) {
        assert.equal(bad.health, 'up');
        assert.ok(badUp().every((r) => r.v === 1));
        assert.deepEqual(env.storage.samplesOf(series('dup', 'bad')).map((r) => r.v).slice(0, 1), [1], 'the first of the duplicates is kept');
        const dupTimes = env.storage.samplesOf(series('dup', 'bad')).map((r) => r.t);
        assert.equal(new Set(dupTimes).size, dupTimes.length, 'one sample per scrape');
        assert.ok(/prometheus_target_scrapes_sample_duplicate_timestamp_total [1-9]/.test(env.registry.expose()));
      } else {
        assert.equal(bad.health, 'down', c.name);
        assert.match(bad.lastError, c.error, c.name);
        const ups = badUp();
        assert.equal(ups[0]!.v, 1);
        assert.ok(ups.slice(1).every((r) => r.v === 0), 'up=0 after the first scrape');
        const failedTimes = new Set(ups.slice(1).map((r) => r.t));
        // Stale markers for what the first (good) scrape stored, at the first failure.
        const first = env.storage.samplesOf(series('first_series', 'bad'));
        assert.deepEqual(first.map((r) => (r.stale ? 'stale' : r.v)), [1, 'stale'], c.name);
        assert.equal(first[1]!.t, ups[1]!.t);
        // Nothing else from the failed scrapes: only report series and stale markers.
        const stored = env.storage.where((r) => r.series.includes('instance="bad"') && failedTimes.has(r.t) && !r.stale && !/__name__="(up|scrape_[a-z_]+)"/.test(r.series));
        assert.deepEqual(stored, [], c.name);
        for (const r of env.storage.samplesOf(series('scrape_samples_post_metric_relabeling', 'bad'))) assert.ok(Number.isFinite(r.v));
      }
      // The healthy target scraped throughout, on its own schedule.
      assert.ok(goodUp.length >= 3 && goodUp.every((r) => r.v === 1), `healthy target: ${goodUp.length} scrapes`);
      const gaps = goodUp.slice(1).map((r, i) => r.t - goodUp[i]!.t);
      assert.ok(gaps.every((g) => g >= 400 && g < 2500), `healthy target keeps its interval: ${gaps.join(',')}`);
    } finally {
      await env.manager.stop();
      await srv.close();
    }
  });
}
