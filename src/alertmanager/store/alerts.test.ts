import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertStore, Marker, compareAlerts, fixtureAlert, formatTime, mergeAlerts, parseTime, validateAlert, type Alert } from './index.js';
import { fingerprint, validateLabelSet } from '../labels/index.js';

const T = Date.UTC(2024, 0, 1);
const M = 60_000;

test('merge: the younger update wins, the earliest start stays, explicit ends beat timeouts', () => {
  const base = fixtureAlert({ labels: { a: '1' }, startsAt: T, endsAt: T + 10 * M, updatedAt: T }, T);
  const cases: [string, Partial<Alert>, Partial<Alert>, number, number][] = [
    ['later start keeps the earliest', {}, { startsAt: T + M, endsAt: T + 20 * M, updatedAt: T + M }, T, T + 20 * M],
    ['older update loses', {}, { startsAt: T, endsAt: T + 5 * M, updatedAt: T - M }, T, T + 10 * M],
    ['explicit later end beats a timeout end', { endsAt: T + 30 * M }, { endsAt: T + 15 * M, updatedAt: T + M, timeout: true }, T, T + 30 * M],
    ['a timeout end does not override', { endsAt: T + 30 * M, timeout: true }, { endsAt: T + 15 * M, updatedAt: T + M }, T, T + 15 * M],
  ];
  for (const [name, a, o, start, end] of cases) {
    const m = mergeAlerts({ ...base, ...a }, { ...base, ...o }, T + 2 * M);
    assert.equal(m.startsAt, start, name);
    assert.equal(m.endsAt, end, name);
  }
});

test('store: overlapping updates merge, listeners see every stored alert, GC removes resolved ones', () => {
  const s = new AlertStore();
  const seen: string[] = [];
  s.put([fixtureAlert({ labels: { a: '1' }, startsAt: T, endsAt: T + 10 * M }, T)], T);
  const unsubscribe = s.subscribe((a) => { seen.push(`${a.labels['a']!}@${(a.endsAt - T) / M}`); });
  s.put([fixtureAlert({ labels: { a: '1' }, startsAt: T + M, endsAt: T + 20 * M, updatedAt: T + M }, T + M)], T + M);
  s.put([fixtureAlert({ labels: { a: '2' }, startsAt: T, endsAt: T + 2 * M }, T)], T);
  unsubscribe();
  s.put([fixtureAlert({ labels: { a: '3' } }, T)], T);
  assert.deepEqual(seen, ['1@10', '1@20', '2@2']);
  assert.equal(s.get(fingerprint({ a: '1' }))!.startsAt, T, 'merged start');
  const deleted: string[] = [];
  s.onDelete((gone) => { for (const a of gone) deleted.push(a.labels['a']!); });
  assert.deepEqual(s.gc(T + 3 * M).map((a) => a.labels['a']), ['2']);
  assert.deepEqual(deleted, ['2']);
  assert.equal(s.size, 2);
});

test('marker: states follow silences and inhibitions; counts by state', () => {
  const m = new Marker();
  assert.equal(m.status('x').state, 'unprocessed');
  m.setActiveOrSilenced('x', 1, ['s1'], []);
  m.setInhibited('y', []);
  assert.equal(m.status('x').state, 'suppressed');
  assert.equal(m.status('y').state, 'active');
  m.setInhibited('x', ['fp']);
  m.setActiveOrSilenced('x', 2, [], ['pending']);
  assert.deepEqual(m.status('x'), { state: 'suppressed', silencedBy: [], inhibitedBy: ['fp'], mutedBy: [] });
  assert.deepEqual(m.silenced('x'), { activeIDs: [], pendingIDs: ['pending'], version: 2 });
  m.setInhibited('x', []);
  assert.equal(m.status('x').state, 'active');
  assert.equal(m.count('active'), 2);
  m.delete('x');
  assert.equal(m.count('active'), 1);
});

test('alerts: validation, order and time texts as Alertmanager', () => {
  const ok = fixtureAlert({ labels: { alertname: 'A' } }, T);
  const bad: [Partial<Alert>, string][] = [
    [{ startsAt: 0 }, 'start time missing'],
    [{ endsAt: T - 1 }, 'start time must be before end time'],
    [{ labels: {} }, 'at least one label pair required'],
    [{ labels: { 'a-b': 'x' } }, 'invalid label set: invalid name "a-b"'],
    [{ annotations: { 'a b': 'x' } }, 'invalid annotations: invalid name "a b"'],
  ];
  assert.equal(validateAlert(ok, validateLabelSet), null);
  for (const [over, msg] of bad) assert.equal(validateAlert({ ...ok, ...over }, validateLabelSet), msg);
  const sorted = [
    fixtureAlert({ labels: { b: '1' } }, T),
    fixtureAlert({ labels: { job: 'b', instance: 'x' } }, T),
    fixtureAlert({ labels: { job: 'a', instance: 'y' } }, T),
    fixtureAlert({ labels: { job: 'a', instance: 'x' } }, T),
  ].sort(compareAlerts).map((a) => JSON.stringify(a.labels));
  assert.deepEqual(sorted, ['{"job":"a","instance":"x"}', '{"job":"a","instance":"y"}', '{"job":"b","instance":"x"}', '{"b":"1"}']);
  assert.equal(formatTime(0), '0001-01-01T00:00:00.000Z');
  assert.equal(parseTime('0001-01-01T00:00:00Z'), 0);
  assert.equal(parseTime('2024-01-01T01:00:00+01:00'), T);
  assert.equal(parseTime('yesterday'), undefined);
  // Fingerprints are model.LabelSet.Fingerprint (FNV-1a): values fixed by Alertmanager's API output.
  assert.equal(fingerprint({}), 'cbf29ce484222325');
});
