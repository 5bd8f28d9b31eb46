import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenMetricsParser } from './openmetrics-parser.js';
import { entryLinesOrError } from './testing-entries.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const parse = (s: string, st = false): string[] => entryLinesOrError(new OpenMetricsParser(enc(s), st));

test('OpenMetrics: accepted bodies and their entries', () => {
  const cases: { name: string; in: string; want: string[] }[] = [
    { name: 'minimal', in: 'm 1\n# EOF\n', want: ['{__name__="m"} 1'] },
    { name: 'EOF without newline', in: 'm 1\n# EOF', want: ['{__name__="m"} 1'] },
    {
      name: 'metadata in any order',
      in: '# UNIT a_seconds seconds\n# HELP a_seconds The \\"help\\" \\\\ \\n.\n# TYPE a_seconds gauge\na_seconds 1\n# EOF\n',
      want: ['UNIT a_seconds seconds', 'HELP a_seconds The "help" \\ \n.', 'TYPE a_seconds gauge', '{__name__="a_seconds"} 1'],
    },
    {
      name: 'float second timestamps truncate to milliseconds',
      in: 'a 1 1.5\nb 1 1e3\nc 1 -1.5\nd 1 1.0009\ne 1 1700000000.123\n# EOF\n',
      want: ['{__name__="a"} 1 @1500', '{__name__="b"} 1 @1000000', '{__name__="c"} 1 @-1500', '{__name__="d"} 1 @1000', '{__name__="e"} 1 @1700000000123'],
    },
    {
      name: 'exemplars, kept as written',
      in: '# TYPE c counter\nc_total 1 # {id="a\\\\b"} 0.5\nc_total{x="1"} 2 7 # {} 1 2.5\ng 1 # {a="b"} NaN\n# EOF\n',
      want: ['TYPE c counter', '{__name__="c_total"} 1 # {id="a\\\\\\\\b"} 0.5', '{__name__="c_total", x="1"} 2 @7000 # {} 1 @2500', '{__name__="g"} 1 # {a="b"} NaN'],
    },
    {
      name: 'stateset, info, gaugehistogram, unknown types',
      in: '# TYPE s stateset\n# TYPE i info\n# TYPE g gaugehistogram\n# TYPE u unknown\n# EOF\n',
      want: ['TYPE s stateset', 'TYPE i info', 'TYPE g gaugehistogram', 'TYPE u unknown'],
    },
    { name: 'quoted names', in: '{"my.metric","a.b"="x"} 1\n# TYPE "my.metric" gauge\n# EOF\n', want: ['{__name__="my.metric", "a.b"="x"} 1', 'TYPE my.metric gauge'] },
    { name: 'trailing comma tolerated', in: 'm{a="1",} 1\n# EOF\n', want: ['{__name__="m", a="1"} 1'] },
    { name: 'le canonical under histogram', in: '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+inf"} 1\n# EOF\n', want: ['TYPE h histogram', '{__name__="h_bucket", le="1.0"} 1', '{__name__="h_bucket", le="+Inf"} 1'] },
    { name: '_created is a sample without start-timestamp parsing', in: '# TYPE c counter\nc_total 1\nc_created 5\n# EOF\n', want: ['TYPE c counter', '{__name__="c_total"} 1', '{__name__="c_created"} 5'] },
  ];
  for (const c of cases) assert.deepEqual(parse(c.in), c.want, c.name);
});

test('OpenMetrics: rejected bodies', () => {
  const cases: { name: string; in: string; err: string | RegExp }[] = [
    { name: 'no EOF', in: 'm 1\n', err: 'data does not end with # EOF' },
    { name: 'data after EOF', in: '# EOF\nm 1\n', err: 'unexpected data after # EOF' },
    { name: 'blank line after EOF', in: 'm 1\n# EOF\n\n', err: 'unexpected data after # EOF' },
    { name: 'blank line', in: 'm 1\n\n# EOF\n', err: 'expected a valid start token, got "\\n" ("INVALID") while parsing: "\\n"' },
    { name: 'trailing space after the value', in: 'a 1 \n# EOF\n', err: 'expected a valid start token, got "\\n#" ("LINEBREAK") while parsing: "\\n#"' },
    { name: 'plain comment', in: '# hello\n# EOF\n', err: /expected a valid start token/ },
    { name: 'double space', in: 'm  1\n# EOF\n', err: /expected value after metric/ },
    { name: 'tab separator', in: 'm\t1\n# EOF\n', err: /expected value after metric/ },
    { name: 'space in labels', in: 'm{a="1", b="2"} 1\n# EOF\n', err: /expected label name/ },
    { name: 'untyped', in: '# TYPE m untyped\n# EOF\n', err: 'invalid metric type "untyped"' },
    { name: 'HELP without text', in: '# HELP m\n# EOF\n', err: 'expected text in HELP' },
    { name: 'unit not a suffix', in: '# UNIT m seconds\n# EOF\n', err: 'unit "seconds" not a suffix of metric "m"' },
    { name: 'unit without underscore', in: '# UNIT mseconds seconds\n# EOF\n', err: /not a suffix/ },
    { name: 'NaN timestamp', in: 'm 1 NaN\n# EOF\n', err: 'invalid timestamp NaN' },
    { name: 'Inf exemplar timestamp', in: 'm 1 # {} 1 -Inf\n# EOF\n', err: 'invalid exemplar timestamp -Inf' },
    { name: 'exemplar without value', in: 'm 1 # {}\n# EOF\n', err: /expected value after exemplar labels/ },
    { name: 'quoted name in exemplar position', in: 'm 1 # {"a"} 1\n# EOF\n', err: /expected label name/ },
    { name: 'CR LF', in: 'm 1\r\n# EOF\r\n', err: /invalid syntax/ },
    { name: 'missing EOF after timestamp', in: 'm 1 2', err: /expected next entry after timestamp/ },
    { name: 'trailing space at the end', in: 'm 1 ', err: 'data does not end with # EOF' },
    { name: 'duplicate label', in: 'm{a="1",a="1"} 1\n# EOF\n', err: 'label name "a" is not unique: invalid sample' },
  ];
  for (const c of cases) {
    const got = parse(c.in);
    const last = got[got.length - 1] ?? '';
    if (typeof c.err === 'string') assert.equal(last, 'ERROR: ' + c.err, c.name);
    else assert.match(last, new RegExp('^ERROR: .*' + c.err.source), c.name);
  }
});

test('OpenMetrics: start timestamps from _created lines, as Prometheus looks ahead for them', () => {
  const cases: { name: string; in: string; want: string[] }[] = [
    {
      name: 'counter: _created after the sample gives its start timestamp and is not a sample',
      in: '# TYPE c counter\nc_total{a="1"} 1\nc_created{a="1"} 1700000000.5\n# EOF\n',
      want: ['TYPE c counter', '{__name__="c_total", a="1"} 1 st=1700000000500'],
    },
    {
      name: 'histogram: every bucket, sum and count share it; le is ignored for matching',
      in: '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\nh_created 10\n# EOF\n',
      want: ['TYPE h histogram', '{__name__="h_bucket", le="1.0"} 1 st=10000', '{__name__="h_bucket", le="+Inf"} 2 st=10000', '{__name__="h_sum"} 3 st=10000', '{__name__="h_count"} 2 st=10000'],
    },
    {
      name: 'summary quantiles too',
      in: '# TYPE s summary\ns{quantile="0.5"} 1\ns_count 1\ns_created 2\n# EOF\n',
      want: ['TYPE s summary', '{__name__="s", quantile="0.5"} 1 st=2000', '{__name__="s_count"} 1 st=2000'],
    },
    {
      name: 'the first _created line ahead decides: another label set gives none',
      in: '# TYPE c counter\nc_total{a="1"} 1\nc_total{a="2"} 2\nc_created{a="1"} 5\nc_created{a="2"} 6\n# EOF\n',
      want: ['TYPE c counter', '{__name__="c_total", a="1"} 1 st=5000', '{__name__="c_total", a="2"} 2'],
    },
    {
      name: 'metadata stops the search; _created before the sample is not used',
      in: '# TYPE c counter\nc_created 5\nc_total 1\n# TYPE d counter\nd_total 1\nd_created 7\n# EOF\n',
      want: ['TYPE c counter', '{__name__="c_total"} 1', 'TYPE d counter', '{__name__="d_total"} 1 st=7000'],
    },
    {
      name: 'gauges have no _created: it stays a sample',
      in: '# TYPE g gauge\ng 1\ng_created 5\n# EOF\n',
      want: ['TYPE g gauge', '{__name__="g"} 1', '{__name__="g_created"} 5'],
    },
    {
      name: 'a zero _created means unknown',
      in: '# TYPE c counter\nc_total 1\nc_created 0\n# EOF\n',
      want: ['TYPE c counter', '{__name__="c_total"} 1'],
    },
  ];
  for (const c of cases) assert.deepEqual(parse(c.in, true), c.want, c.name);
});

test('OpenMetrics: start timestamps over a large family stay linear and correct', () => {
  let body = '# TYPE c counter\n';
  const n = 3000;
  for (let i = 0; i < n; i++) body += `c_total{i="${i}"} ${i}\n`;
  body += '# TYPE d counter\n';
  for (let i = 0; i < n; i++) body += `d_total{i="${i}"} ${i}\nd_created{i="${i}"} ${i + 1}\n`;
  body += '# EOF\n';
  const lines = parse(body, true);
  assert.equal(lines.length, 2 * n + 2);
  assert.ok(lines.slice(1, n + 1).every((l) => !l.includes('st=')));
  assert.equal(lines[n + 2], '{__name__="d_total", i="0"} 0 st=1000');
  assert.equal(lines[2 * n + 1], `{__name__="d_total", i="${n - 1}"} ${n - 1} st=${n * 1000}`);
});
