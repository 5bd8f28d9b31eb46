/**
 * The reading half of the storage contract: matchers of every type (including those that
 * match the empty string), series order, the querier's time range, label names and values.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matcher } from '../model/index.js';
import { appendAll, L, labelsOf, M, ms, read, type ContractStorage } from './contract-helpers.js';

/** The fixed data set of the select tests, appended in an order unrelated to label order. */
const SERIES = [
  L('__name__', 'up', 'job', 'c', 'instance', '3', 'env', 'prod'),
  L('__name__', 'up', 'job', 'b', 'instance', '1'),
  L('__name__', 'up', 'job', 'a', 'instance', '2'),
  L('__name__', 'up', 'job', 'a', 'instance', '1'),
  L('__name__', 'down', 'job', 'a'),
  L('__name__', 'up', 'job', 'a.b', 'instance', '1'),
];

const UP_A1 = '{__name__="up", instance="1", job="a"}';
const UP_A2 = '{__name__="up", instance="2", job="a"}';
const UP_AB = '{__name__="up", instance="1", job="a.b"}';
const UP_B1 = '{__name__="up", instance="1", job="b"}';
const UP_C3 = '{__name__="up", env="prod", instance="3", job="c"}';
const DOWN = '{__name__="down", job="a"}';

const up = M('__name__', '=', 'up');

// Expected lists are in `Labels.compare` order: by first differing pair, so `env` sorts before `instance`.
const selectCases: [string, Matcher[], string[]][] = [
  ['equality', [up], [UP_C3, UP_A1, UP_AB, UP_B1, UP_A2]],
  ['two equalities', [up, M('job', '=', 'a')], [UP_A1, UP_A2]],
  ['no such value', [up, M('job', '=', 'zzz')], []],
  ['no such label', [up, M('nope', '=', 'x')], []],
  ['inequality', [up, M('job', '!=', 'a')], [UP_C3, UP_AB, UP_B1]],
  ['regex alternation', [M('job', '=~', 'a|b')], [DOWN, UP_A1, UP_B1, UP_A2]],
  ['regex is anchored', [up, M('job', '=~', 'a')], [UP_A1, UP_A2]],
  ['regex dot matches any character', [up, M('job', '=~', 'a.b')], [UP_AB]],
  ['regex prefix', [up, M('job', '=~', 'a.*')], [UP_A1, UP_AB, UP_A2]],
  ['negative regex', [up, M('job', '!~', 'a.*')], [UP_C3, UP_B1]],
  ['regex on the name', [M('__name__', '=~', 'd.*|u.')], [DOWN, UP_C3, UP_A1, UP_AB, UP_B1, UP_A2]],
  ['negated name', [M('__name__', '!=', 'up'), M('job', '=', 'a')], [DOWN]],
  ['empty equality selects series without the label', [up, M('env', '=', '')], [UP_A1, UP_AB, UP_B1, UP_A2]],
  ['non-empty inequality requires the label', [up, M('env', '!=', '')], [UP_C3]],
  ['regex matching empty includes series without the label', [up, M('env', '=~', 'prod|')], [UP_C3, UP_A1, UP_AB, UP_B1, UP_A2]],
  ['regex matching empty, other value', [up, M('env', '=~', 'dev|')], [UP_A1, UP_AB, UP_B1, UP_A2]],
  ['negative regex matching empty', [up, M('env', '!~', 'prod')], [UP_A1, UP_AB, UP_B1, UP_A2]],
  ['negative regex not matching empty requires the label', [up, M('env', '!~', '')], [UP_C3]],
  ['regex for empty on a label all series have', [up, M('job', '=~', '')], []],
  ['.+ requires the label', [M('instance', '=~', '.+'), M('job', '=', 'a')], [UP_A1, UP_A2]],
  ['.* matches all', [up, M('instance', '=~', '.*')], [UP_C3, UP_A1, UP_AB, UP_B1, UP_A2]],
  ['combination', [up, M('instance', '=~', '1|3'), M('job', '!=', 'c')], [UP_A1, UP_AB, UP_B1]],
];

export function runSelectContract(name: string, withStorage: (body: (st: ContractStorage) => Promise<void>) => Promise<void>): void {
  void describe(`${name}: storage contract: selecting`, () => {
    void test('matchers of every type select the right series, sorted by labels', async () => {
      await withStorage(async (st) => {
        await appendAll(st, SERIES.map((labels, i) => ({ labels, samples: [[1000, i]] })));
        for (const [what, matchers, want] of selectCases) {
          assert.deepEqual(await labelsOf(st, matchers), want, what);
        }
      });
    });

    void test('unsorted selects return the same series', async () => {
      await withStorage(async (st) => {
        await appendAll(st, SERIES.map((labels, i) => ({ labels, samples: [[1000, i]] })));
        const got = (await read(st, [up], -1e15, 1e15, false)).map((s) => s.labels).sort();
        assert.deepEqual(got, [UP_C3, UP_A1, UP_AB, UP_B1, UP_A2].sort());
      });
    });

    void test('the querier range bounds samples inclusively and hides series without samples in it', async () => {
      await withStorage(async (st) => {
        const samples: [number, number][] = [];
        for (let t = 0; t <= 100; t += 10) samples.push([t, t / 10]);
        await appendAll(st, [
          { labels: L('__name__', 'r', 'k', 'all'), samples },
          { labels: L('__name__', 'r', 'k', 'late'), samples: [[500, 1]] },
        ]);
        const m = [M('__name__', '=', 'r')];
        assert.deepEqual(await read(st, m, 25, 65), [{ labels: '{__name__="r", k="all"}', samples: [[30, 3], [40, 4], [50, 5], [60, 6]] }]);
        assert.deepEqual((await read(st, m, 30, 60))[0]?.samples, [[30, 3], [40, 4], [50, 5], [60, 6]]);
        assert.deepEqual((await read(st, m, 100, 100))[0]?.samples, [[100, 10]]);
        assert.deepEqual(await labelsOf(st, m, 101, 499), []);
        assert.deepEqual(await labelsOf(st, m, 0, 1000), ['{__name__="r", k="all"}', '{__name__="r", k="late"}']);
      });
    });

    void test('label names and values, sorted, over all series or those matching', async () => {
      await withStorage(async (st) => {
        await appendAll(st, SERIES.map((labels, i) => ({ labels, samples: [[1000, i]] })));
        const q = await st.querier(ms(0), ms(2000));
        assert.deepEqual((await q.labelNames(null, [])).value, ['__name__', 'env', 'instance', 'job']);
        assert.deepEqual((await q.labelNames(null, [M('job', '=', 'a')])).value, ['__name__', 'instance', 'job']);
        assert.deepEqual((await q.labelNames(null, [M('__name__', '=', 'down')])).value, ['__name__', 'job']);
        assert.deepEqual((await q.labelNames(null, [M('__name__', '=', 'none')])).value, []);
        assert.deepEqual((await q.labelValues('job', null, [])).value, ['a', 'a.b', 'b', 'c']);
        assert.deepEqual((await q.labelValues('__name__', null, [])).value, ['down', 'up']);
        assert.deepEqual((await q.labelValues('instance', null, [M('job', '=~', 'a|c')])).value, ['1', '2', '3']);
        assert.deepEqual((await q.labelValues('instance', null, [M('__name__', '=', 'down')])).value, [], 'absent label');
        assert.deepEqual((await q.labelValues('nope', null, [])).value, []);
        assert.deepEqual((await q.labelValues('env', null, [M('env', '=', '')])).value, [], 'series without env');
        assert.deepEqual((await q.labelValues('job', { limit: 2 }, [])).value, ['a', 'a.b']);
        assert.deepEqual((await q.labelNames({ limit: 1 }, [])).value, ['__name__']);
        await q.close();
      });
    });

    void test('a querier over a range without data finds nothing', async () => {
      await withStorage(async (st) => {
        await appendAll(st, [{ labels: L('__name__', 'x', 'a', 'b'), samples: [[1000, 1]] }]);
        const q = await st.querier(ms(5000), ms(6000));
        const set = await q.select(true, null, [M('__name__', '=', 'x')]);
        assert.equal(set.next(), false);
        assert.equal(set.err(), null);
        assert.deepEqual((await q.labelNames(null, [])).value, []);
        assert.deepEqual((await q.labelValues('a', null, [])).value, []);
        await q.close();
      });
    });

    void test('an empty storage answers every read with nothing', async () => {
      await withStorage(async (st) => {
        assert.deepEqual(await read(st, [M('__name__', '=~', '.+')]), []);
        const q = await st.querier(ms(0), ms(1000));
        assert.deepEqual((await q.labelNames(null, [])).value, []);
        await q.close();
      });
    });
  });
}
