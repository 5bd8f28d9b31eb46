/**
 * Facts about the Go library behaviour the Prometheus functions rely on: time layouts and
 * Duration strings (Go's time package), title casing, Go regexp replacement expansion,
 * net.SplitHostPort, duration parsing, and convertToFloat's accepted types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GoVal, T } from '../index.js';
import {
  convertToFloat, durationString, formatTime, humanize, parseDurationSeconds, reReplaceAll, match, splitHostPort, title, toLower, toUpper,
  stripDomain, registerTemplateMetrics, expansionStats, Expander,
} from './index.js';
import { Registry } from '../../instrument/index.js';

const T1 = 1435065584128000000n; // 2015-06-23 13:19:44.128 UTC, a Tuesday

test('time: Go layouts', () => {
  const cases: [string, string][] = [
    ['Mon Jan _2 15:04:05 2006', 'Tue Jun 23 13:19:44 2015'],
    ['2006-01-02T15:04:05Z07:00', '2015-06-23T13:19:44Z'],
    ['2006-01-02T15:04:05.999999999Z07:00', '2015-06-23T13:19:44.128Z'],
    ['Mon, 02 Jan 2006 15:04:05 MST', 'Tue, 23 Jun 2015 13:19:44 UTC'],
    ['Mon, 02 Jan 2006 15:04:05 -0700', 'Tue, 23 Jun 2015 13:19:44 +0000'],
    ['02 Jan 06 15:04 -07:00', '23 Jun 15 13:19 +00:00'],
    ['3:04PM', '1:19PM'], ['3:04pm', '1:19pm'], ['03:04:05 PM', '01:19:44 PM'],
    ['Jan _2 15:04:05.000', 'Jun 23 13:19:44.128'], ['Jan _2 15:04:05.000000', 'Jun 23 13:19:44.128000'],
    ['2006-01-02 15:04:05.999999999 -0700 MST', '2015-06-23 13:19:44.128 +0000 UTC'],
    ['Monday January 2 2006', 'Tuesday June 23 2015'], ['002 __2', '174 174'], ['1/2/06', '6/23/15'],
    ['15:04:05,000', '13:19:44,128'], ['.9 .99 .0 .00', '.1 .12 .1 .12'], ['Z0700 Z07 -07 -070000', 'Z Z +00 +000000'],
    ['January is not Janx but Jan', 'June is not Janx but Jun'], ['_2006', '_2015'], ['Mondays', 'Tuesdays'],
  ];
  for (const [layout, want] of cases) assert.equal(formatTime(T1, layout), want, layout);
  assert.equal(formatTime(0n, '2006-01-02 15:04:05.999999999 -0700 MST'), '1970-01-01 00:00:00 +0000 UTC');
  assert.equal(formatTime(-1000000n, '2006-01-02 15:04:05.000'), '1969-12-31 23:59:59.999');
  assert.equal(formatTime(-62135596800000000000n, '2006-01-02 Mon 002'), '0001-01-01 Mon 001');
});

test('time: Duration.String', () => {
  const cases: [bigint, string][] = [
    [0n, '0s'], [1n, '1ns'], [1100n, '1.1µs'], [2200000n, '2.2ms'], [3300000000n, '3.3s'], [245000000000n, '4m5s'],
    [245001000000n, '4m5.001s'], [18367001000000n, '5h6m7.001s'], [480000000001n, '8m0.000000001s'],
    [2n ** 63n - 1n, '2562047h47m16.854775807s'], [-(2n ** 63n), '-2562047h47m16.854775808s'], [1800000000000n, '30m0s'],
    [3600000000000n, '1h0m0s'], [-1500000000n, '-1.5s'],
  ];
  for (const [d, want] of cases) assert.equal(durationString(d), want, String(d));
});

test('strings: title, toUpper, toLower', () => {
  const cases: [string, string][] = [
    ['aa bb CC', 'Aa Bb CC'], ['node exporter', 'Node Exporter'], ['foo-bar_baz', 'Foo-Bar_baz'], ["don't stop", "Don't Stop"],
    ['host-1.example.com', 'Host-1.Example.com'], ['web.example.org', 'Web.example.org'], ['1st place', '1St Place'], ['élan vital', 'Élan Vital'], ['ǆemal', 'ǅemal'],
    ['straße', 'Straße'], ['ßtart', 'Sstart'], ['a..b', 'A..B'], ['x:y', 'X:y'], ['(paren) [bracket]', '(Paren) [Bracket]'], ['', ''],
  ];
  for (const [s, want] of cases) assert.equal(title(s), want, s);
  assert.equal(toUpper('straße ǆ'), 'STRAßE Ǆ');
  assert.equal(toLower('İSTANBUL ÀÉ'), 'istanbul àé');
});

test('regex: unanchored RE2 matching and Go replacement expansion', () => {
  const cases: [string, string, string, string][] = [
    ['(a)b', 'x$1', 'ab', 'xa'], ['a(x*)b', '$1', '-ab-axxb-', '--xx-'], ['a(x*)b', '$1W', '-ab-axxb-', '---'],
    ['a(x*)b', '${1}W', '-ab-axxb-', '-W-xxW-'], ['a(?P<n>x*)b', '[$n]', 'axb', '[x]'], ['a(?P<n>x*)b', '[${n}]$$', 'axb', '[x]$'],
    ['x*', '-', 'abc', '-a-b-c-'], ['a*', '-', 'baaac', '-b-c-'], ['(.*?):(\\d+)', '$2/$1', 'host:80', '80/host'],
    ['[aeiou]', '_', 'node exporter', 'n_d_ _xp_rt_r'], ['(b)?a', '[$1]', 'a', '[]'], ['a', '$2', 'a', ''], ['a', '$', 'a', '$'],
    ['a', '${', 'a', '${'], ['é', 'e', 'café', 'cafe'], ['^', '>', 'ab', '>ab'], ['$', '<', 'ab', 'ab<'], ['(?i)AB', 'x', 'ab aB', 'x x'],
    ['.', '-', 'a\nb', '-\n-'],
  ];
  for (const [p, r, s, want] of cases) assert.equal(reReplaceAll(p, r, s), want, `${p} ${r} ${s}`);
  assert.equal(match('a+', 'baab'), true);
  assert.equal(match('^a+$', 'baab'), false);
  assert.throws(() => reReplaceAll('(', 'x', 'y'), { message: 'regexp: Compile(`(`): error parsing regexp: missing closing ): `(`' });
  assert.throws(() => match('a**', 'y'), { message: 'error parsing regexp: invalid nested repetition operator: `**`' });
  // A pathological pattern runs in linear time (re2js), not exponential backtracking.
  const t0 = Date.now();
  assert.equal(match('(a+)+$', 'a'.repeat(5000) + 'b'), false);
  assert.ok(Date.now() - t0 < 5000);
});

test('net: SplitHostPort and stripDomain', () => {
  assert.deepEqual(splitHostPort('host:80'), { host: 'host', port: '80' });
  assert.deepEqual(splitHostPort('[::1]:80'), { host: '::1', port: '80' });
  assert.deepEqual(splitHostPort(':80'), { host: '', port: '80' });
  assert.deepEqual(splitHostPort('host:'), { host: 'host', port: '' });
  for (const bad of ['host', '::1', '[::1]', '[::1]x:80', 'a:b:c', '[a]:b]:c', 'a[b:c']) assert.equal(splitHostPort(bad), null, bad);
  assert.equal(stripDomain('a.b.c:1'), 'a:1');
  assert.equal(stripDomain('[a.b]:1'), 'a:1');
  assert.equal(stripDomain('10.0.0.1'), '10.0.0.1');
  assert.equal(stripDomain('010.0.0.1'), '010');
});

test('parseDuration and convertToFloat', () => {
  assert.equal(parseDurationSeconds('1h2m10ms'), 3720.01);
  assert.equal(parseDurationSeconds('-1d'), -86400);
  assert.equal(parseDurationSeconds('0'), 0);
  assert.throws(() => parseDurationSeconds(''), { message: 'empty duration string' });
  assert.throws(() => parseDurationSeconds('1x'), { message: 'not a valid duration string: "1x"' });
  assert.throws(() => parseDurationSeconds('1m1h'), { message: 'not a valid duration string: "1m1h"' });
  assert.equal(convertToFloat(' 1'.trim()), 1);
  assert.equal(convertToFloat('0x1p-2'), 0.25);
  assert.equal(convertToFloat('1_000.5'), 1000.5);
  assert.equal(convertToFloat('inf'), Infinity);
  assert.throws(() => convertToFloat('1e400'), { message: 'strconv.ParseFloat: parsing "1e400": value out of range' });
  assert.throws(() => convertToFloat(' 1'), { message: 'strconv.ParseFloat: parsing " 1": invalid syntax' });
  assert.throws(() => convertToFloat(true), { message: "can't convert bool to float" });
  assert.throws(() => convertToFloat(new GoVal(T.int32, 1n)), { message: "can't convert int32 to float" });
  assert.throws(() => convertToFloat(null), { message: "can't convert <nil> to float" });
  assert.equal(humanize(new GoVal(T.uint, 2048n)), '2.048k');
});

test('metrics: expansions and failures are counted', async () => {
  const reg = new Registry();
  registerTemplateMetrics(reg);
  const before = { ...expansionStats };
  const ok = new Expander({ text: '{{ 1 }}', name: 'm', data: null, timestampMs: 0, externalURL: '' });
  const bad = new Expander({ text: '{{ .x.y }}', name: 'm', data: { x: 1.5 }, timestampMs: 0, externalURL: '' });
  assert.equal(await ok.expand(), '1');
  await assert.rejects(bad.expand(), { message: 'error executing template m: template: m:1:5: executing "m" at <.x.y>: can\'t evaluate field y in type float64' });
  assert.deepEqual(expansionStats, { total: before.total + 2, failures: before.failures + 1 });
});
