import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { Labels } from '../../model/index.js';
import { RecordDecoder, RecordEncoder, type RefSeries } from './index.js';
import { StringTable } from './decbuf.js';

describe('series records decode through the string table', () => {
  it('gives the same labels as written, repeated, non-ASCII, long and colliding strings included', () => {
    const long = 'x'.repeat(65);
    const sets: RefSeries[] = [];
    // Many distinct short values, so that slots collide and are overwritten.
    for (let i = 0; i < 9000; i++) {
      sets.push({ ref: i + 1, labels: Labels.fromStrings('__name__', `m_${i % 37}`, 'instance', `host-${i % 500}:9100`, 'job', 'node', 'v', String(i)) });
    }
    sets.push({ ref: 9001, labels: Labels.fromStrings('__name__', 'ünïcode', 'city', 'Zürich', 'emoji', '🔥', 'long', long) });
    sets.push({ ref: 9002, labels: Labels.fromStrings('__name__', 'ünïcode', 'city', 'Zürich', 'empty', '', 'long', long + 'y') });
    const enc = new RecordEncoder();
    const dec = new RecordDecoder();
    // Twice through one decoder: the second pass finds most strings in the table.
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < sets.length; i += 1000) {
        const chunk = sets.slice(i, i + 1000);
        const got: RefSeries[] = [];
        dec.series(enc.series(chunk).slice(), got);
        assert.equal(got.length, chunk.length);
        for (let k = 0; k < chunk.length; k++) {
          assert.equal(got[k]!.ref, chunk[k]!.ref);
          assert.ok(got[k]!.labels.equals(chunk[k]!.labels), `pass ${pass}: ${got[k]!.labels.toString()} vs ${chunk[k]!.labels.toString()}`);
        }
      }
    }
  });

  it('hands out one string per repeated value', () => {
    const t = new StringTable();
    const b = Buffer.from('instance=host-1 instance');
    const a = t.get(b, 0, 8, b);
    const again = t.get(b, 16, 8, b);
    assert.equal(a, 'instance');
    assert.equal(again, 'instance');
    assert.equal(t.get(b, 9, 6, b), 'host-1');
  });
});
