/**
 * Abusive queries through the HTTP API, against a Watchfire server process and a real
 * Prometheus 2.42 started with the same flags and loaded with the same samples: random
 * bytes (invalid UTF-8 included), 10,000 nested parentheses, calls and aggregations, 5,000-
 * term operator chains, huge and pathological regular expressions, too many points, too many
 * samples, timeouts (the request's and the server's), oversized bodies.
 *
 * For each: the HTTP status, `errorType` and error text are compared with Prometheus's (the
 * data too when both succeed); Watchfire must answer within a bound, stay up, and answer the
 * next normal query correctly. Where Prometheus 2.42 answers differently from Prometheus 3.x
 * (which Watchfire follows), or cannot answer at all, the case names the exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peer } from '../../../testing/peers.js';
import type { RWSeries } from './test-remote-write.js';
import { answerText, counterSeries, form, formBytes, lcg, loadBoth, post, startPair, type Answer } from './abuse-support.js';

const SERIES = 200;
const STEP = 15_000;
const HOURS = 6;
/** The data's last timestamp: a whole minute, a little in the past. */
const END = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const START = END - HOURS * 3_600_000;
const POINTS = HOURS * 240 + 1;
const LONG_VALUE = 'a'.repeat(20_000);

/** `abuse_load{i="0".."199"}`, counters over the `hours` before END, and `abuse_long` with a 20,000-character label value. */
function dataset(hours = HOURS): RWSeries[] {
  const out = counterSeries('abuse_load', SERIES, hours, END);
  const points = hours * 240 + 1, start = END - hours * 3_600_000;
  const ones: [number, number][] = [];
  for (let j = 0; j < points; j++) ones.push([start + j * STEP, 1]);
  out.push({ labels: { __name__: 'abuse_long', v: LONG_VALUE }, samples: ones });
  return out;
}

interface Expect {
  status: number;
  errorType?: string;
  error?: string | RegExp;
}

interface Case {
  name: string;
  path: '/api/v1/query' | '/api/v1/query_range';
  body: string;
  /** same: status, errorType, error text and data are equal. error: status, errorType and error text are equal. */
  compare?: 'same' | 'error';
  /** A deliberate difference (2.42 → 3.x, or Prometheus cannot answer): each side meets its own expectation. */
  diff?: { why: string; prom: Expect | 'not asked'; wf: Expect | 'connection closed' };
  /** Longest Watchfire may take (ms). */
  maxMs?: number;
}

const nest = (open: string, inner: string, close: string, n: number): string => open.repeat(n) + inner + close.repeat(n);
const chain = (term: string, op: string, n: number): string => Array.from({ length: n }, () => term).join(` ${op} `);
const at = { time: END / 1000 };
const lastSteps = { start: (END - 120_000) / 1000, end: END / 1000, step: 60 };

/**
 * Random byte strings: raw bytes (mostly invalid UTF-8), bytes drawn from PromQL's
 * punctuation and keywords (deep into the parser), and a mix of both.
 */
function randomCases(): Case[] {
  const alphabet = Buffer.from('abcxyz_:{}[]()"\'`=~!<>+-*/^%@,.0123456789 \n\t#\\eEinfNaNsumbyoffset');
  const out: Case[] = [];
  for (let seed = 1; seed <= 15; seed++) {
    const r = lcg(seed);
    const len = 1 + Math.floor(r() * 300);
    const b = new Uint8Array(len);
    const mode = seed % 3;
    for (let i = 0; i < len; i++) {
      const raw = Math.floor(r() * 256), pick = alphabet[Math.floor(r() * alphabet.length)]!;
      b[i] = mode === 0 ? raw : mode === 1 ? pick : r() < 0.9 ? pick : raw;
    }
    const c: Case = { name: `random bytes, seed ${seed} (${['raw', 'PromQL alphabet', 'mixed'][mode]!})`, path: '/api/v1/query', body: formBytes('query', b, `&time=${at.time}`), compare: 'error' };
    const diff = RANDOM_DIFFERENCES.get(seed);
    if (diff !== undefined) c.diff = diff;
    out.push(c);
  }
  return out;
}

const badQuery = (msg: string): Expect => ({ status: 400, errorType: 'bad_data', error: `invalid parameter "query": ${msg}` });

/** Random inputs that Prometheus 3.x (and Watchfire) lex differently from 2.42. */
const RANDOM_DIFFERENCES: ReadonlyMap<number, NonNullable<Case['diff']>> = new Map([
  [5, {
    why: 'Prometheus 3.x lexes underscores inside numbers, so ".3_" is one number token (after a string: unexpected); 2.42 stops at ".3"',
    prom: badQuery('1:13: parse error: bad number or duration syntax: ".3"'),
    wf: badQuery('1:13: parse error: unexpected number ".3_"'),
  }],
]);

function cases(): Case[] {
  const up7 = 'abuse_load{i="7"}';
  const alternation = Array.from({ length: 15_000 }, (_v, i) => `x${i}`).join('|');
  const bigMatchers = Array.from({ length: 60_000 }, (_v, i) => `l${i}!="x"`).join(',');
  return [
    ...randomCases(),
    { name: 'invalid UTF-8 only', path: '/api/v1/query', body: formBytes('query', Uint8Array.from([0xff, 0xfe, 0x80, 0xc3])), compare: 'error' },
    { name: 'invalid UTF-8 in a label value', path: '/api/v1/query', body: formBytes('query', Buffer.concat([Buffer.from('abuse_load{i="'), Uint8Array.from([0xc3, 0x28]), Buffer.from('"}')])), compare: 'same' },
    { name: '10,000 nested parentheses', path: '/api/v1/query', body: form(nest('(', '1', ')', 10_000), at), compare: 'same' },
    { name: '10,000 nested parentheses around a selector', path: '/api/v1/query', body: form(nest('(', up7, ')', 10_000), at), compare: 'same' },
    { name: '10,000 nested abs()', path: '/api/v1/query', body: form(nest('abs(', up7, ')', 10_000), at), compare: 'same' },
    // Three steps: Prometheus 2.42 takes about 40 s for 60 steps of this.
    { name: '10,000 nested abs(), range query', path: '/api/v1/query_range', body: form(nest('abs(', up7, ')', 10_000), lastSteps), compare: 'same' },
    { name: '10,000 nested sum()', path: '/api/v1/query', body: form(nest('sum(', up7, ')', 10_000), at), compare: 'same' },
    { name: '5,000-term vector chain', path: '/api/v1/query', body: form(chain(up7, '+', 5000), at), compare: 'same' },
    { name: '5,000-term scalar chain', path: '/api/v1/query', body: form(chain('1', '+', 5000), at), compare: 'same' },
    // Shorter chains where Prometheus 2.42 is slow: 10 s for 5,000 right-nested terms, a
    // minute (then its timeout) for 5,000 terms over 200 series.
    { name: '2,000-term right-nested chain (^)', path: '/api/v1/query', body: form(chain('1', '^', 2000), at), compare: 'same' },
    { name: '300-term chain over every series', path: '/api/v1/query', body: form(chain('abuse_load', '+ on(i)', 300), at), compare: 'same' },
    { name: '2,000 nested subqueries', path: '/api/v1/query', body: form(nest('max_over_time(', up7, '[2m:1m])', 2000), at), compare: 'same' },
    { name: 'regex: 100 KB alternation', path: '/api/v1/query', body: form(`abuse_load{i=~"${alternation}|7"}`, at), compare: 'same' },
    { name: 'regex: 1 MB of matchers', path: '/api/v1/query', body: form(`abuse_load{i="7",${bigMatchers}}`, at), compare: 'same' },
    { name: 'regex: (a*)*b against 20,000 a', path: '/api/v1/query', body: form('count(abuse_long{v=~"(a*)*b"})', at), compare: 'same' },
    { name: 'regex: (a|aa)*$ against 20,000 a', path: '/api/v1/query', body: form('count(abuse_long{v=~"(a|aa)*$"})', at), compare: 'same' },
    { name: 'regex: (x+x+)+y and (a+)+$ against 20,000 a', path: '/api/v1/query', body: form('count(abuse_long{v=~"(x+x+)+y|(a+)+$"})', at), compare: 'same' },
    { name: 'regex: a{1001} (repeat count over RE2\'s limit)', path: '/api/v1/query', body: form('abuse_long{v=~"a{1001}"}', at), compare: 'error' },
    { name: 'regex: ((a{100}){100}){100}', path: '/api/v1/query', body: form('abuse_long{v=~"((a{100}){100}){100}"}', at), compare: 'error' },
    { name: 'regex: label_replace with a pathological regex', path: '/api/v1/query', body: form('count(label_replace(abuse_long, "x", "$1", "v", "(a*)*(a)"))', at), compare: 'same' },
    {
      name: 'range query of 11,001 points', path: '/api/v1/query_range', compare: 'error',
      body: form('abuse_load', { start: (END - 11_001 * STEP) / 1000, end: END / 1000, step: 15 }),
    },
    {
      name: 'range query of 11,000 points (allowed)', path: '/api/v1/query_range', compare: 'same',
      body: form('1', { start: (END - 10_999 * STEP) / 1000, end: END / 1000, step: 15 }),
    },
    {
      name: 'over --query.max-samples: range query', path: '/api/v1/query_range', compare: 'error',
      body: form('abuse_load', { start: START / 1000, end: END / 1000, step: 15 }),
    },
    { name: 'over --query.max-samples: range vector', path: '/api/v1/query', body: form('abuse_load[6h]', at), compare: 'error' },
    { name: 'over --query.max-samples: subquery', path: '/api/v1/query', body: form('count_over_time(vector(1)[1d:100ms])', at), compare: 'error' },
    {
      name: 'over timeout= (500ms), many series', path: '/api/v1/query_range', compare: 'error', maxMs: 5000,
      body: form('quantile_over_time(0.5, abuse_load[3h])', { start: (END - 3 * 3_600_000) / 1000, end: END / 1000, step: 15, timeout: '500ms' }),
    },
    {
      name: 'form body over 10 MB', path: '/api/v1/query', body: form('x'.repeat(11 << 20), at),
      diff: {
        why: 'Go ignores a form body over 10 MB (the query is then empty); Watchfire\'s form reader (src/web/form.ts) refuses it by closing the connection',
        prom: badQuery('1:1: parse error: no expression found in input'),
        wf: 'connection closed',
      },
    },
    { name: 'query of 9 MB', path: '/api/v1/query', body: form(`abuse_load{i="7"} or ${'x'.repeat(9 << 20)}`, at), compare: 'same' },
    {
      name: 'timeout= while parsing a huge query', path: '/api/v1/query', maxMs: 5000,
      body: form(chain('1', '+', 90_000), { ...at, timeout: '5ms' }),
      diff: {
        why: 'Prometheus does not bound parsing by the timeout (it takes minutes on such a chain); Watchfire does',
        prom: 'not asked',
        wf: { status: 503, errorType: 'timeout', error: 'query timed out in query preparation' },
      },
    },
    {
      name: '100,001 nested parentheses', path: '/api/v1/query', maxMs: 10000,
      body: form(nest('(', '1', ')', 100_001), at),
      diff: {
        why: 'Watchfire bounds the depth of an expression (memory); Prometheus parses it for minutes',
        prom: 'not asked',
        wf: { status: 400, errorType: 'bad_data', error: 'invalid parameter "query": 1:100001: parse error: expression nested too deeply: more than 100000 levels' },
      },
    },
  ];
}

/** An answer's status and error, as Prometheus's envelope has them. */
interface Outcome {
  status: number;
  errorType?: string;
  error?: string;
}

function errorOf(a: Answer): Outcome {
  const j = a.json ?? {};
  const e: Outcome = { status: a.status };
  if (typeof j['errorType'] === 'string') e.errorType = j['errorType'];
  if (typeof j['error'] === 'string') e.error = j['error'];
  return e;
}

/** The data with series in a fixed order (no order is guaranteed between servers). */
function normalizedData(a: Answer): unknown {
  const d = a.json?.['data'] as { resultType?: string; result?: unknown } | undefined;
  if (d === undefined || !Array.isArray(d.result)) return d;
  return { ...d, result: [...(d.result as unknown[])].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))) };
}

function meets(a: Answer, e: Expect, who: string): void {
  assert.equal(a.failure, undefined, `${who}: ${answerText(a)}`);
  assert.equal(a.status, e.status, `${who}: ${answerText(a)}`);
  const got = errorOf(a);
  if (e.errorType !== undefined) assert.equal(got.errorType, e.errorType, `${who}: ${answerText(a)}`);
  if (typeof e.error === 'string') assert.equal(got.error, e.error, `${who}: ${answerText(a)}`);
  else if (e.error !== undefined) assert.match(got.error ?? '', e.error, `${who}: ${answerText(a)}`);
}

/** The normal query every case is followed by; its answer is known. */
async function checkNormal(base: string): Promise<void> {
  const a = await post(base, '/api/v1/query', form('abuse_load{i="7"}', at), 30_000);
  const r = (a.json?.['data'] as { result?: { value: [number, string] }[] } | undefined)?.result;
  assert.equal(r?.length, 1, `normal query: ${answerText(a)}`);
  assert.equal(r[0]!.value[1], String((POINTS - 1) * 8), `normal query: ${answerText(a)}`);
}

test('abusive queries: Watchfire answers as Prometheus 2.42 does, in bounded time, and keeps serving', { timeout: 600_000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const pair = await startPair(prom.path, ['--web.enable-remote-write-receiver', '--query.max-samples=200000', '--query.timeout=60s']);
  const rows: string[] = [];
  const failures: string[] = [];
  try {
    await loadBoth(pair, dataset(), 600_000);
    await checkNormal(pair.wf);
    await checkNormal(pair.prom);
    for (const c of cases()) {
      const maxMs = c.maxMs ?? 30_000;
      const w = await post(pair.wf, c.path, c.body, maxMs + 30_000);
      const p = c.diff?.prom === 'not asked' ? null : await post(pair.prom, c.path, c.body, 120_000);
      const we = errorOf(w), pe = p === null ? null : errorOf(p);
      rows.push(`${c.name} | ${w.failure !== undefined ? 'connection closed' : `${we.status} ${we.errorType ?? 'success'}`} (${w.ms.toFixed(0)} ms) | ${pe === null ? 'not asked' : `${pe.status} ${pe.errorType ?? 'success'} (${p!.ms.toFixed(0)} ms)`}`);
      try {
        assert.ok(w.ms <= maxMs, `Watchfire took ${w.ms.toFixed(0)} ms, more than ${maxMs} ms`);
        if (c.diff !== undefined) {
          if (c.diff.wf === 'connection closed') assert.notEqual(w.failure, undefined, `watchfire: ${answerText(w)}`);
          else meets(w, c.diff.wf, 'watchfire');
          if (c.diff.prom !== 'not asked') meets(p!, c.diff.prom, 'prometheus');
        } else {
          assert.ok(p !== null);
          assert.equal(p.failure, undefined, `prometheus: ${answerText(p)}`);
          meets(w, pe!, 'watchfire (expected what Prometheus answered)');
          if (c.compare === 'same') assert.deepEqual(normalizedData(w), normalizedData(p), 'data');
        }
        assert.ok(pair.wfAlive(), `Watchfire exited:\n${pair.wfOutput().slice(-3000)}`);
        await checkNormal(pair.wf);
      } catch (e) {
        failures.push(`${c.name}: ${e instanceof Error ? e.message : String(e)}`);
        if (!pair.wfAlive()) break;
      }
    }
  } finally {
    await pair.stop();
  }
  t.diagnostic(`case | watchfire | prometheus\n${rows.join('\n')}`);
  assert.deepEqual(failures, []);
});

test('a query over --query.timeout ends near the timeout as Prometheus\'s 503 timeout, and the server keeps serving', { timeout: 120_000 }, async (t) => {
  const prom = peer('prometheus');
  if (prom.skip !== false) { t.skip(prom.skip); return; }
  const pair = await startPair(prom.path, ['--web.enable-remote-write-receiver', '--query.timeout=1s']);
  try {
    await loadBoth(pair, dataset(3), 600_000);
    // Quantiles of 720-point windows at 2,161 steps of 200 series: seconds of work, a few times the timeout. (Prometheus
    // checks its deadline between series, so it answers soon after the timeout too.)
    const body = form('quantile_over_time(0.5, abuse_load[3h])', { start: (END - 3 * 3_600_000) / 1000, end: END / 1000, step: 5 });
    const [w, p] = [await post(pair.wf, '/api/v1/query_range', body, 60_000), await post(pair.prom, '/api/v1/query_range', body, 60_000)];
    t.diagnostic(`watchfire: ${answerText(w)}; prometheus: ${answerText(p)}`);
    meets(p, { status: 503, errorType: 'timeout', error: 'query timed out in expression evaluation' }, 'prometheus');
    meets(w, { status: 503, errorType: 'timeout', error: 'query timed out in expression evaluation' }, 'watchfire');
    // Near the timeout: the evaluation checks the clock inside its loops.
    assert.ok(w.ms < 4000, `Watchfire answered after ${w.ms.toFixed(0)} ms`);
    assert.ok(pair.wfAlive());
    const n = await post(pair.wf, '/api/v1/query', form('vector(42)', at), 10_000);
    assert.equal((n.json?.['data'] as { result: { value: [number, string] }[] }).result[0]?.value[1], '42', answerText(n));
  } finally {
    await pair.stop();
  }
});
