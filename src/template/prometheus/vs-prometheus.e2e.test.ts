/**
 * Differential test against a real Prometheus (Debian's 2.42): alerting rules whose
 * annotations use the template language broadly are evaluated by Prometheus; the expanded
 * annotations it serves at /api/v1/alerts must equal our expansion of the same templates with
 * the same data (labels and value read back from the API, query results from its query API).
 *
 * Templates are chosen within what Prometheus 2.42 (Go 1.19) and 3.14 (Go 1.25) do alike:
 * no `range` over integers, no `else with`, no functions added after 2.42, and `title` only on
 * words where strings.Title (2.42) and x/text/cases (3.x) agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, peer, startPeer, waitReady } from '../../testing/peers.js';
import { expandRuleTemplate, type QuerySample } from './index.js';

const prom = peer('prometheus');

const EXTERNAL_URL = 'http://prom.example.com:9090/prefix';
const EXTERNAL_LABELS = { cluster: 'eu-1', replica: 'a' };

const ALERTS: { name: string; value: string; instance: string; job: string }[] = [
  { name: 'Big', value: '1234567.891', instance: 'host-1.example.com:9100', job: 'node exporter' },
  { name: 'Small', value: '0.000123456', instance: '10.0.0.7:9090', job: 'api' },
  { name: 'Negative', value: '-42.5', instance: '[2001:db8::1]:443', job: 'edge-proxy' },
  { name: 'Duration', value: '266523.5', instance: 'db-12.prod.internal', job: 'postgres exporter' },
  { name: 'Ratio', value: '0.51234', instance: 'web.example.org:80', job: 'web' },
  { name: 'Timestamp', value: '1435065584.128', instance: 'x', job: 'cron' },
  { name: 'NotANumber', value: 'NaN', instance: 'nan-host:1', job: 'weird' },
  { name: 'Infinite', value: '+Inf', instance: 'inf-host:2', job: 'weird two' },
  { name: 'Zero', value: '0', instance: 'zero:0', job: 'z' },
  { name: 'Kibi', value: '1024', instance: 'k:1', job: 'k' },
  { name: 'TinyNegative', value: '-0.001', instance: 'tiny:3', job: 'tiny' },
  { name: 'Huge', value: '9.87654321e+21', instance: 'huge:4', job: 'huge' },
];

const Q2 = 'label_replace(vector(3), "k", "b", "", "") or label_replace(vector(1.5), "k", "a", "", "")';

const ANNOTATIONS: Record<string, string> = {
  value: '{{ $value }}',
  humanize: '{{ $value | humanize }}',
  humanize1024: '{{ humanize1024 $value }}',
  humanizeDuration: '{{ humanizeDuration $value }}',
  humanizePercentage: '{{ humanizePercentage $value }}',
  humanizeTimestamp: '{{ $value | humanizeTimestamp }}',
  printfFloat: '{{ printf "%.2f|%5.1f|%e|%g|%v|%x|%08.3f|%+d|%10.3e|%-8.2f|" $value $value $value $value $value $value $value $value $value $value }}',
  printfMisc: '{{ printf "%5s|%-5s|%05d|%x|%X|%o|%b|%c|%U|%q|%t|%v" "ab" "cd" 42 255 255 8 5 65 9731 "q\\"x" true $labels }}',
  printfBad: '{{ printf "%d %s %!" "str" 7 }} {{ printf "%z" 1 }} {{ printf "%d" }} {{ printf "x" 1 "y" }}',
  labels: '{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}',
  labelsPrinted: '{{ $labels }} {{ $externalLabels }} {{ len $labels }}',
  instance: '{{ $labels.instance }} {{ $labels.instance | stripPort }} {{ stripDomain $labels.instance }}',
  regex: '{{ reReplaceAll "^([a-z]+)-?(\\\\d*).*$" "$2/$1/${1}x/$9/$$" $labels.instance }} {{ reReplaceAll "[aeiou]" "_" $labels.job }} {{ reReplaceAll "x*" "-" "abc" }}',
  match: '{{ match "^host-[0-9]+" $labels.instance }} {{ if match "exporter" $labels.job }}yes{{ else }}no{{ end }}',
  cases: '{{ title $labels.job }} {{ toUpper $labels.job }} {{ toLower "MiXeD Case" }}',
  external: '{{ $externalLabels.cluster }}/{{ .ExternalLabels.replica }} {{ $externalURL }} {{ externalURL }} {{ pathPrefix }}',
  links: '{{ graphLink "up{job=\\"x y\\"}" }} {{ tableLink "rate(a[5m]) > 0.5" }}',
  query: '{{ range query "' + Q2.replaceAll('"', '\\"') + '" | sortByLabel "k" }}{{ .Labels.k }}:{{ .Value }} {{ end }}',
  queryFirst: '{{ with query "vector(7)" }}{{ . | first | value | humanize }} {{ (. | first).Labels }}{{ end }} {{ len (query "vector(1)") }}',
  conditions: '{{ if gt $value 1000.0 }}big{{ else if lt $value 0.0 }}neg{{ else if eq $value 0.0 }}zero{{ else }}small{{ end }}',
  logic: '{{ eq $labels.job "web" "api" }} {{ ne 1 2 }} {{ le 1.5 1.5 }} {{ and 1 0 }} {{ or 0 "" "z" }} {{ not 0 }} {{ and $value "t" }}',
  builtins: '{{ index $labels "job" }} {{ printf "%q" $labels.job }} {{ js "a\'b<c>" }} {{ html "<b>&\'" }} {{ urlquery "a b&c/d" }}',
  print: '{{ print 1 2 "x" 3.5 "y" true }}|{{ println "x" 2 }}|{{ print }}|{{ print nil }}',
  slice: '{{ slice "abcdef" 1 3 }} {{ slice $labels.instance 0 1 }} {{ index "abc" 1 }} {{ len "héllo" }}',
  trim: 'a {{- " b " -}} c {{- /* comment */ -}} d',
  define: '{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" $labels.job }}{{ block "y" $value }}<{{ . }}>{{ end }}',
  args: '{{ define "z" }}{{ .arg0 }}-{{ .arg1 }}-{{ .arg2 }}{{ end }}{{ template "z" (args 1 "two" $value) }}',
  variables: '{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }} {{ $ := 5 }}{{ $.Labels.job }}',
  withElse: '{{ with $labels.missing }}x{{ else }}none{{ end }} {{ with $labels.job }}{{ . }}{{ end }} [{{ $labels.missing }}]',
  rangeControl: '{{ range $i, $e := (query "' + Q2.replaceAll('"', '\\"') + '" | sortByLabel "k") }}{{ if eq $i 1 }}{{ break }}{{ end }}{{ $i }}{{ continue }}x{{ end }}',
  parseDuration: '{{ parseDuration "1h30m" }} {{ parseDuration "90s" | humanizeDuration }}',
  toTime: '{{ (1435065584.128 | toTime).Format "2006-01-02T15:04:05.000Z07:00 Mon Jan _2 3PM .999 ,000" }} {{ (0 | toTime) }}',
  numbers: '{{ 1e3 }} {{ 0x1F }} {{ 1_000 }} {{ \'a\' }} {{ 1.5e-7 }} {{ -0.0 }} {{ 3.0 }} {{ printf "%T %T %T" 1 1.0 "s" }}',
  errField: '{{ $labels.instance.foo }}',
  errHumanize: '{{ humanize "abc" }}',
  errTemplate: '{{ template "nope" }}',
  errIndex: '{{ index $labels 1 }}',
  errCall: '{{ printf 1 }}',
  errSlice: '{{ slice "abc" 2 1 }}',
  errFirst: '{{ query "vector(1) unless vector(1)" | first }}',
  errValue: '{{ lt $value "x" }}',
};

function ruleFile(): string {
  const lines = ['groups:', '  - name: templates', '    interval: 1s', '    rules:'];
  for (const a of ALERTS) {
    const expr = `label_replace(label_replace(vector(${a.value}), "instance", ${JSON.stringify(a.instance)}, "", ""), "job", ${JSON.stringify(a.job)}, "", "")`;
    lines.push(`      - alert: ${a.name}`, `        expr: ${JSON.stringify(expr)}`, '        annotations:');
    for (const [k, v] of Object.entries(ANNOTATIONS)) lines.push(`          ${k}: ${JSON.stringify(v)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Named differences between Go 1.19 (Debian's Prometheus 2.42) and Go 1.25 (Prometheus 3.14,
 * which we follow): newer Go names the types in comparison errors. Applied to our output.
 */
const VERSION_DIFFERENCES: Record<string, (s: string) => string> = {
  errValue: (s) => s.replace(/(incompatible types for comparison): \S+ and \S+>$/, '$1>'),
};

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: string;
}

function parsePromFloat(s: string): number {
  if (s === 'NaN') return NaN;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

test('annotations expanded by Prometheus equal our expansion', { skip: prom.skip, timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-template-'));
  const port = await freePort();
  writeFileSync(join(dir, 'rules.yml'), ruleFile());
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global:', '  evaluation_interval: 1s', '  external_labels:',
    ...Object.entries(EXTERNAL_LABELS).map(([k, v]) => `    ${k}: ${v}`),
    'rule_files:', `  - ${join(dir, 'rules.yml')}`, '',
  ].join('\n'));
  const p = startPeer(prom.path, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, `--web.external-url=${EXTERNAL_URL}/`,
  ]);
  try {
    const base = `http://127.0.0.1:${port}/prefix`;
    await waitReady(`${base}/-/ready`, 30_000);
    const alerts = await eventually(async () => {
      const r = await fetch(`${base}/api/v1/alerts`);
      const body = await r.json() as { data: { alerts: ApiAlert[] } };
      const got = body.data.alerts;
      return got.length === ALERTS.length && got.every((a) => Object.keys(a.annotations).length === Object.keys(ANNOTATIONS).length)
        ? got : undefined;
    }, 30_000, 'all alerts with annotations');

    const query = async (q: string): Promise<QuerySample[]> => {
      const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = await r.json() as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return body.data.result.map((s) => ({ labels: s.metric, value: parsePromFloat(s.value[1]) }));
    };

    const mismatches: string[] = [];
    let compared = 0;
    for (const a of alerts) {
      const { alertname, ...labels } = a.labels;
      for (const [key, text] of Object.entries(ANNOTATIONS)) {
        const ours = await expandRuleTemplate(text, {
          ruleName: alertname!,
          data: { labels, externalLabels: EXTERNAL_LABELS, externalURL: EXTERNAL_URL, value: parsePromFloat(a.value) },
          timestampMs: Date.now(),
          query,
        });
        compared++;
        const expected = VERSION_DIFFERENCES[key]?.(ours) ?? ours;
        if (expected !== a.annotations[key]) mismatches.push(`${alertname!}.${key}:\n  prometheus: ${JSON.stringify(a.annotations[key])}\n  watchfire:  ${JSON.stringify(expected)}`);
      }
    }
    assert.equal(compared, ALERTS.length * Object.keys(ANNOTATIONS).length);
    assert.deepEqual(mismatches, [], `${mismatches.length} of ${compared} annotations differ`);
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
