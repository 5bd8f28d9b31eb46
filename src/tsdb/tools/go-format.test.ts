/** Go's formatting rules the promtool-compatible output relies on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/index.js';
import {
  base2Bytes, goJSONString, goQuote, goUnixSecondsUTC, parseGoDuration, parseGoInt64, tabwriterTable,
} from './go-format.js';
import { condensedLabelsString, labelsJSON, labelsString } from './series-format.js';
import { displayHistogram, generateBucket } from './analyze-chunks.js';

test('tabwriter: widest cell + padding, at least the minimum; the last cell is not padded', () => {
  const t = tabwriterTable([['A', 'BB', 'end'], ['long cell here', 'x', 'tail']], 5, 2);
  assert.equal(t, 'A               BB   end\nlong cell here  x    tail\n');
  assert.equal(tabwriterTable([['é', 'x']], 1, 1), 'é x\n');
});

test('units.Base2Bytes strings', () => {
  const cases: [number, string][] = [[0, '0B'], [1, '1B'], [1024, '1KiB'], [39435, '38KiB523B'], [1048576 + 1, '1MiB1B'], [6026657, '5MiB765KiB417B']];
  for (const [n, s] of cases) assert.equal(base2Bytes(n), s);
});

test('strconv.Quote and encoding/json strings', () => {
  const q: [string, string][] = [
    ['plain', '"plain"'], ['a"b\\c', '"a\\"b\\\\c"'], ['tab\there\n', '"tab\\there\\n"'], ['\x01\x7f', '"\\x01\\x7f"'],
    ['café 😀', '"café 😀"'], ['\u00a0', '"\\u00a0"'], ['\u{e0001}', '"\\U000e0001"'], ['\ud800', '"\\ufffd"'],
  ];
  for (const [s, want] of q) assert.equal(goQuote(s), want, s);
  const j: [string, string][] = [
    ['plain', '"plain"'], ['<a&b>', '"\\u003ca\\u0026b\\u003e"'], ['a"b\\c', '"a\\"b\\\\c"'], ['\b\f\n\r\t\x01', '"\\b\\f\\n\\r\\t\\u0001"'],
    ['\u2028😀', '"\\u2028😀"'], ['\udc00', '"\\ufffd"'],
  ];
  for (const [s, want] of j) assert.equal(goJSONString(s), want, s);
});

test('labels as promtool prints them', () => {
  const ls = Labels.fromStrings('__name__', 'up', 'job', 'a"b', 'le', '0.5', 'my.name', 'x');
  assert.equal(labelsString(ls), '{__name__="up", job="a\\"b", le="0.5", "my.name"="x"}');
  assert.equal(condensedLabelsString(ls.withoutMetricName()), '{job="a\\"b",le="0.5",my.name="x"}');
  assert.equal(labelsJSON(Labels.fromStrings('b', '<', 'a', '1', 'B', 'x')), '{"B":"x","a":"1","b":"\\u003c"}');
});

test('times, durations and integers as Go parses and prints them', () => {
  assert.equal(goUnixSecondsUTC(1_700_000_000_999), '2023-11-14 22:13:20 +0000 UTC');
  assert.equal(goUnixSecondsUTC(-1500), '1969-12-31 23:59:59 +0000 UTC');
  const d: [string, number][] = [['24h', 86_400_000], ['1h30m', 5_400_000], ['1.5h', 5_400_000], ['500ms', 500], ['90s', 90_000], ['0', 0], ['1500us', 1]];
  for (const [s, ms] of d) assert.equal(parseGoDuration(s), ms, s);
  for (const s of ['', '1d', 'h', '1', '.h']) assert.throws(() => parseGoDuration(s), /^Error: time: /, s);
  const i: [string, number][] = [['0', 0], ['-9223372036854775808', -(2 ** 63)], ['9223372036854775807', 2 ** 63], ['0x10', 16], ['010', 8], ['-12', -12], ['1_000', NaN]];
  for (const [s, n] of i) {
    if (Number.isNaN(n)) assert.throws(() => parseGoInt64(s), /invalid syntax/);
    else assert.equal(parseGoInt64(s), n, s);
  }
  assert.throws(() => parseGoInt64('abc'), { message: 'strconv.ParseInt: parsing "abc": invalid syntax' });
  assert.throws(() => parseGoInt64('99999999999999999999'), { message: 'strconv.ParseInt: parsing "99999999999999999999": value out of range' });
});

test('analyze --extended histograms', () => {
  assert.deepEqual(generateBucket(50, 53), { start: 50, end: 60, step: 10 });
  assert.deepEqual(generateBucket(46, 1700), { start: 0, end: 2000, step: 1000 });
  assert.equal(displayHistogram('x', [], 3), 'x: N/A\n\n');
  assert.equal(displayHistogram('bytes per float chunk', [46, 120, 170, 150], 4),
    'bytes per float chunk (min/avg/max): 46/121/170\n'
    + '[  1, 100]: 1 #########################\n'
    + '[101, 200]: 3 ###########################################################################\n'
    + '[201, 300]: 0 \n\n');
});
