import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newAlert, type Alert } from '../store/index.js';
import { NotificationTemplate, TextRenderer, checkTemplateFiles, quoteMeta, templateData } from './index.js';

const T0 = Date.parse('2026-11-27T01:00:00Z');

function alert(labels: Record<string, string>, annotations: Record<string, string>, endsAt = 0): Alert {
  return newAlert({ labels, annotations, startsAt: T0, endsAt, updatedAt: T0, generatorURL: 'http://prom/graph?g0.expr=up&g0.tab=1', timeout: false });
}

const A1 = alert({ alertname: 'HighErrorRate', job: 'api', instance: 'i1', severity: 'critical' }, { summary: 'High', description: 'one' });
const A2 = alert({ alertname: 'HighErrorRate', job: 'api', instance: 'i2', severity: 'critical' }, { summary: 'High', description: 'two' });
const R1 = alert({ alertname: 'HighErrorRate', job: 'api', instance: 'i3', severity: 'critical' }, { summary: 'High' }, T0 + 1000);
const NOW = T0 + 60_000;

const tmpl = new NotificationTemplate();

function data(alerts: readonly Alert[], group: Record<string, string> = { alertname: 'HighErrorRate', job: 'api' }, receiver = 'team-x') {
  return templateData(receiver, group, alerts, 'http://am.example:9093', NOW);
}

test('template data: status, common labels and annotations, receiver quoted', () => {
  const d = data([A1, A2, R1]);
  assert.equal(d.status, 'firing');
  assert.deepEqual(d.commonLabels, { alertname: 'HighErrorRate', job: 'api', severity: 'critical' });
  assert.deepEqual(d.commonAnnotations, { summary: 'High' });
  assert.deepEqual(d.alerts.map((a) => a.status), ['firing', 'firing', 'resolved']);
  assert.equal(data([R1]).status, 'resolved');
  assert.equal(quoteMeta('a.b+c(d)'), 'a\\.b\\+c\\(d\\)');
  assert.equal(data([A1], {}, 'team.x').receiver, 'team\\.x');
});

const TEXT_CASES: [string, string, readonly Alert[], string][] = [
  ['subject firing', '{{ template "__subject" . }}', [A1, A2], '[FIRING:2] HighErrorRate api (critical)'],
  ['subject resolved', '{{ template "__subject" . }}', [R1], '[RESOLVED] HighErrorRate api (i3 critical)'],
  ['subject mixed', '{{ template "__subject" . }}', [A1, R1], '[FIRING:1] HighErrorRate api (critical)'],
  ['alertmanager URL', '{{ template "__alertmanagerURL" . }}', [A1], 'http://am.example:9093/#/alerts?receiver=team-x'],
  ['firing/resolved', '{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}', [A1, A2, R1], '2/1'],
  ['sorted pairs, alertname first', '{{ range .Alerts }}{{ .Labels.SortedPairs }};{{ end }}', [A1], '[{alertname HighErrorRate} {instance i1} {job api} {severity critical}];'],
  ['names, values, join', '{{ .CommonLabels.Names | join "," }} {{ .GroupLabels.Values.Join "/" }}', [A1, A2], 'alertname,job,severity HighErrorRate/api'],
  ['remove', '{{ .CommonLabels.Remove (stringSlice "job" "severity") }}', [A1, A2], 'map[alertname:HighErrorRate]'],
  ['missing key is zero', '[{{ .CommonLabels.nope }}]', [A1], '[]'],
  ['toUpper/toLower/title', '{{ toUpper "abc" }} {{ toLower "ABC" }} {{ title "hELLO wORLD" }}', [A1], 'ABC abc Hello World'],
  ['match and reReplaceAll', '{{ match "^High" .CommonLabels.alertname }} {{ reReplaceAll "(.*)Rate" "$1" "HighErrorRate" }}', [A1], 'true HighError'],
  ['trimSpace, urlUnescape, base64', '{{ trimSpace "  x " }} {{ urlUnescape "a%20b+c" }} {{ base64encode "hi?" }} {{ base64decode "aGk_" }}', [A1], 'x a b c aGk_ hi?'],
  ['time printing', '{{ (index .Alerts 0).StartsAt }}', [A1], '2026-11-27 01:00:00 +0000 UTC'],
  ['zero end time', '{{ (index .Alerts 0).EndsAt }}', [A1], '0001-01-01 00:00:00 +0000 UTC'],
  ['tz and date (values from Go 1.19)', '{{ (index .Alerts 0).StartsAt | tz "Europe/Paris" | date "2006-01-02 15:04:05 MST -07:00" }}', [A1], '2026-11-27 02:00:00 CET +01:00'],
  ['tz abbreviation', '{{ (index .Alerts 0).StartsAt | tz "America/New_York" | date "Mon Jan 2 15:04:05 MST 2006" }}', [A1], 'Thu Nov 26 20:00:00 EST 2026'],
  ['tz numeric offset', '{{ (index .Alerts 0).StartsAt | tz "Asia/Kolkata" | date "15:04 Z07:00" }}', [A1], '06:30 +05:30'],
  ['zoned time prints', '{{ (index .Alerts 0).StartsAt | tz "Europe/Paris" }}', [A1], '2026-11-27 02:00:00 +0100 CET'],
  ['since and humanizeDuration', '{{ humanizeDuration 90 }}', [A1], '1m 30s'],
  ['whitespace-only text keeps the anonymous body', '   ', [A1], '   '],
];

for (const [name, text, alerts, want] of TEXT_CASES) {
  test(`text template: ${name}`, () => {
    assert.equal(tmpl.executeText(text, data(alerts)), want);
  });
}

test('text template: errors carry Go\'s wording and a renderer keeps the first one', () => {
  assert.throws(() => tmpl.executeText('{{ nope }}', data([A1])), /function "nope" not defined/);
  assert.throws(() => tmpl.executeText('{{ tz "Mars/Olympus" now }}', data([A1])), /error calling tz: unknown time zone Mars\/Olympus/);
  const r = new TextRenderer(tmpl, data([A1]));
  assert.equal(r.render('{{ .Status }}'), 'firing');
  assert.equal(r.render('{{ .Nope }}'), '');
  assert.match(r.error?.message ?? '', /can't evaluate field Nope/);
  assert.equal(r.render('{{ .Status }}'), '');
});

test('text template: defines in a rendered string stay private to it', () => {
  assert.equal(tmpl.executeText('{{ define "mine" }}x{{ end }}{{ template "mine" }}', data([A1])), 'x');
  assert.throws(() => tmpl.executeText('{{ template "mine" }}', data([A1])), /template "mine" not defined/);
});

// Expected outputs produced by Go 1.19's html/template for the same templates and values.
const HTML_CASES: [string, string][] = [
  ['<p>{{.S}}</p>', '<p>a&lt;b&gt;&#34;c&#34;&amp;&#39;d&#39;&#43;e f</p>'],
  ['<a href="{{.U}}">x</a>', '<a href="http://example.com/a%20b?c=d&amp;e=f">x</a>'],
  ['<a href="{{.J}}">x</a>', '<a href="#ZgotmplZ">x</a>'],
  ['<a href="http://x/?q={{.S}}&r={{.S | urlquery}}">x</a>', '<a href="http://x/?q=a%3cb%3e%22c%22%26%27d%27%2be%20f&r=a%3Cb%3E%22c%22%26%27d%27%2Be&#43;f">x</a>'],
  ['<a href="{{.U}}/p/{{.S}}">x</a>', '<a href="http://example.com/a%20b?c=d&amp;e=f/p/a%3cb%3e%22c%22&amp;%27d%27&#43;e%20f">x</a>'],
  ['<title>{{.S}}</title>', '<title>a&lt;b&gt;&#34;c&#34;&amp;&#39;d&#39;&#43;e f</title>'],
  ["<a title='{{.S}}'>x</a>", "<a title='a&lt;b&gt;&#34;c&#34;&amp;&#39;d&#39;&#43;e f'>x</a>"],
  ['<a title={{.S}}>x</a>', '<a title=a&lt;b&gt;&#34;c&#34;&amp;&#39;d&#39;&#43;e&#32;f>x</a>'],
  ['a < b {{.S}} <!-- c {{.S}} --> d', 'a &lt; b a&lt;b&gt;&#34;c&#34;&amp;&#39;d&#39;&#43;e f  d'],
  ['<p>{{.S | html}}</p>', '<p>a&lt;b&gt;&#34;c&#34;&amp;&#39;d&#39;+e f</p>'],
  ['<p>{{html .S}}</p>', '<p>a&lt;b&gt;&#34;c&#34;&amp;&#39;d&#39;+e f</p>'],
  ['<p>{{.H}}</p>', '<p><b>bold</b> & co</p>'],
  ['<a title="{{.H}}">x</a>', '<a title="bold & co">x</a>'],
  ['<a href="{{.S}}">x</a>', '<a href="a%3cb%3e%22c%22&amp;%27d%27&#43;e%20f">x</a>'],
  ['<img src="{{.U}}">', '<img src="http://example.com/a%20b?c=d&amp;e=f">'],
  ['<a href="/x?a={{.E}}">x</a>', '<a href="/x?a=%c3%bc%2f%c3%b6%3f">x</a>'],
];

test('html template: contextual escaping as html/template escapes', () => {
  const vars = '{{ $S := `a<b>"c"&\'d\'+e f` }}{{ $U := "http://example.com/a b?c=d&e=f" }}{{ $J := "javascript:alert(1)" }}{{ $H := safeHtml "<b>bold</b> & co" }}{{ $E := "ü/ö?" }}';
  for (const [text, want] of HTML_CASES) {
    const t = vars + text.replace(/\{\{(html )?\.([SUJHE])/g, (_m, h: string | undefined, v: string) => `{{${h ?? ''}$${v}`);
    assert.equal(tmpl.executeHTML(t, data([A1])), want, text);
  }
});

test('html template: the default email body escapes values', () => {
  const evil = alert({ alertname: 'X<script>', job: 'a"b' }, { summary: '<b>s</b>' });
  const html = tmpl.executeHTML('{{ template "email.default.html" . }}', data([evil], { alertname: 'X<script>' }, 'r.d&'));
  assert.ok(html.includes('<title>[FIRING:1] X&lt;script&gt; (a&#34;b)</title>'));
  assert.ok(html.includes('alertname=X&lt;script&gt;'));
  assert.ok(html.includes('summary = &lt;b&gt;s&lt;/b&gt;'));
  assert.ok(html.includes('href="http://am.example:9093/#/alerts?receiver=r%5C.d%26"'));
  assert.ok(!html.includes('<!--'));
});

test('template files: parsed under their base names, errors name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-tmpl-'));
  try {
    writeFileSync(join(dir, 'a.tmpl'), '{{ define "custom.title" }}T: {{ .CommonLabels.alertname }}{{ end }}');
    writeFileSync(join(dir, 'b.tmpl'), '{{ define "slack.default.title" }}overridden{{ end }}');
    const t = NotificationTemplate.fromGlobs([join(dir, '*.tmpl')]);
    assert.equal(t.executeText('{{ template "custom.title" . }}', data([A1])), 'T: HighErrorRate');
    assert.equal(t.executeText('{{ template "slack.default.title" . }}', data([A1])), 'overridden');
    assert.ok(t.templateNames().includes('a.tmpl'));
    const bad = checkTemplateFiles([{ path: join(dir, 'bad.tmpl'), text: '{{ define "x" }}{{ end' }]);
    assert.match(bad ?? '', /bad\.tmpl:1/);
    assert.equal(checkTemplateFiles([{ path: 'ok.tmpl', text: '{{ define "y" }}{{ end }}' }]), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
