import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../../model/index.js';
import { matchText, parseScript } from './parse-script.js';
import { testdataDir } from './paths.js';
import { listScripts } from './suite.js';
import { ScriptError, expectsFailure, isOrdered, type Command, type EvalCmd, type LoadCmd } from './script.js';

function evals(cmds: readonly Command[]): EvalCmd[] {
  return cmds.filter((c): c is EvalCmd => c.kind === 'eval');
}

test('every shared script parses, with the counts INDEX.md gives', () => {
  let total = 0, instant = 0, loads = 0, clears = 0;
  for (const f of listScripts()) {
    const s = parseScript(f, readFileSync(join(testdataDir(), f), 'utf8'));
    for (const c of s.commands) {
      if (c.kind === 'eval') {
        total++;
        if (c.mode.kind === 'instant') instant++;
        assert.equal(c.parseError, null, `${f}:${c.line}`);
      } else if (c.kind === 'load') loads++;
      else clears++;
    }
  }
  assert.deepEqual({ total, instant, loads, clears }, { total: 2214, instant: 1885, loads: 310, clears: 231 });
});

const SCRIPT = `
# a comment
load 5m
  foo{a="1"} 1 2
  foo{a="1"} 3 4
  bar 0+1x3

load_with_nhcb 1m
  h_bucket{le="1"} 1

eval instant at 10m foo
  expect ordered
  foo{a="1"} 4
  expect no_warn
  bar 3

eval range from 0 to 10m step 5m -foo
  expect warn msg: PromQL warning: something (1:1)
  expect warn regex: some.*(x|y)
  expect info
  {a="1"} -3 _ -4

eval_fail instant at 1m foo
  expected_fail_message bad thing happened

eval instant at 1m 1 + 1
  2
eval instant at 1m "a"
  expect string "a\\tb"

eval instant at 1m foo[5m]
  expect range vector from 0 to 5m step 5m
  foo{a="1"} 3 4

eval instant at 0 time()
  expect fail regex: ^x

CLEAR
`;

test('commands, blocks, expect lines and deprecated forms', () => {
  const s = parseScript('t.test', SCRIPT);
  assert.deepEqual(s.commands.map((c) => `${c.kind}:${c.line}`), ['load:3', 'load:8', 'eval:11', 'eval:17', 'eval:23', 'eval:26', 'eval:28', 'eval:31', 'eval:35', 'clear:38']);
  const load = s.commands[0] as LoadCmd;
  assert.equal(load.intervalMs, 300_000);
  assert.equal(load.series.length, 2, 'a repeated label set replaces the earlier line');
  assert.deepEqual(load.series[0]!.values.map((v) => v.value), [3, 4]);
  assert.equal((s.commands[1] as LoadCmd).withNHCB, true);

  const [inst, range, fail, scalar, str, rv, failRe] = evals(s.commands);
  assert.deepEqual(inst!.mode, { kind: 'instant', at: 600_000 });
  assert.ok(isOrdered(inst!) && inst!.noWarn);
  assert.deepEqual(inst!.series.map((e) => [e.labels.toString(), e.pos]), [['{__name__="foo", a="1"}', 1], ['{__name__="bar"}', 2]]);

  assert.deepEqual(range!.mode, { kind: 'range', start: 0, end: 600_000, step: 300_000 });
  assert.equal(range!.warn.length, 2);
  assert.ok(matchText(range!.warn[0]!, 'PromQL warning: something (1:1)'));
  assert.ok(!matchText(range!.warn[0]!, 'PromQL warning: something'));
  assert.ok(matchText(range!.warn[1]!, 'xx someone y'), 'regexes search unanchored');
  assert.deepEqual(range!.info.map((m) => m.kind), ['any']);
  assert.ok(range!.series[0]!.labels.equals(Labels.fromStrings('a', '1')));
  assert.deepEqual(range!.series[0]!.values.map((v) => (v.omitted ? '_' : v.value)), [-3, '_', -4]);

  assert.ok(expectsFailure(fail!) && fail!.legacyFail);
  assert.equal(fail!.failMessage, 'bad thing happened');
  assert.equal(scalar!.scalar?.value, 2);
  assert.equal(str!.string, 'a\tb');
  assert.ok(str!.excludeFromRangeQuery);
  assert.deepEqual(rv!.rangeVector, { start: 0, end: 300_000, step: 300_000 });
  assert.ok(rv!.excludeFromRangeQuery);
  assert.equal(failRe!.fail?.kind, 'regex');
});

test('@st lines attach start-timestamp offsets to the next series line', () => {
  const s = parseScript('st.test', 'load 1m\n  c{a="x"}@st _ -30s-1mx2 -1ms 0 +5s\n  c{a="x"} _ 0+60x5\n');
  const load = s.commands[0] as LoadCmd;
  assert.deepEqual(load.series[0]!.st, [null, -30_000, -90_000, -150_000, -1, 0, 5000]);
  const errors: [string, RegExp][] = [
    ['load 1m\n  c@st 1s\n', /no following sample line/],
    ['load 1m\n  c@st 1s\n  d 1\n', /does not match/],
    ['load 1m\n  c@st 1s 2s\n  c 1\n', /2 values but sample line has 1/],
    ['load 1m\n  c@st 1q\n  c 1\n', /invalid @st line/],
    ['load 1m\n  c@st _x0\n  c\n', /invalid @st line/],
  ];
  for (const [text, re] of errors) assert.throws(() => parseScript('st.test', text), re, text);
});

test('script errors carry the line', () => {
  const cases: [string, number, RegExp][] = [
    ['load 5m\n  foo 1\n\nbogus\n', 4, /invalid command "bogus"/],
    ['load 5m\n  foo 1+\n', 2, /unexpected/],
    ['LOAD 5m\n', 1, /invalid load command/],
    ['load 5x\n', 1, /invalid step definition/],
    ['eval instant foo\n', 1, /invalid evaluation command/],
    ['eval instant  foo\n', 1, /invalid timestamp/],
    ['eval range from 10m to 5m step 1m foo\n', 1, /end timestamp .* is before start timestamp/],
    ['eval bogus at 5m foo\n', 1, /invalid evaluation command/],
    ['eval instant at 5m foo\n  foo 1 2\n', 2, /expecting multiple values in instant evaluation not allowed/],
    ['eval instant at 5m foo\n  expect warn\n  expect no_warn\n', 3, /warn and no_warn cannot be used together/],
    ['eval instant at 5m foo\n  expect fail\n  expect fail\n', 3, /multiple expect fail/],
    ['eval instant at 5m foo\n  expect sometimes\n', 2, /invalid expect statement/],
    ['eval instant at 5m foo\n  expect fail regex: (\n', 2, /invalid regex/],
    ['eval instant at 5m foo\n  expect string\n', 2, /quoted string literal is required/],
    ['eval instant at 5m foo\n  expect string "unterminated\n', 2, /correctly quoted/],
    ['eval instant at 5m foo\n  1\n  foo 1\n', 3, /invalid command/],
    ['eval instant at 5m foo\n  # comment ends the block\n  foo 1\n', 3, /invalid command/],
  ];
  for (const [text, line, re] of cases) {
    assert.throws(() => parseScript('e.test', text), (e: unknown) => e instanceof ScriptError && e.line === line && re.test(e.message), text);
  }
});

test('an expression that does not parse fails its eval, not the script', () => {
  const s = parseScript('p.test', 'eval instant at 5m sum(\n');
  assert.match(evals(s.commands)[0]!.parseError ?? '', /parse error/);
});
