/**
 * `watchfire tool promql`: format, label-matchers set and delete, as promtool's experimental
 * commands behave: refused without --experimental (before or after the command), parse
 * errors printed with exit code 1, output pretty-printed as /api/v1/format_query prints it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpr, prettify } from '../promql/parser/index.js';
import { runTool } from './tool.js';

async function tool(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await runTool(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

test('promql format: pretty-printed, as format_query prints it', async () => {
  const q = 'sum(rate(http_requests_total{job="api",code=~"5.."}[5m]))by(instance)/ignoring(code)sum(rate(http_requests_total[5m]))by(instance)';
  const r = await tool('--experimental', 'promql', 'format', q);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, prettify(parseExpr(q)) + '\n');
  assert.equal(r.out, '  sum by (instance) (rate(http_requests_total{code=~"5..",job="api"}[5m]))\n/ ignoring (code)\n  sum by (instance) (rate(http_requests_total[5m]))\n');
  const long = 'sum by (instance, job, handler, code, method) (rate(http_request_duration_seconds_bucket{job="apiserver",verb!="WATCH"}[5m])) > 0';
  const pretty = await tool('promql', 'format', '--experimental', long);
  assert.equal(pretty.code, 0, pretty.err);
  assert.ok(pretty.out.split('\n').length > 3, pretty.out);
  assert.equal(pretty.out, prettify(parseExpr(long)) + '\n');
});

test('promql commands need --experimental; bad queries and flags are errors', async () => {
  const r = await tool('promql', 'format', 'up');
  assert.equal(r.code, 1);
  assert.equal(r.err, 'This command is experimental and requires the --experimental flag to be set.\n');
  const bad = await tool('--experimental', 'promql', 'format', 'sum(rate(x[5m])');
  assert.equal(bad.code, 1);
  assert.equal(bad.err, '1:16: parse error: unclosed left parenthesis\n');
  assert.equal(bad.out, '');
  const missing = await tool('--experimental', 'promql', 'label-matchers', 'set', 'up', 'a');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /required argument 'value' not provided/);
  const badType = await tool('--experimental', 'promql', 'label-matchers', 'set', '--type=~', 'up', 'a', 'b');
  assert.equal(badType.code, 1);
  assert.match(badType.err, /enum value must be one of =,!=,=~,!~, got '~'/);
  const experimentalOnly = await tool('--experimental', 'promql', 'format', 'limitk(2, up)');
  assert.equal(experimentalOnly.code, 1);
  const withFeature = await tool('--experimental', '--enable-feature=promql-experimental-functions', 'promql', 'format', 'limitk(2, up)');
  assert.equal(withFeature.code, 0, withFeature.err);
  assert.equal(withFeature.out, 'limitk(2, up)\n');
  const separate = await tool('--enable-feature', 'promql-experimental-functions', '--experimental', 'promql', 'format', 'limitk(2, up)');
  assert.equal(separate.code, 0, separate.err);
});

test('promql label-matchers set: changes every selector, adds the matcher where missing', async () => {
  const r = await tool('--experimental', 'promql', 'label-matchers', 'set', '-t', '=~', 'rate(x{a="1",b="2"}[5m]) + on (b) y', 'a', '3|4');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'rate(x{a=~"3|4",b="2"}[5m]) + on (b) y{a=~"3|4"}\n');
  const eq = await tool('--experimental', 'promql', 'label-matchers', 'set', 'up', 'job', 'node');
  assert.equal(eq.out, 'up{job="node"}\n');
});

test('promql label-matchers delete: removes the label from every selector', async () => {
  const r = await tool('--experimental', 'promql', 'label-matchers', 'delete', 'rate(x{a="1",b="2"}[5m]) + y{a="x"}', 'a');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'rate(x{b="2"}[5m]) + y\n');
  const none = await tool('--experimental', 'promql', 'label-matchers', 'delete', 'up', 'zzz');
  assert.equal(none.out, 'up\n');
});
