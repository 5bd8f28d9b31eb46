import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMMatcher, fingerprint, labelSetBefore, labelSetString, matchesAll, parseMatcher, parseMatchers } from './index.js';

test('matchers: both syntaxes, quoting, escapes and errors', () => {
  const cases: [string, string[] | { err: RegExp }][] = [
    ['{}', []],
    ['{foo=bar}', ['foo="bar"']],
    ['foo="bar", baz!~"quux.*"', ['foo="bar"', 'baz!~"quux.*"']],
    ['{foo="bar,quux", job="job1"}', ['foo="bar,quux"', 'job="job1"']],
    ["{foo='}", [`foo="'"`]],
    ['{foo=~bar.*}', ['foo=~"bar.*"']],
    ['{foo=""}', ['foo=""']],
    ['{foo="a\\"b"}', ['foo="a\\"b"']],
    ['{foo="new\\nline"}', ['foo="new\\nline"']],
    ['foo=bar baz', ['foo="bar baz"']],
    ['{"service name"="x"}', ['"service name"="x"']],
    [',', { err: /bad matcher format/ }],
    ['a=b,c', { err: /bad matcher format: c/ }],
    ['a=~"("', { err: /missing closing \)/ }],
  ];
  for (const [input, want] of cases) {
    if (Array.isArray(want)) assert.deepEqual(parseMatchers(input).map(String), want, input);
    else assert.throws(() => parseMatchers(input), want.err, input);
  }
  assert.equal(String(parseMatcher('severity!=info')), 'severity!="info"');
  assert.throws(() => parseMatcher('{a=b}'), /unexpected open or close brace/);
});

test('matchers: anchored regexes without dot-matches-newline; absent labels are empty', () => {
  const m = (t: '=' | '!=' | '=~' | '!~', v: string) => new AMMatcher(t, 'l', v);
  const cases: [AMMatcher, string | undefined, boolean][] = [
    [m('=~', 'ab'), 'xab', false],
    [m('=~', 'a.*'), 'abc', true],
    [m('=~', 'a.*'), 'a\nb', false],
    [m('!~', 'a|b'), 'c', true],
    [m('=', ''), undefined, true],
    [m('!=', ''), undefined, false],
    [m('=~', '.*'), undefined, true],
  ];
  for (const [matcher, v, want] of cases) assert.equal(matchesAll([matcher], v === undefined ? {} : { l: v }), want, `${matcher.toString()} on ${String(v)}`);
});

test('label sets: fingerprint, text form and order as Prometheus\'s model', () => {
  // Known model.LabelSet fingerprints (Alertmanager prints them in its API).
  assert.equal(fingerprint({}), 'cbf29ce484222325');
  assert.equal(fingerprint({ alertname: 'A' }).length, 16);
  assert.notEqual(fingerprint({ a: 'b' }), fingerprint({ a: 'c' }));
  assert.equal(labelSetString({ b: '2', a: 'x"y' }), '{a="x\\"y", b="2"}');
  assert.equal(labelSetBefore({ a: '1' }, { a: '1', b: '1' }), true);
  assert.equal(labelSetBefore({ b: '1' }, { a: '1' }), true);
  assert.equal(labelSetBefore({ a: '2' }, { a: '1' }), false);
});
