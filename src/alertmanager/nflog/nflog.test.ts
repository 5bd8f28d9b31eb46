import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nopLogger } from '../../util/log.js';
import { Registry } from '../../instrument/index.js';
import { ManualClock } from '../store/index.js';
import { NotificationLog, decodeNflogSnapshot, encodeNflogSnapshot, type NflogEntry } from './index.js';

const H = 3600_000;
const R = { groupName: 'team', integration: 'webhook', idx: 0 };

test('nflog: entries expire after the retention, or twice the repeat interval when shorter', async () => {
  const clock = new ManualClock();
  const log = new NotificationLog({ retentionMs: 120 * H, snapshotFile: '', logger: nopLogger, clock });
  log.log(R, 'g1', ['00000000000000ff'], [], 0);
  log.log({ ...R, idx: 1 }, 'g1', ['00000000000000ff'], [], 2 * 4 * H);
  log.log({ ...R, idx: 2 }, 'g1', ['00000000000000ff'], [], 2 * 100 * H);
  assert.equal(log.query(R, 'g1')!.expiresAt - clock.now(), 120 * H);
  assert.equal(log.query({ ...R, idx: 1 }, 'g1')!.expiresAt - clock.now(), 8 * H);
  assert.equal(log.query({ ...R, idx: 2 }, 'g1')!.expiresAt - clock.now(), 120 * H);
  assert.equal(log.query(R, 'other'), undefined);
  await clock.advance(8 * H);
  assert.equal(log.gc(), 1);
  await clock.advance(112 * H);
  assert.equal(log.gc(), 2);
  assert.equal(log.entries().length, 0);
});

test('nflog: snapshot in Alertmanager\'s layout (uint64 hashes, packed) survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-nflog-'));
  try {
    const file = join(dir, 'nflog');
    const clock = new ManualClock();
    const reg = new Registry();
    const log = new NotificationLog({ retentionMs: 120 * H, snapshotFile: file, logger: nopLogger, clock, registry: reg });
    log.log(R, '{}/{a="b"}:{alertname="X"}', ['ffffffffffffffff', '0123456789abcdef'], ['8000000000000001'], 8 * H);
    log.log({ groupName: 'x', integration: 'email', idx: 3 }, 'g2', [], [], 0);
    const size = await log.maintenance();
    assert.equal(size, readFileSync(file).length);
    assert.match(reg.expose(), /alertmanager_nflog_maintenance_total 1/);
    const log2 = new NotificationLog({ retentionMs: 120 * H, snapshotFile: file, logger: nopLogger, clock });
    assert.equal(await log2.load(), 2);
    assert.deepEqual(log2.query(R, '{}/{a="b"}:{alertname="X"}'), log.query(R, '{}/{a="b"}:{alertname="X"}'));
    const e: NflogEntry = { groupKey: 'k', receiver: R, timestamp: 1_700_000_000_123, firingAlerts: ['0000000000000001'], resolvedAlerts: [], expiresAt: 1_700_000_100_000 };
    const b = encodeNflogSnapshot([e]);
    // Entry.firing_alerts (field 6) is packed: tag 0x32, length 1, varint 1.
    assert.ok(Buffer.from(b).includes(Buffer.from([0x32, 0x01, 0x01])));
    assert.deepEqual(decodeNflogSnapshot(b), [e]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nflog: an entry newer than now (clock stepped back) is not overwritten', () => {
  let t = 1_700_000_000_000;
  const clock = { now: () => t, setTimeout: () => ({ __timer: true as const }), clearTimeout: () => undefined };
  const log = new NotificationLog({ retentionMs: H, snapshotFile: '', logger: nopLogger, clock });
  log.log(R, 'g', ['0000000000000001'], [], 0);
  t -= 1000;
  log.log(R, 'g', ['0000000000000002'], [], 0);
  assert.deepEqual(log.query(R, 'g')!.firingAlerts, ['0000000000000001']);
  t += 2000;
  log.log(R, 'g', ['0000000000000002'], [], 0);
  assert.deepEqual(log.query(R, 'g')!.firingAlerts, ['0000000000000002']);
});
