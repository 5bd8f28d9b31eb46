/**
 * The backfill's file reader: pieces of any size give the samples of one whole-file parse,
 * entries cut by a piece boundary are parsed again, errors are those of the whole text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError } from '../../textparse/index.js';
import { MissingTimestampError, OpenMetricsFileReader, type SampleSink } from './om-file-reader.js';

class Collect implements SampleSink {
  readonly lines: string[] = [];
  constructor(private readonly r: OpenMetricsFileReader) {}
  sample(id: number, t: number, v: number): void {
    this.lines.push(`${this.r.labels[id]!.toString()} ${v} ${t}`);
  }
}

async function read(text: string, piece: number, custom = new Map<string, string>()): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'wf-omreader-'));
  try {
    const f = join(dir, 'in.om');
    await writeFile(f, text);
    const r = new OpenMetricsFileReader(f, custom, piece);
    const c = new Collect(r);
    await r.pass(c);
    return c.lines;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const TEXT = [
  '# HELP h A histogram.',
  '# TYPE h histogram',
  'h_bucket{le="1"} 2 10',
  'h_bucket{le="+Inf"} 3 10',
  'h_count 3 10',
  'h_sum 4.5 10',
  '# TYPE g gauge',
  'g{a="x\\"y\\\\z",b=""} 1.5 10.5',
  'g{a="x\\"y\\\\z",b=""} -2 11',
  '{"odd\nname",x="1"} 7 12',
  'g{a="é"} NaN 13',
  '# EOF',
  '',
].join('\n');

test('any piece size reads what one piece reads', async () => {
  const whole = await read(TEXT, 1 << 20);
  assert.deepEqual(whole, [
    '{__name__="h_bucket", le="1.0"} 2 10000',
    '{__name__="h_bucket", le="+Inf"} 3 10000',
    '{__name__="h_count"} 3 10000',
    '{__name__="h_sum"} 4.5 10000',
    '{__name__="g", a="x\\"y\\\\z"} 1.5 10500',
    '{__name__="g", a="x\\"y\\\\z"} -2 11000',
    '{__name__="odd\\nname", x="1"} 7 12000',
    '{__name__="g", a="é"} NaN 13000',
  ]);
  for (let piece = 1; piece < 64; piece++) assert.deepEqual(await read(TEXT, piece), whole, `piece ${piece}`);
});

test('series identity: by labels, after --label overrides; empty values dropped', async () => {
  const text = 'a{x="1",y=""} 1 1\na{x="1"} 2 2\na{x="2"} 3 3\n# EOF\n';
  const dir = await mkdtemp(join(tmpdir(), 'wf-omreader-'));
  try {
    const f = join(dir, 'in.om');
    await writeFile(f, text);
    const r = new OpenMetricsFileReader(f, new Map([['x', ''], ['env', 'p']]), 8);
    const ids: number[] = [];
    await r.pass({ sample: (id) => { ids.push(id); } });
    assert.deepEqual(ids, [0, 0, 0]);
    assert.equal(r.labels[0]!.toString(), '{__name__="a", env="p"}');
    const r2 = new OpenMetricsFileReader(f, new Map([['__name__', '']]), 8);
    await r2.pass({ sample: () => undefined });
    assert.equal(r2.invalid[0], null);
    assert.equal(r2.labels.length, 2);
    await writeFile(f, 'a 1 1\n# EOF\n');
    const r3 = new OpenMetricsFileReader(f, new Map([['__name__', '']]), 8);
    await r3.pass({ sample: () => undefined });
    assert.equal(r3.invalid[0], 'empty labelset: invalid sample');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('errors of the whole text, whatever the pieces', async () => {
  const cases: { text: string; kind: typeof ParseError | typeof MissingTimestampError; msg: RegExp }[] = [
    { text: 'a 1 1\na 2\n# EOF\n', kind: MissingTimestampError, msg: /^expected timestamp for series got none$/ },
    { text: 'a 1 1\na 2 2\n', kind: ParseError, msg: /^data does not end with # EOF$/ },
    { text: 'a 1 1\n# EOF\na 2 2\n# EOF\n', kind: ParseError, msg: /^unexpected data after # EOF$/ },
    { text: 'a 1 1\nb{c="d"} x 2\n# EOF\n', kind: ParseError, msg: /^strconv\.ParseFloat: parsing "x": invalid syntax/ },
  ];
  for (const c of cases) {
    for (const piece of [3, 7, 1 << 20]) {
      await assert.rejects(read(c.text, piece), (e: unknown) => e instanceof c.kind && c.msg.test((e as Error).message), `${JSON.stringify(c.text)} piece ${piece}`);
    }
  }
  // A file whose last line is its `# EOF` right at a piece boundary.
  assert.deepEqual(await read('a 1 1\n# EOF\n', 6), ['{__name__="a"} 1 1000']);
});
