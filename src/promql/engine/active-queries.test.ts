import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFields, Logger } from '../../util/log.js';
import { ACTIVE_QUERIES_FILENAME, ActiveQueryTracker, ENTRY_SIZE, slotBytes, unfinishedQueries } from './active-queries.js';

interface Line { level: string; msg: string; fields: LogFields | undefined }

function memLogger(lines: Line[]): Logger {
  const l: Logger = {
    debug: (msg, fields) => { lines.push({ level: 'debug', msg, fields }); },
    info: (msg, fields) => { lines.push({ level: 'info', msg, fields }); },
    warn: (msg, fields) => { lines.push({ level: 'warn', msg, fields }); },
    error: (msg, fields) => { lines.push({ level: 'error', msg, fields }); },
    with: () => l,
    enabled: () => true,
  };
  return l;
}

/** The file as the JSON array Prometheus's reader makes of it. */
function entries(dir: string): { query: string; timestamp_sec: number }[] {
  const q = unfinishedQueries(readFileSync(join(dir, ACTIVE_QUERIES_FILENAME)));
  return q === null ? [] : JSON.parse(q) as { query: string; timestamp_sec: number }[];
}

void describe('active query log (queries.active)', () => {
  void it('is "[" and NUL slots of 1000 bytes; a running query has its slot, an ended one has none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-aq-'));
    try {
      const t = ActiveQueryTracker.open(dir, 3, memLogger([]))!;
      const file = join(dir, ACTIVE_QUERIES_FILENAME);
      assert.equal(statSync(file).size, 1 + 3 * ENTRY_SIZE);
      assert.equal(readFileSync(file)[0], 0x5b);
      assert.deepEqual(entries(dir), []);
      const before = Math.floor(Date.now() / 1000);
      const a = t.insert('up');
      const b = t.insert('sum(rate(x[5m]))');
      t.flush();
      assert.deepEqual(entries(dir).map((e) => e.query), ['up', 'sum(rate(x[5m]))']);
      assert.ok(entries(dir).every((e) => e.timestamp_sec >= before && e.timestamp_sec <= before + 2));
      // A slot is the entry, NULs, and a comma at its last byte.
      const raw = readFileSync(file);
      assert.equal(raw[a + ENTRY_SIZE - 1], 0x2c);
      assert.equal(raw.subarray(a, a + 100).toString('utf8').replace(/\0+$/, ''), `{"query":"up","timestamp_sec":${entries(dir)[0]!.timestamp_sec}}`);
      t.delete(a);
      t.flush();
      assert.deepEqual(entries(dir).map((e) => e.query), ['sum(rate(x[5m]))']);
      // The freed slot is used again; there are never more than the slots.
      const c = t.insert('c');
      const d = t.insert('d');
      assert.equal(c, a);
      assert.equal(t.insert('e'), -1, 'all three slots are taken');
      for (const s of [b, c, d]) t.delete(s);
      t.flush();
      assert.deepEqual(entries(dir), []);
      t.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('the next start logs the queries a crash left, then starts the file afresh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-aq-'));
    try {
      const first = ActiveQueryTracker.open(dir, 2, memLogger([]))!;
      first.insert('rate(http_requests_total{job="api"}[5m]) > 0');
      first.insert('count({__name__=~".+"})');
      first.flush();
      // No delete, no close: what kill -9 leaves.
      const lines: Line[] = [];
      const second = ActiveQueryTracker.open(dir, 2, memLogger(lines))!;
      const logged = lines.filter((l) => l.msg === "These queries didn't finish in the last run:");
      assert.equal(logged.length, 1);
      const list = JSON.parse(String(logged[0]!.fields!['queries'])) as { query: string }[];
      assert.deepEqual(list.map((e) => e.query), ['rate(http_requests_total{job="api"}[5m]) > 0', 'count({__name__=~".+"})']);
      assert.deepEqual(entries(dir), [], 'started afresh');
      second.close();
      // A clean run leaves nothing to log.
      const lines2: Line[] = [];
      ActiveQueryTracker.open(dir, 2, memLogger(lines2))!.close();
      assert.equal(lines2.length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('writes a slot at the next turn of the event loop, and nothing for a query that ended before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-aq-'));
    const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
    try {
      const t = ActiveQueryTracker.open(dir, 2, memLogger([]))!;
      // Started and ended in one turn: no write, and the file names nothing.
      for (let i = 0; i < 100; i++) t.delete(t.insert(`q${i}`));
      await turn();
      assert.equal(t.writes, 0);
      assert.deepEqual(entries(dir), []);
      // Still running at the next turn: written once, however often its slot changed before.
      const a = t.insert('first');
      t.delete(a);
      const b = t.insert('long_running_query');
      assert.equal(b, a, 'the same slot');
      assert.deepEqual(entries(dir), [], 'not yet written');
      await turn();
      assert.equal(t.writes, 1);
      assert.deepEqual(entries(dir).map((e) => e.query), ['long_running_query']);
      // Ended later: cleared at the turn after.
      t.delete(b);
      await turn();
      assert.equal(t.writes, 2);
      assert.deepEqual(entries(dir), []);
      // What is pending when the tracker closes is written.
      t.insert('at_close');
      t.close();
      assert.deepEqual(entries(dir).map((e) => e.query), ['at_close']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('reads a file Prometheus left (as much as this run\'s slots hold) and skips an empty one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-aq-'));
    try {
      // Two slots with queries, written the way Prometheus's tracker writes them, in a file
      // of 20 slots (its default --query.max-concurrency).
      const f = Buffer.alloc(1 + 20 * ENTRY_SIZE);
      f[0] = 0x5b;
      Buffer.from('{"query":"up","timestamp_sec":1700000000}').copy(f, 1);
      f[ENTRY_SIZE] = 0x2c;
      Buffer.from('{"query":"a \\u003c b","timestamp_sec":1700000001}').copy(f, 1 + 5 * ENTRY_SIZE);
      f[6 * ENTRY_SIZE] = 0x2c;
      writeFileSync(join(dir, ACTIVE_QUERIES_FILENAME), f);
      const lines: Line[] = [];
      ActiveQueryTracker.open(dir, 20, memLogger(lines))!.close();
      assert.deepEqual(JSON.parse(String(lines[0]!.fields!['queries'])), [{ query: 'up', timestamp_sec: 1700000000 }, { query: 'a < b', timestamp_sec: 1700000001 }]);
      writeFileSync(join(dir, ACTIVE_QUERIES_FILENAME), '');
      const lines2: Line[] = [];
      ActiveQueryTracker.open(dir, 20, memLogger(lines2))!.close();
      assert.deepEqual(lines2, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('cuts a long query at a character boundary so that its escaped JSON fits the slot', () => {
    for (const q of ['x'.repeat(5000), '"'.repeat(2000), 'é'.repeat(1500), `sum(${'<a>'.repeat(400)})`, '😀'.repeat(600), `a${'😀'.repeat(600)}`, `{x=~"${'y'.repeat(1_000_000)}"}`]) {
      const b = slotBytes(q, 1700000000);
      assert.equal(b.length, ENTRY_SIZE);
      assert.equal(b[ENTRY_SIZE - 1], 0x2c);
      const text = Buffer.from(b.subarray(0, ENTRY_SIZE - 1)).toString('utf8').replace(/\0+$/, '');
      const e = JSON.parse(text) as { query: string; timestamp_sec: number };
      assert.equal(e.timestamp_sec, 1700000000);
      assert.ok(q.startsWith(e.query), 'a prefix of the query');
      assert.ok(e.query.length > 100, 'as much as fits');
      // One more character would not fit.
      const next = Array.from(q).slice(0, Array.from(e.query).length + 1).join('');
      assert.ok(Buffer.byteLength(JSON.stringify({ query: next }).replace(/[<>&]/g, '\\u003c'), 'utf8') + ',"timestamp_sec":1700000000'.length > ENTRY_SIZE - 1);
    }
    // Go's JSON escapes <, > and &.
    assert.match(Buffer.from(slotBytes('a<b>&c', 1)).toString('utf8'), /^\{"query":"a\\u003cb\\u003e\\u0026c","timestamp_sec":1\}/);
    // And, as Go 1.22+ (Prometheus 3), short escapes for backspace and form feed.
    assert.match(Buffer.from(slotBytes('"a\bb\fc"', 1)).toString('utf8'), /^\{"query":"\\"a\\bb\\fc\\"","timestamp_sec":1\}/);
  });
});
