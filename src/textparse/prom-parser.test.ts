import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidLabelName } from '../model/index.js';
import { EntryType } from './interface.js';
import { PromParser } from './prom-parser.js';
import { entryLinesOrError } from './testing-entries.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const parse = (s: string | Uint8Array): string[] => entryLinesOrError(new PromParser(typeof s === 'string' ? enc(s) : s));

test('text format: accepted bodies and their entries', () => {
  const cases: { name: string; in: string; want: string[] }[] = [
    {
      name: 'metadata, labels, timestamp',
      in: '# HELP m Some help.\n# TYPE m counter\nm{a="1",b="x y"} 3 1700000000000\n',
      want: ['HELP m Some help.', 'TYPE m counter', '{__name__="m", a="1", b="x y"} 3 @1700000000000'],
    },
    { name: 'empty body', in: '', want: [] },
    { name: 'no final newline', in: 'm 1', want: ['{__name__="m"} 1'] },
    { name: 'blank lines and blanks between tokens', in: '\n\nm{a="1"}\t \t2\t 3000 \n\n', want: ['{__name__="m", a="1"} 2 @3000'] },
    {
      name: 'comments of every shape',
      in: '#\n# plain\n#no space\n# HELP\n# HELPX y\n# EOF\nm 1\n',
      want: ['COMMENT #', 'COMMENT # plain', 'COMMENT #no space', 'COMMENT # HELP', 'COMMENT # HELPX y', 'COMMENT # EOF', '{__name__="m"} 1'],
    },
    { name: 'HELP without text and with only blanks', in: '# HELP m\n# HELP n   \n', want: ['HELP m ', 'HELP n '] },
    { name: 'HELP escapes \\\\ and \\n only', in: '# HELP m a\\\\b\\nc \\"q\\" \\t\n', want: ['HELP m a\\b\nc \\"q\\" \\t'] },
    { name: 'untyped is unknown', in: '# TYPE m untyped\nm 1\n', want: ['TYPE m unknown', '{__name__="m"} 1'] },
    {
      name: 'label value escapes; unknown ones kept',
      in: 'm{a="x\\\\y\\"z\\nw\\t"} 1\n',
      want: ['{__name__="m", a="x\\\\y\\"z\\nw\\\\t"} 1'],
    },
    { name: 'commas optional, trailing comma, blanks inside braces', in: 'm{ a = "1"  b="2" , } 1\n', want: ['{__name__="m", a="1", b="2"} 1'] },
    { name: 'space before the brace', in: 'm {a="1"} 1\n', want: ['{__name__="m", a="1"} 1'] },
    { name: 'empty braces', in: 'm{} 1\n', want: ['{__name__="m"} 1'] },
    {
      name: 'quoted UTF-8 metric and label names',
      in: '{"my.metric", "a.b"="x"} 1\n{"other"} 2\nm{"ü"="1"} 3\n',
      want: ['{__name__="my.metric", "a.b"="x"} 1', '{__name__="other"} 2', '{__name__="m", "ü"="1"} 3'],
    },
    { name: 'colons in names', in: 'a:b:c 1\n', want: ['{__name__="a:b:c"} 1'] },
    {
      name: 'value forms',
      in: 'a +Inf\nb -inf\nc NaN\nd nan\ne 1e3\nf +1\ng .5\nh 5.\ni -0\nj Infinity\nk 1.5E-3\nl 12345678901234567890\n',
      want: ['{__name__="a"} +Inf', '{__name__="b"} -Inf', '{__name__="c"} NaN', '{__name__="d"} NaN', '{__name__="e"} 1000', '{__name__="f"} 1',
        '{__name__="g"} 0.5', '{__name__="h"} 5', '{__name__="i"} 0', '{__name__="j"} +Inf', '{__name__="k"} 0.0015', '{__name__="l"} 12345678901234567000'],
    },
    { name: 'largest timestamp', in: 'm 1 9223372036854775807\nn 1 007\n', want: ['{__name__="m"} 1 @9223372036854776000', '{__name__="n"} 1 @7'] }, // int64 max, as the nearest double
    {
      name: 'le and quantile canonical only under the matching TYPE, which carries over to later families',
      in: 'x_bucket{le="1"} 1\n# TYPE h histogram\nh_bucket{le="1e3"} 1\nother_bucket{le="0x1p-3"} 2\nh_bucket{le="junk"} 3\n# TYPE s summary\ns{quantile=".5",le="1"} 1\n# TYPE g gauge\ng{le="1"} 1\n',
      want: ['{__name__="x_bucket", le="1"} 1', 'TYPE h histogram', '{__name__="h_bucket", le="1000.0"} 1', '{__name__="other_bucket", le="0.125"} 2',
        '{__name__="h_bucket", le="junk"} 3', 'TYPE s summary', '{__name__="s", le="1", quantile="0.5"} 1', 'TYPE g gauge', '{__name__="g", le="1"} 1'],
    },
    { name: 'a NUL byte where a line starts ends the body', in: 'm 1\n\0garbage{\n', want: ['{__name__="m"} 1'] },
    { name: 'NUL and raw newline inside a label value', in: 'm{a="x\0y\nz"} 1\n', want: ['{__name__="m", a="x\\x00y\\nz"} 1'] },
    { name: 'EOF marker means nothing', in: 'm 1\n# EOF\nn 2', want: ['{__name__="m"} 1', 'COMMENT # EOF', '{__name__="n"} 2'] },
    // Prometheus takes the metric name from the start of the line, blanks included.
    { name: 'leading blanks stay in the name', in: '  m 1\n', want: ['{__name__="  m"} 1'] },
  ];
  for (const c of cases) assert.deepEqual(parse(c.in), c.want, c.name);
});

test('text format: rejected bodies fail the scrape with Prometheus-like messages', () => {
  const cases: { name: string; in: string | Uint8Array; err: string | RegExp }[] = [
    { name: 'unquoted value', in: 'm{a=1} 1\n', err: 'expected label value, got "1" ("INVALID") while parsing: "m{a=1"' },
    { name: 'missing value', in: 'm\n', err: 'expected value after metric, got "\\n" ("INVALID") while parsing: "m\\n"' },
    { name: 'garbage value', in: 'm abc\n', err: 'strconv.ParseFloat: parsing "abc": invalid syntax while parsing: "m abc"' },
    { name: 'hex value', in: 'm 0x1\n', err: /strconv.ParseFloat: parsing "0x1": invalid syntax/ },
    { name: 'hex float value', in: 'm 0x1p3\n', err: 'unsupported character in float while parsing: "m 0x1p3"' },
    { name: 'separator in value', in: 'm 1_000\n', err: /unsupported character in float/ },
    { name: 'signed NaN', in: 'm +nan\n', err: /invalid syntax/ },
    { name: 'value out of range', in: 'm 1e400\n', err: /parsing "1e400": value out of range/ },
    { name: 'negative timestamp', in: 'm 1 -5\n', err: /expected timestamp or new record/ },
    { name: 'float timestamp', in: 'm 1 1.5\n', err: /expected next entry after timestamp/ },
    { name: 'timestamp beyond int64', in: 'm 1 9223372036854775808\n', err: /strconv.ParseInt: parsing "9223372036854775808": value out of range/ },
    { name: 'two timestamps', in: 'm 1 2 3\n', err: /expected next entry after timestamp/ },
    { name: 'CR LF', in: 'm 1\r\n', err: /invalid syntax/ },
    { name: 'exemplar', in: 'm 1 # {a="b"} 1\n', err: /expected timestamp or new record/ },
    { name: 'unknown TYPE', in: '# TYPE m gaugehistogram\n', err: 'invalid metric type "gaugehistogram"' },
    { name: 'TYPE with trailing text', in: '# TYPE m counter x\n', err: 'invalid metric type "counter x"' },
    { name: 'HELP without name', in: '# HELP \n', err: /expected metric name after HELP/ },
    { name: 'name starting with a digit', in: '1m 1\n', err: /expected a valid start token/ },
    { name: 'dash in a label name', in: 'm{a-b="1"} 1\n', err: /expected equal/ },
    { name: 'unclosed braces', in: 'm{a="1" 1\n', err: /expected label name/ },
    { name: 'unterminated quote', in: 'm{a="1} 1\n', err: /expected label value/ },
    { name: 'two metric names', in: 'm{"n"} 1\n', err: /metric name already set while parsing/ },
    { name: 'no metric name', in: '{a="1"} 1\n', err: 'metric name not set while parsing: "{a=\\"1\\"} 1"' },
    { name: 'invalid UTF-8 in a label value', in: new Uint8Array([...enc('m{a="'), 0xc3, 0x28, ...enc('"} 1\n')]), err: 'invalid UTF-8 label value: "\\"\\xc3(\\""' },
    { name: 'invalid UTF-8 in HELP', in: new Uint8Array([...enc('# HELP m '), 0xff, 0x0a]), err: 'help text "\\xff" is not a valid utf8 string' },
    { name: 'duplicate label', in: 'm{a="1",a="2"} 1\n', err: 'label name "a" is not unique: invalid sample' },
    { name: 'duplicate of a quoted label', in: 'm{"a"="1",a="2"} 1\n', err: /label name "a" is not unique/ },
    { name: 'duplicate after unescaping', in: 'm{"a\\nb"="1","a\nb"="2"} 1\n', err: /label name "a\\nb" is not unique/ },
    { name: '__name__ as a label', in: 'm{__name__="x"} 1\n', err: /label name "__name__" is not unique/ },
  ];
  for (const c of cases) {
    const got = parse(c.in);
    const last = got[got.length - 1] ?? '';
    if (typeof c.err === 'string') assert.equal(last, 'ERROR: ' + c.err, c.name);
    else assert.match(last, new RegExp('^ERROR: .*' + c.err.source), c.name);
  }
});

test('text format: the error is thrown once and again on every later call', () => {
  const p = new PromParser(enc('m 1\nm x\n'));
  assert.equal(p.next(), EntryType.Series);
  let first: unknown;
  try {
    p.next();
  } catch (e) {
    first = e;
  }
  assert.ok(first instanceof Error);
  assert.throws(() => p.next(), (e) => e === first);
});

test('text format: series keys are the series as written and cheap to compare', () => {
  const keys = (s: string): [string, string][] => {
    const p = new PromParser(enc(s));
    const out: [string, string][] = [];
    for (let e = p.next(); e !== EntryType.EOF; e = p.next()) if (e === EntryType.Series) out.push([p.seriesKey(), p.labels().toString()]);
    return out;
  };
  const a = keys('m{a="1"} 1 100\nm{a="2"} 2\nn 3\n');
  assert.deepEqual(a.map((x) => x[0]), ['m{a="1"}', 'm{a="2"}', 'n']);
  const b = keys('# TYPE n gauge\nn 7\nm{a="1"} 9\n');
  assert.deepEqual(b, [['n', '{__name__="n"}'], ['m{a="1"}', '{__name__="m", a="1"}']]);
});

test('text format: a quoted name with invalid UTF-8 is kept so that validation can reject it', () => {
  const p = new PromParser(new Uint8Array([...enc('m{"a'), 0xff, ...enc('"="1"} 1\n')]));
  assert.equal(p.next(), EntryType.Series);
  const l = p.labels();
  assert.equal(l.length, 2);
  assert.equal(isValidLabelName(l.nameAt(1)), false);
});
