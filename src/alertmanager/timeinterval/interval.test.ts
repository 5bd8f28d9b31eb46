import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAlertmanagerConfigString } from '../config/index.js';
import { Intervener, containsTime, type TimeInterval } from './index.js';

function intervals(yaml: string): TimeInterval[] {
  const cfg = loadAlertmanagerConfigString(`route: {receiver: r}\nreceivers: [{name: r}]\ntime_intervals:\n  - name: t\n    time_intervals:\n${yaml}`, '').config;
  return cfg.time_intervals[0]!.time_intervals;
}

const at = (s: string): number => Date.parse(s);

test('time intervals: times, weekdays, days of month, months, years, locations', () => {
  const cases: [string, string, boolean][] = [
    ['      - times: [{start_time: "09:00", end_time: "17:00"}]', '2024-03-04T09:00:00Z', true],
    ['      - times: [{start_time: "09:00", end_time: "17:00"}]', '2024-03-04T17:00:00Z', false],
    ['      - times: [{start_time: "09:00", end_time: "17:00"}]', '2024-03-04T08:59:59Z', false],
    ['      - weekdays: ["monday:friday"]', '2024-03-04T12:00:00Z', true],
    ['      - weekdays: ["monday:friday"]', '2024-03-03T12:00:00Z', false],
    ['      - weekdays: [saturday, sunday]', '2024-03-03T12:00:00Z', true],
    ['      - days_of_month: ["-1"]', '2024-02-29T12:00:00Z', true],
    ['      - days_of_month: ["-1"]', '2024-02-28T12:00:00Z', false],
    ['      - days_of_month: ["1:5"]', '2024-02-05T23:59:00Z', true],
    ['      - months: ["january:march"]', '2024-02-10T00:00:00Z', true],
    ['      - months: ["6"]', '2024-06-10T00:00:00Z', true],
    ['      - years: ["2023:2024"]', '2024-06-10T00:00:00Z', true],
    ['      - years: ["2025"]', '2024-06-10T00:00:00Z', false],
    // 08:30 in Berlin (UTC+1 in winter) is 07:30 UTC.
    ['      - times: [{start_time: "08:00", end_time: "09:00"}]\n        location: Europe/Berlin', '2024-01-10T07:30:00Z', true],
    ['      - times: [{start_time: "08:00", end_time: "09:00"}]\n        location: Europe/Berlin', '2024-01-10T08:30:00Z', false],
    // Monday 00:30 in Sydney is still Sunday in UTC.
    ['      - weekdays: [monday]\n        location: Australia/Sydney', '2024-03-03T14:00:00Z', true],
    ['      - {}', '2024-03-03T14:00:00Z', true],
  ];
  for (const [yaml, when, want] of cases) {
    const tis = intervals(yaml);
    assert.equal(tis.some((ti) => containsTime(ti, at(when))), want, `${yaml.trim()} @ ${when}`);
  }
});

test('intervener: names of the intervals containing an instant; unknown names fail', () => {
  const iv = new Intervener(new Map([
    ['work', intervals('      - weekdays: ["monday:friday"]')],
    ['weekend', intervals('      - weekdays: [saturday, sunday]')],
  ]));
  assert.deepEqual(iv.activeAmong(['work', 'weekend'], at('2024-03-04T12:00:00Z')), ['work']);
  assert.deepEqual(iv.activeAmong(['work', 'weekend'], at('2024-03-03T12:00:00Z')), ['weekend']);
  assert.throws(() => iv.activeAmong(['nope'], 0), /time interval nope doesn't exist in config/);
});
