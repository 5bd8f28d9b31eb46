import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/index.js';
import { GroupIndex } from './group-index.js';
import { groupingKey } from './labels-util.js';

describe('GroupIndex', () => {
  it('numbers groups as groupingKey partitions them, in order of first appearance', () => {
    let seed = 11;
    const rnd = (n: number): number => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return Math.floor((seed / 4294967296) * n); };
    const values = ['a', 'b', 'a\xffb', '\xff', 'c'];
    const sets: Labels[] = [];
    for (let i = 0; i < 400; i++) {
      const nv: string[] = [];
      for (const name of ['__name__', 'instance', 'job', 'le', 'mode']) if (rnd(3) > 0) nv.push(name, values[rnd(values.length)]!);
      sets.push(Labels.fromStrings(...nv));
    }
    const groupings: [string[], boolean][] = [
      [[], false], [['job'], false], [['instance', 'job'], false], [['instance', 'job', 'le'], false], [['job', 'job'], false],
      [['absent'], false], [['__name__', 'mode'], false], [[], true], [['le'], true], [['instance', 'mode'], true],
    ];
    for (const [grouping, without] of groupings) {
      const gi = new GroupIndex(grouping, without);
      const byKey = new Map<string, number>();
      for (const l of sets) {
        const k = groupingKey(l, grouping, without);
        let want = byKey.get(k);
        const isNew = want === undefined;
        if (want === undefined) { want = byKey.size; byKey.set(k, want); }
        assert.equal(gi.groupOf(l), want, `${without ? 'without' : 'by'} (${grouping.join(',')}) ${l.toString()}`);
        assert.equal(gi.created, isNew);
      }
      assert.equal(gi.size, byKey.size);
    }
  });
});
