import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from './peers.js';

test('freePort: listenable loopback ports below the ephemeral range, never the same twice', async () => {
  const lo = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  const seen = new Set<number>();
  for (let i = 0; i < 40; i++) {
    const port = await freePort();
    assert.ok(port >= 1024 && port < lo, `port ${port} is outside [1024, ${lo})`);
    assert.ok(!seen.has(port), `port ${port} handed out twice`);
    seen.add(port);
  }
  // Each can be listened on, all at once.
  const servers = await Promise.all([...seen].map((port) => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => { resolve(s); });
  })));
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => { s.close(() => { resolve(); }); })));
});

/** Math.random returning `values` in turn (the last one from then on) while `fn` runs. */
async function withRandom<T>(values: number[], fn: () => Promise<T>): Promise<T> {
  const real = Math.random;
  let i = 0;
  Math.random = () => values[Math.min(i++, values.length - 1)]!;
  try {
    return await fn();
  } finally {
    Math.random = real;
  }
}

test('freePort: skips a port that something listens on, and never repeats one', async () => {
  const lo = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  const span = lo - 1 - 10_000 + 1;
  const at = (port: number): number => (port - 10_000 + 0.5) / span;
  // Hold a port of the range that freePort has not handed out.
  const holder = createServer();
  let a = 0;
  for (let tries = 0; a === 0 && tries < 100; tries++) {
    const port = 10_000 + Math.floor(Math.random() * span);
    a = await new Promise<number>((resolve) => {
      holder.once('error', () => { resolve(0); });
      holder.listen(port, '127.0.0.1', () => { resolve(port); });
    });
  }
  assert.ok(a > 0, 'no port to hold');
  const b = await freePort();
  try {
    // The first pick is the held port: it is skipped for the next one.
    const c = await withRandom([at(a), at(b)], () => freePort());
    assert.notEqual(c, a);
    // Picks that only ever land on handed-out ports end with the kernel's choice, not a repeat.
    const d = await withRandom([at(c)], () => freePort());
    assert.notEqual(d, c);
    assert.notEqual(d, a);
  } finally {
    await new Promise<void>((resolve) => { holder.close(() => { resolve(); }); });
  }
});
