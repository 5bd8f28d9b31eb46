import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './envelope.js';
import {
  atoi, MAX_TIME_MS, MAX_TIME_TEXT, MIN_TIME_MS, MIN_TIME_TEXT, parseBool, parseDuration, parseLimitParam, parseMatchersParam,
  parseTime, parseTimeParam, unescapeValuesName,
} from './params.js';

test('parseTime: Unix seconds with fractions, RFC 3339, boundary texts', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['1435781451.781', 1435781451781],
    ['1435781451', 1435781451000],
    ['1.5', 1500],
    ['-1.5', -1500],
    ['0.0015', 2], // fractions round to the millisecond, halves away from zero
    ['-0.0015', -2],
    ['1e3', 1_000_000],
    ['0x1p4', 16000], // Go's ParseFloat takes hexadecimal floats
    ['2015-07-01T20:10:51.781Z', 1435781451781],
    ['2015-07-01T20:10:51Z', 1435781451000],
    ['2015-07-01T20:10:51.7819999Z', 1435781451781], // sub-millisecond digits dropped
    ['2015-07-01T22:10:51.781+02:00', 1435781451781],
    ['2015-07-01T18:10:51-02:00', 1435781451000],
    ['0050-01-01T00:00:00Z', Date.UTC(2000, 0, 1) - 1950 * 365.2425 * 86400000],
    [MIN_TIME_TEXT, MIN_TIME_MS],
    [MAX_TIME_TEXT, MAX_TIME_MS],
  ];
  for (const [s, want] of cases) {
    if (s.startsWith('0050')) {
      const d = new Date(0);
      d.setUTCFullYear(50, 0, 1);
      assert.equal(parseTime(s), d.getTime(), s);
      continue;
    }
    assert.equal(parseTime(s), want, s);
  }
});

test('parseTime: refusals carry Prometheus\'s text', () => {
  for (const s of ['', 'abc', '2015-07-01', '2015-02-30T00:00:00Z', '2015-07-01T24:00:00Z', '2015-07-01 20:10:51Z', '2015-07-01T20:10:51', '2015-07-01T20:10:51+2:00', '0x10']) {
    assert.throws(() => parseTime(s), { message: `cannot parse ${JSON.stringify(s)} to a valid timestamp` }, s);
  }
});

test('parseTimeParam: default when empty, the parameter named twice on error', () => {
  assert.equal(parseTimeParam('', 'start', MIN_TIME_MS), MIN_TIME_MS);
  assert.throws(() => parseTimeParam('x', 'start', MIN_TIME_MS), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.errorType, 'bad_data');
    assert.equal(e.message, 'invalid parameter "start": invalid time value for \'start\': cannot parse "x" to a valid timestamp');
    return true;
  });
});

test('parseDuration: float seconds or Prometheus durations, in ms', () => {
  const cases: [string, number][] = [['15', 15000], ['0.5', 500], ['1.0001', 1000.1], ['0.0000015', 0.0015], ['5m', 300000], ['1h30m', 5400000], ['1d', 86400000], ['0', 0], ['-1', -1000]];
  for (const [s, want] of cases) assert.equal(parseDuration(s), want, s);
  assert.throws(() => parseDuration('abc'), { message: 'cannot parse "abc" to a valid duration' });
  assert.throws(() => parseDuration(''), { message: 'cannot parse "" to a valid duration' });
  assert.throws(() => parseDuration('1e10'), { message: 'cannot parse "1e10" to a valid duration. It overflows int64' });
});

test('atoi, parseBool and the limit parameter: Go\'s texts', () => {
  assert.equal(atoi('+12'), 12);
  assert.equal(atoi('-3'), -3);
  assert.throws(() => atoi('1.5'), { message: 'strconv.Atoi: parsing "1.5": invalid syntax' });
  assert.throws(() => atoi('9223372036854775808'), { message: 'strconv.Atoi: parsing "9223372036854775808": value out of range' });
  assert.equal(atoi('9223372036854775807'), 2 ** 63);
  assert.equal(parseBool('T'), true);
  assert.equal(parseBool('0'), false);
  assert.throws(() => parseBool('yes'), { message: 'strconv.ParseBool: parsing "yes": invalid syntax' });
  assert.equal(parseLimitParam(''), 0);
  assert.equal(parseLimitParam('7'), 7);
  assert.throws(() => parseLimitParam('-1'), { message: 'invalid parameter "limit": limit must be non-negative' });
  assert.throws(() => parseLimitParam('x'), { message: 'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax' });
});

test('parseMatchersParam: parser errors and the non-empty rule', () => {
  assert.equal(parseMatchersParam(['up', '{job="a"}']).length, 2);
  assert.throws(() => parseMatchersParam(['{job=""}']), { message: 'match[] must contain at least one non-empty matcher' });
  assert.throws(() => parseMatchersParam(['up{']), { message: /^1:4: parse error: / });
});

test('unescapeValuesName: U__ names as Prometheus 3 decodes them', () => {
  const cases: [string, string][] = [
    ['U__http_2e_status__code', 'http.status_code'],
    ['U__a_20_b', 'a b'],
    ['U__caf_e9_', 'café'],
    ['U___1f525_', '🔥'],
    ['U__x_', 'U__x_'], // unterminated: unchanged
    ['U__x_zz_', 'U__x_zz_'], // not hex: unchanged
    ['U__x_123456_', 'U__x_123456_'], // too many digits: unchanged
    ['U___d800_', 'U___d800_'], // a surrogate is no rune
    ['plain', 'plain'],
  ];
  for (const [in_, want] of cases) assert.equal(unescapeValuesName(in_), want, in_);
});
