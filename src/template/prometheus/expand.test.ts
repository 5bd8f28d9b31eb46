/**
 * Prometheus's template expansion scenarios (template/template_test.go of Prometheus 3.14),
 * restated: template text, data, expected output or error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expander, expandRuleTemplate, type QuerySample } from './index.js';
import { T, go, type Value } from '../index.js';
import { CounterResetHint, type FloatHistogram } from '../../model/index.js';

interface Scenario {
  text: string;
  output?: string;
  input?: Value;
  options?: string[];
  queryResult?: QuerySample[];
  html?: boolean;
  errorMsg?: string;
}

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
const MAX_UINT64 = 2n ** 64n - 1n;

const HIST: FloatHistogram = {
  counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0, zeroCount: 0, count: 3, sum: 10,
  positiveSpans: [], negativeSpans: [], positiveBuckets: [], negativeBuckets: [], customValues: [],
};

const m = (labels: Record<string, string>, value: number): QuerySample => ({ labels, value });

const scenarios: Scenario[] = [
  { text: 'plain text', output: 'plain text' },
  { text: '{{ 1 }}', output: '1' },
  { text: '{{ query "x" | first | value }}', queryResult: [{ labels: {}, value: 0, histogram: HIST }], output: '{count:3, sum:10}' },
  { text: '{{\u00a0}}', errorMsg: 'error parsing template test: template: test:1: unrecognized character in action: U+00A0' },
  { text: '{{ "<b>" }}', output: '&lt;b&gt;', html: true },
  { text: '{{ "<b>" | safeHtml }}', output: '<b>', html: true },
  { text: '{{ "<b>" }}', output: '<b>' },
  { text: '{{define "x"}}{{.arg0}} {{.arg1}}{{end}}{{template "x" (args 1 "2")}}', output: '1 2' },
  { text: '{{ query "1.5" | first | value }}', output: '1.5', queryResult: [m({}, 1.5)] },
  { text: '{{ query "metric{instance=\'a\'}" | first | value }}', queryResult: [m({ __name__: 'metric', instance: 'a' }, 11)], output: '11' },
  { text: '{{ query "metric{instance=\'a\'}" | first | label "instance" }}', queryResult: [m({ __name__: 'metric', instance: 'a' }, 11)], output: 'a' },
  { text: '{{ query "metric{__value__=\'a\'}" | first | strvalue }}', queryResult: [m({ __name__: 'metric', __value__: 'a' }, 11)], output: 'a' },
  { text: '{{ query "metric{instance=\'a\'}" | first | label "foo" }}', queryResult: [m({ __name__: 'metric', instance: 'a' }, 11)], output: '' },
  { text: '{{ $x := query "metric" | first }}{{ $x.Labels.foo }}', queryResult: [m({ __name__: 'metric', instance: 'a' }, 11)], output: '' },
  { text: '{{ $x := query "metric" | first }}{{ $x.Labels.foo }}', queryResult: [m({ __name__: 'metric', instance: 'a' }, 11)], output: '', html: true },
  {
    text: '{{ range query "metric" | sortByLabel "instance" }}{{.Labels.instance}}:{{.Value}}: {{end}}',
    queryResult: [m({ __name__: 'metric', instance: 'b' }, 21), m({ __name__: 'metric', instance: 'a' }, 11)], output: 'a:11: b:21: ',
  },
  { text: '{{ "foo.example.com" | stripPort }}', output: 'foo.example.com' },
  { text: '{{ "foo.example.com:12345" | stripPort }}', output: 'foo.example.com' },
  { text: '{{ "192.0.2.1" | stripPort }}', output: '192.0.2.1' },
  { text: '{{ "192.0.2.1:12345" | stripPort }}', output: '192.0.2.1' },
  { text: '{{ "2001:0DB8::1" | stripPort }}', output: '2001:0DB8::1' },
  { text: '{{ "[2001:0DB8::1]:12345" | stripPort }}', output: '2001:0DB8::1' },
  { text: '{{ "[2001:0DB8::1]::12345" | stripPort }}', output: '[2001:0DB8::1]::12345' },
  { text: '{{ .Foo }}', output: '<no value>' },
  { text: '{{ .Foo }}', options: [], output: '<no value>' },
  { text: '{{ .Foo }}', options: ['missingkey=error'], errorMsg: 'error executing template test: template: test:1:3: executing "test" at <.Foo>: nil data; no entry for key "Foo"' },
  { text: '{{ .Foo }}', output: '', html: true },
  { text: '{{ .Foo }}', options: [], output: '', html: true },
  { text: '{{ .Foo }}', options: ['missingkey=error'], html: true, errorMsg: 'error executing template test: template: test:1:3: executing "test" at <.Foo>: nil data; no entry for key "Foo"' },
  { text: '{{', errorMsg: 'error parsing template test: template: test:1: unclosed action' },
  { text: '{{ query "missing" | first }}', queryResult: [], errorMsg: 'error executing template test: template: test:1:21: executing "test" at <first>: error calling first: first() called on vector with no elements' },
  { text: '{{ (query "missing").banana }}', queryResult: [], errorMsg: 'error executing template test: template: test:1:10: executing "test" at <"missing">: can\'t evaluate field banana in type template.queryResult' },
  { text: '{{ reReplaceAll "(a)b" "x$1" "ab" }}', output: 'xa' },
  { text: '{{ range . }}{{ humanize . }}:{{ end }}', input: [0.0, 1.0, 1234567.0, 0.12], output: '0:1:1.235M:120m:' },
  { text: '{{ range . }}{{ humanize . }}:{{ end }}', input: ['0.0', '1.0', '1234567.0', '.12'], output: '0:1:1.235M:120m:' },
  { text: '{{ humanize "one" }}', errorMsg: 'error executing template test: template: test:1:3: executing "test" at <humanize "one">: error calling humanize: strconv.ParseFloat: parsing "one": invalid syntax' },
  { text: '{{ range . }}{{ humanize . }}:{{ end }}', input: go.slice(T.int64, [0n, -1n, 1n, 1234567n, MAX_INT64]), output: '0:-1:1:1.235M:9.223E:' },
  { text: '{{ range . }}{{ humanize . }}:{{ end }}', input: go.slice(T.uint64, [0n, 1n, 1234567n, MAX_UINT64]), output: '0:1:1.235M:18.45E:' },
  { text: '{{ range . }}{{ humanize1024 . }}:{{ end }}', input: [0.0, 1.0, 1048576.0, 0.12], output: '0:1:1Mi:0.12:' },
  { text: '{{ range . }}{{ humanize1024 . }}:{{ end }}', input: ['0.0', '1.0', '1048576.0', '.12'], output: '0:1:1Mi:0.12:' },
  { text: '{{ humanize1024 "one" }}', errorMsg: 'error executing template test: template: test:1:3: executing "test" at <humanize1024 "one">: error calling humanize1024: strconv.ParseFloat: parsing "one": invalid syntax' },
  { text: '{{ range . }}{{ humanize1024 . }}:{{ end }}', input: go.slice(T.int64, [0n, -1n, 1n, 1234567n, MAX_INT64]), output: '0:-1:1:1.177Mi:8Ei:' },
  { text: '{{ range . }}{{ humanize1024 . }}:{{ end }}', input: go.slice(T.uint64, [0n, 1n, 1234567n, MAX_UINT64]), output: '0:1:1.177Mi:16Ei:' },
  {
    text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}', input: [0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99],
    output: '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:',
  },
  { text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}', input: ['0', '1', '60', '3600', '86400'], output: '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:' },
  { text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}', input: [0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345], output: '100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:' },
  { text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}', input: ['.1', '.0001', '.12345', '60.1', '60.5', '1.2345', '12.345'], output: '100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:' },
  { text: '{{ humanizeDuration "one" }}', errorMsg: 'error executing template test: template: test:1:3: executing "test" at <humanizeDuration "one">: error calling humanizeDuration: strconv.ParseFloat: parsing "one": invalid syntax' },
  { text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}', input: [0n, -1n, 1n, 1234567n], output: '0s:-1s:1s:14d 6h 56m 7s:' },
  { text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}', input: go.slice(T.uint, [0n, 1n, 1234567n]), output: '0s:1s:14d 6h 56m 7s:' },
  {
    text: '{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}',
    input: [Infinity, -Infinity, NaN], output: '+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:',
  },
  {
    text: '{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}',
    input: ['+Inf', '-Inf', 'NaN'], output: '+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:',
  },
  { text: '{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}', output: '-22.22%:0%:12.35%:123.5%' },
  { text: '{{ range . }}{{ humanizePercentage . }}:{{ end }}', input: go.slice(T.int64, [0n, -1n, 1n, 1234567n, MAX_INT64]), output: '0%:-100%:100%:1.235e+08%:9.223e+20%:' },
  { text: '{{ range . }}{{ humanizePercentage . }}:{{ end }}', input: go.slice(T.uint64, [0n, 1n, 1234567n, MAX_UINT64]), output: '0%:100%:1.235e+08%:1.845e+21%:' },
  { text: '{{ "-0.22222" | humanizePercentage }}:{{ "0.0" | humanizePercentage }}:{{ "0.1234567" | humanizePercentage }}:{{ "1.23456" | humanizePercentage }}', output: '-22.22%:0%:12.35%:123.5%' },
  { text: '{{ "one" | humanizePercentage }}', errorMsg: 'error executing template test: template: test:1:11: executing "test" at <humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing "one": invalid syntax' },
  {
    text: '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}', input: go.slice(T.int64, [0n, -1n, 1n, 1234567n, 9223372036n]),
    output: '1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:',
  },
  {
    text: '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}', input: go.slice(T.uint64, [0n, 1n, 1234567n, 9223372036n]),
    output: '1970-01-01 00:00:00 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:',
  },
  {
    text: '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}', input: go.slice(T.int64, [MIN_INT64, MAX_INT64]),
    errorMsg: 'error executing template test: template: test:1:16: executing "test" at <humanizeTimestamp .>: error calling humanizeTimestamp: -9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it overflows int64',
  },
  {
    text: '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}', input: go.slice(T.uint64, [MAX_UINT64]),
    errorMsg: 'error executing template test: template: test:1:16: executing "test" at <humanizeTimestamp .>: error calling humanizeTimestamp: 1.8446744073709552e+19 cannot be represented as a nanoseconds timestamp since it overflows int64',
  },
  { text: '{{ 1435065584.128 | humanizeTimestamp }}', output: '2015-06-23 13:19:44.128 +0000 UTC' },
  { text: '{{ "1435065584.128" | humanizeTimestamp }}', output: '2015-06-23 13:19:44.128 +0000 UTC' },
  { text: '{{ (1435065584.128 | toTime).Format "2006" }}', output: '2015' },
  { text: '{{ ("1435065584.128" | toTime).Format "2006" }}', output: '2015' },
  { text: '{{ (1800 | toDuration).String }}', output: '30m0s' },
  { text: '{{ ("1800" | toDuration).String }}', output: '30m0s' },
  { text: '{{ now }}', output: '1.353755652e+09' },
  { text: '{{ (now | toTime).Format "Mon Jan 2 15:04:05 2006" }}', output: 'Sat Nov 24 11:14:12 2012' },
  { text: '{{ ("-30m" | parseDuration | toDuration | (now | toTime).Add).UnixMilli }}', output: '1353753852000' },
  { text: '{{ "aa bb CC" | title }}', output: 'Aa Bb CC' },
  { text: '{{ "aa bb CC" | toUpper }}', output: 'AA BB CC' },
  { text: '{{ "aA bB CC" | toLower }}', output: 'aa bb cc' },
  { text: '{{ match "a+" "aa" }} {{ match "a+" "b" }}', output: 'true false' },
  { text: '{{ graphLink "up" }}', output: '/graph?g0.expr=up&g0.tab=0' },
  { text: '{{ tableLink "up" }}', output: '/graph?g0.expr=up&g0.tab=1' },
  { text: '{{ define "a" }}x{{ end }}{{ $name := "a"}}{{ tmpl $name . }}', output: 'x', html: true },
  { text: '{{ pathPrefix }}', output: '/path/prefix' },
  { text: '{{ externalURL }}', output: 'http://testhost:9090/path/prefix' },
  { text: '{{ printf "%0.2f" (parseDuration "1h2m10ms") }}', output: '3720.01' },
  { text: '{{ printf "%0.2f" (parseDuration "-1h2m10ms") }}', output: '-3720.01' },
  { text: '{{ "foo.example.com" | stripDomain }}', output: 'foo' },
  { text: '{{ "foo.example.com:12345" | stripDomain }}', output: 'foo:12345' },
  { text: '{{ "192.0.2.1" | stripDomain }}', output: '192.0.2.1' },
  { text: '{{ "192.0.2.1:12345" | stripDomain }}', output: '192.0.2.1:12345' },
  { text: '{{ "2001:0DB8::1" | stripDomain }}', output: '2001:0DB8::1' },
  { text: '{{ "[2001:0DB8::1]:12345" | stripDomain }}', output: '[2001:0DB8::1]:12345' },
  { text: '{{ "[2001:0DB8::1]::12345" | stripDomain }}', output: '[2001:0DB8::1]::12345' },
];

async function run(s: Scenario): Promise<{ ok: true; out: string } | { ok: false; err: string }> {
  const ex = new Expander({
    text: s.text, name: 'test', data: s.input, timestampMs: 1353755652000,
    query: () => Promise.resolve(s.queryResult ?? []), externalURL: 'http://testhost:9090/path/prefix',
    ...(s.options !== undefined ? { options: s.options } : {}),
  });
  try {
    return { ok: true, out: s.html === true ? await ex.expandHTML() : await ex.expand() };
  } catch (e) {
    return { ok: false, err: (e as Error).message };
  }
}

test('Prometheus template expansion scenarios', async () => {
  for (const s of scenarios) {
    const r = await run(s);
    if (s.errorMsg !== undefined) {
      assert.deepEqual(r, { ok: false, err: s.errorMsg }, s.text);
    } else {
      assert.deepEqual(r, { ok: true, out: s.output }, s.text);
    }
  }
});

test('alert rule expansion: preamble variables, $value printing, error form', async () => {
  const data = { labels: { instance: 'a:9090', job: 'x' }, externalLabels: { dc: 'eu' }, externalURL: 'http://p:9090', value: 0.51234 };
  const exp = (text: string): Promise<string> => expandRuleTemplate(text, { ruleName: 'HighLoad', data, timestampMs: 1e12 });
  assert.equal(await exp('{{ $labels.instance }} in {{ $externalLabels.dc }} is {{ $value }} ({{ $value | humanizePercentage }}) {{ $externalURL }}'),
    'a:9090 in eu is 0.51234 (51.23%) http://p:9090');
  assert.equal(await exp('[{{ $labels.missing }}]'), '[]');
  assert.equal(await exp('{{ .Labels.job }} {{ .Value }}'), 'x 0.51234');
  assert.equal(await exp('{{ $value | humanize'),
    '<error expanding template: error parsing template __alert_HighLoad: template: __alert_HighLoad:1: unclosed action>');
  assert.equal(await exp('{{ $labels.instance.foo }}'),
    '<error expanding template: error executing template __alert_HighLoad: template: __alert_HighLoad:1:122: executing "__alert_HighLoad" at <$labels.instance.foo>: can\'t evaluate field foo in type string>');
  assert.equal(await exp('{{ .Nope }}'),
    '<error expanding template: error executing template __alert_HighLoad: template: __alert_HighLoad:1:115: executing "__alert_HighLoad" at <.Nope>: can\'t evaluate field Nope in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }>');
});

test('console templates: libraries, tmpl with a dynamic name, escaping, asynchronous queries inside tmpl', async () => {
  const libs = [{ name: 'prom.lib', text: '{{ define "head" }}<h1>{{ . }}</h1>{{ end }}{{ define "rows" }}{{ range query "up" }}<td>{{ .Labels.i }}</td>{{ end }}{{ end }}' }];
  const ex = new Expander({
    text: '{{ template "head" "A&B" }}{{ $n := "rows" }}{{ tmpl $n . }}|{{ tmpl "head" "<x>" }}|{{ "<raw>" | safeHtml }}',
    name: 'console', data: null, timestampMs: 0, externalURL: 'http://h/p',
    query: () => Promise.resolve([{ labels: { i: '<1>' }, value: 1 }]),
  });
  assert.equal(await ex.expandHTML(libs), '<h1>A&amp;B</h1><td>&lt;1&gt;</td>|<h1>&lt;x&gt;</h1>|<raw>');
  await assert.rejects(new Expander({ text: '{{ template "nope" }}', name: 'c', data: null, timestampMs: 0, externalURL: '' }).expandHTML(),
    { message: 'error executing template c: template: c:1:12: executing "c" at <{{template "nope"}}>: template "nope" not defined' });
  await assert.rejects(new Expander({ text: '{{', name: 'c', data: null, timestampMs: 0, externalURL: '' }).expandHTML(),
    { message: 'error parsing template c: template: c:1: unclosed action' });
  // tmpl exists only in HTML mode.
  await assert.rejects(new Expander({ text: '{{ tmpl "x" . }}', name: 't', data: null, timestampMs: 0, externalURL: '' }).expand(),
    { message: 'error parsing template t: template: t:1: function "tmpl" not defined' });
});

test('parseTest reports parse errors only', () => {
  assert.doesNotThrow(() => { new Expander({ text: '{{ .Missing.Field | humanize }}', name: 'p', data: null, timestampMs: 0, externalURL: '' }).parseTest(); });
  assert.throws(() => { new Expander({ text: '{{ humanise 1 }}', name: 'p', data: null, timestampMs: 0, externalURL: '' }).parseTest(); },
    { message: 'template: p:1: function "humanise" not defined' });
});
