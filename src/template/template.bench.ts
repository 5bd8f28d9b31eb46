/**
 * Typical alert annotation templates: parse + execute (what Prometheus does per expansion),
 * execute only (a parsed template reused), the Expander with its parse cache, a console-style
 * template with a query, and printf/humanize formatting. Inputs are fixed.
 */
import { bench, benchAsync } from '../util/bench.js';
import { parseTemplate } from './index.js';
import {
  ALERT_TEMPLATE_PREAMBLE, Expander, alertTemplateData, expandRuleTemplate, prometheusFuncNames, prometheusFuncs,
} from './prometheus/index.js';

const SUMMARY = 'Instance {{ $labels.instance }} of job {{ $labels.job }} is down';
const DESCRIPTION = '{{ $labels.instance }} has {{ $value | humanizePercentage }} disk left '
  + '({{ printf "%.2f" $value }}, {{ humanize1024 1.5e9 }}) since {{ 1700000000 | humanizeTimestamp }}; '
  + '{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}{{ if gt $value 0.5 }}high{{ else }}low{{ end }}';

const data = alertTemplateData({
  labels: { instance: 'node-17.eu-west.example.com:9100', job: 'node', device: '/dev/sda1', mountpoint: '/', severity: 'critical' },
  externalLabels: { cluster: 'prod-eu' }, externalURL: 'http://prometheus.example.com:9090', value: 0.0734,
});
const funcs = prometheusFuncs({ timestampMs: 1_700_000_000_000, externalURL: 'http://prometheus.example.com:9090' });
const names = prometheusFuncNames();
let sink = 0;

for (const [name, text] of [['summary', SUMMARY], ['description', DESCRIPTION]] as const) {
  const full = ALERT_TEMPLATE_PREAMBLE + text;
  bench(`template ${name}: parse + execute`, () => {
    sink += parseTemplate('__alert_X', full, { funcs: names, missingKey: 'zero' }).executeSync(data, funcs).length;
  });
  const parsed = parseTemplate('__alert_X', full, { funcs: names, missingKey: 'zero' });
  bench(`template ${name}: execute (parsed once)`, () => {
    sink += parsed.executeSync(data, funcs).length;
  });
  await benchAsync(`template ${name}: expandRuleTemplate (cached parse)`, async () => {
    sink += (await expandRuleTemplate(text, {
      ruleName: 'X', timestampMs: 1_700_000_000_000,
      data: { labels: { instance: 'node-17:9100', job: 'node' }, externalLabels: {}, externalURL: '', value: 0.0734 },
    })).length;
  });
}

const CONSOLE = '{{ range query "up" | sortByLabel "instance" }}<tr><td>{{ .Labels.instance }}</td><td>{{ .Value | humanize }}</td></tr>{{ end }}';
const samples = Array.from({ length: 50 }, (_, i) => ({ labels: { __name__: 'up', instance: `host-${(i * 7919) % 50}:9100` }, value: i % 2 }));
await benchAsync('template console: query (async) + range 50 samples, html', async () => {
  sink += (await new Expander({
    text: CONSOLE, name: 'console', data: null, timestampMs: 0, externalURL: '',
    query: () => Promise.resolve(samples),
  }).expandHTML()).length;
});

const fmtT = parseTemplate('fmt', '{{ printf "%.4g %5.1f %e %x %q %v %d" . . . . "s" . 42 }}');
bench('template printf of a float (7 verbs)', () => {
  sink += fmtT.executeSync(1234.56789).length;
});

if (sink === 42) console.log('');
