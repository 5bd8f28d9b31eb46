/**
 * The backfill's file reader: pieces of any size give the samples of one whole-file parse,
 * entries cut by a piece boundary are parsed again, errors are those of the whole text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntryType, OpenMetricsParser, ParseError } from '../../textparse/index.js';
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

test('values and timestamps read without the parser equal the parser\'s, bit for bit', async () => {
  const values = ['1', '-0', '+5', '1.5', '.5', '5.', '1e3', '1E-3', '007', '0.1', '0.30000000000000004', '123456789012345678',
    '3.14159265358979323846', '1e22', '1e23', '9007199254740993', '4.35', '1e-22', '2.5e-23', 'NaN', '+Inf', '-Inf', '1.7976931348623157e308'];
  const stamps = ['1', '1.001', '1700000000.123', '-1.5', '0.0001', '1e3', '1.0000000000000002', '1700000000.9999999'];
  const lines: string[] = [];
  for (const v of values) for (const t of stamps) lines.push(`m{a="b"} ${v} ${t}`);
  const text = lines.join('\n') + '\n# EOF\n';
  const want: string[] = [];
  const p = new OpenMetricsParser(Buffer.from(text));
  for (let e = p.next(); e !== EntryType.EOF; e = p.next()) {
    if (e === EntryType.Series) want.push(`{__name__="m", a="b"} ${p.value()} ${p.timestamp()!}`);
  }
  assert.equal(want.length, values.length * stamps.length);
  for (const piece of [1 << 20, 50]) assert.deepEqual(await read(text, piece), want, `piece ${piece}`);
  // -0 stays -0.
  const dir = await mkdtemp(join(tmpdir(), 'wf-omreader-'));
  try {
    await writeFile(join(dir, 'z.om'), 'z 1 1\nz -0 2\nz -0.0e0 3\n# EOF\n');
    const r = new OpenMetricsFileReader(join(dir, 'z.om'), new Map());
    const got: number[] = [];
    await r.pass({ sample: (_id, _t, v) => { got.push(v); } });
    assert.ok(Object.is(got[1], -0) && Object.is(got[2], -0));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
