import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nopLogger } from '../../util/log.js';
import { ManualClock, Marker } from '../store/index.js';
import {
  SilenceError, SilenceNotFoundError, Silencer, Silences, decodeSnapshot, encodeSnapshot, silenceState, type Silence, type SilenceChange,
} from './index.js';

const H = 3600_000;

function store(clock: ManualClock, file = '', retentionMs = 120 * H): { s: Silences; changes: [string, SilenceChange][] } {
  const changes: [string, SilenceChange][] = [];
  const s = new Silences({ retentionMs, snapshotFile: file, logger: nopLogger, clock, onChange: (x, k) => { changes.push([x.id, k]); } });
  return { s, changes };
}

function sil(clock: ManualClock, over: Partial<Silence> = {}): Silence {
  return {
    id: '', matchers: [{ name: 'alertname', value: 'A', type: '=' }], startsAt: clock.now(), endsAt: clock.now() + H,
    updatedAt: 0, createdBy: 'me', comment: 'c', ...over,
  };
}

test('silences: create assigns an ID, clamps a past start to now, validates', () => {
  const clock = new ManualClock();
  const { s, changes } = store(clock);
  const id = s.set(sil(clock, { startsAt: clock.now() - H }));
  assert.match(id, /^[0-9a-f-]{36}$/);
  const got = s.get(id)!;
  assert.equal(got.startsAt, clock.now());
  assert.equal(got.updatedAt, clock.now());
  assert.deepEqual(changes, [[id, 'created']]);
  const bad: [Partial<Silence>, string][] = [
    [{ matchers: [] }, 'silence invalid: at least one matcher required'],
    [{ matchers: [{ name: 'a', value: '', type: '=' }, { name: 'b', value: '.*', type: '=~' }] }, 'silence invalid: at least one matcher must not match the empty string'],
    [{ matchers: [{ name: 'a b', value: 'x', type: '=' }] }, 'silence invalid: invalid label matcher 0: invalid label name "a b"'],
    [{ matchers: [{ name: 'a', value: '(', type: '=~' }] }, 'silence invalid: invalid label matcher 0: invalid regular expression "("'],
    [{ endsAt: clock.now() - 1 }, 'silence invalid: end time must not be before start time'],
  ];
  for (const [over, msg] of bad) {
    assert.throws(() => s.set(sil(clock, over)), (e: unknown) => e instanceof SilenceError && e.message.startsWith(msg), msg);
  }
  assert.throws(() => s.set(sil(clock, { id: 'nope' })), SilenceNotFoundError);
});

test('silences: update in place or expire-and-replace, as Alertmanager decides', async () => {
  const clock = new ManualClock();
  const { s, changes } = store(clock);
  const active = s.set(sil(clock));
  const prev = s.get(active)!;
  await clock.advance(1000);
  // Same matchers, same start, later end: updated in place.
  assert.equal(s.set({ ...prev, endsAt: prev.endsAt + H, comment: 'longer' }), active);
  assert.equal(s.get(active)!.comment, 'longer');
  // Changed matchers: the old one is expired, a new one created.
  const moved = s.set({ ...s.get(active)!, matchers: [{ name: 'alertname', value: 'B', type: '=' }] });
  assert.notEqual(moved, active);
  assert.equal(silenceState(s.get(active)!, clock.now() + 1), 'expired');
  assert.equal(silenceState(s.get(moved)!, clock.now()), 'active');
  // Moving an active silence's start is not an in-place update either.
  await clock.advance(1000);
  const cur = s.get(moved)!;
  const replaced = s.set({ ...cur, startsAt: cur.startsAt - 5000 });
  assert.notEqual(replaced, moved);
  // Pending: a new future start updates in place; a start in the past replaces.
  const pending = s.set(sil(clock, { startsAt: clock.now() + H, endsAt: clock.now() + 2 * H }));
  assert.equal(silenceState(s.get(pending)!, clock.now()), 'pending');
  assert.equal(s.set({ ...s.get(pending)!, startsAt: clock.now() + 2 * H, endsAt: clock.now() + 3 * H }), pending);
  const p2 = s.set({ ...s.get(pending)!, startsAt: clock.now() - 1 });
  assert.notEqual(p2, pending);
  assert.equal(s.get(p2)!.startsAt, clock.now(), 'a replacement never starts in the past');
  // A replaced silence is expired once its replacement is stored (as Alertmanager 0.28+).
  assert.deepEqual(changes.map((c) => c[1]), ['created', 'updated', 'created', 'expired', 'created', 'expired', 'created', 'updated', 'created', 'expired']);
});

test('silences: expire active, pending and expired ones', async () => {
  const clock = new ManualClock();
  const { s } = store(clock);
  const a = s.set(sil(clock));
  const p = s.set(sil(clock, { startsAt: clock.now() + H, endsAt: clock.now() + 2 * H }));
  await clock.advance(1000);
  s.expire(a);
  s.expire(p);
  const ga = s.get(a)!;
  const gp = s.get(p)!;
  assert.equal(ga.endsAt, clock.now());
  assert.equal(gp.startsAt, clock.now());
  assert.equal(gp.endsAt, clock.now());
  await clock.advance(1);
  assert.deepEqual(s.countByState(), { active: 0, pending: 0, expired: 2 });
  const before = s.version;
  s.expire(a);
  assert.equal(s.version, before, 'expiring an expired silence changes nothing');
  assert.throws(() => { s.expire('missing'); }, SilenceNotFoundError);
});

test('silences: matching, queries, silencer marks and GC after retention', async () => {
  const clock = new ManualClock();
  const { s } = store(clock, '', 10 * H);
  const a = s.set(sil(clock, { matchers: [{ name: 'job', value: 'api|web', type: '=~' }, { name: 'env', value: 'dev', type: '!=' }], endsAt: clock.now() + 3 * H }));
  const p = s.set(sil(clock, { matchers: [{ name: 'job', value: 'api', type: '=' }], startsAt: clock.now() + H, endsAt: clock.now() + 2 * H }));
  assert.deepEqual(s.matching({ job: 'api' }), { active: [a], pending: [p] });
  assert.deepEqual(s.matching({ job: 'api', env: 'dev' }), { active: [], pending: [p] });
  assert.deepEqual(s.matching({ job: 'webx' }), { active: [], pending: [] });
  assert.deepEqual(s.query({ states: ['pending'] }).map((x) => x.id), [p]);
  assert.deepEqual(s.query({ ids: [p, 'x'] }).map((x) => x.id), [p]);
  const marker = new Marker();
  const silencer = new Silencer(s, marker);
  assert.equal(silencer.mutes({ job: 'api' }, 'fp1'), true);
  assert.deepEqual(marker.status('fp1'), { state: 'suppressed', silencedBy: [a], inhibitedBy: [], mutedBy: [] });
  await clock.advance(H + 1);
  // Both active now.
  assert.deepEqual(s.matching({ job: 'api' }).active.sort(), [a, p].sort());
  await clock.advance(H);
  assert.equal(silencer.mutes({ job: 'api' }, 'fp1'), true);
  await clock.advance(10 * H);
  assert.equal(s.gc(), 1, 'only the pending one ended more than the retention ago');
  await clock.advance(H);
  assert.equal(s.gc(), 1);
  assert.equal(silencer.mutes({ job: 'api' }, 'fp1'), false);
  assert.equal(marker.status('fp1').state, 'active');
});

test('silences snapshot: Alertmanager\'s protobuf layout round-trips and survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-sil-'));
  try {
    const file = join(dir, 'silences');
    const clock = new ManualClock();
    const { s } = store(clock, file);
    const id = s.set(sil(clock, {
      matchers: [{ name: 'a', value: 'x', type: '=' }, { name: 'b', value: 'y.*', type: '=~' }, { name: 'c', value: 'z', type: '!=' }, { name: 'd', value: 'ü', type: '!~' }],
      comment: 'über ✓', createdBy: 'ops',
    }));
    const size = await s.maintenance();
    assert.equal(size, readFileSync(file).length);
    const { s: s2 } = store(clock, file);
    assert.equal(await s2.load(), 1);
    assert.deepEqual(s2.get(id), s.get(id));
    // Hand-checked bytes of one small message: field 1 (Silence) then field 2 (expires_at).
    const bytes = encodeSnapshot([{ silence: { id: 'i', matchers: [{ name: 'n', value: 'v', type: '=~' }], startsAt: 1000, endsAt: 2000, updatedAt: 1500, createdBy: '', comment: '' }, expiresAt: 3000 }]);
    assert.deepEqual([...bytes.subarray(0, 6)], [bytes.length - 1, 0x0a, bytes[2], 0x0a, 0x01, 0x69]);
    assert.deepEqual(decodeSnapshot(bytes)[0]!.silence.matchers, [{ name: 'n', value: 'v', type: '=~' }]);
    writeFileSync(file, Buffer.from([5, 1, 2]));
    const { s: s3 } = store(clock, file);
    await assert.rejects(s3.load());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('silences: limits on their number and size, as --silences.max-silences and --silences.max-silence-size-bytes', () => {
  const clock = new ManualClock();
  const s = new Silences({ retentionMs: H, snapshotFile: '', logger: nopLogger, clock, maxSilences: 2, maxSilenceSizeBytes: 200 });
  const a = s.set(sil(clock));
  s.set(sil(clock));
  assert.throws(() => s.set(sil(clock)), /^SilenceError: exceeded maximum number of silences: 2 \(limit: 2\)$/);
  // An update in place needs no room.
  assert.equal(s.set({ ...s.get(a)!, comment: 'updated' }), a);
  assert.throws(() => s.set({ ...s.get(a)!, comment: 'x'.repeat(300) }), /silence exceeded maximum size: \d+ bytes \(limit: 200 bytes\)/);
  assert.equal(s.get(a)!.comment, 'updated', 'a refused update leaves the silence as it was');
});
