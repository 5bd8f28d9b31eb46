import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FMT_PROTO_DELIM, FMT_TEXT, escapeMetricFamily, escapeName, formatEscapingScheme, formatType, isValidLegacyName,
  withEscapingScheme, type MetricFamily,
} from './index.js';

// [input, underscores, dots, values]: the cases of Prometheus's escaping tests.
const NAMES: readonly (readonly [string, string, string, string])[] = [
  ['', '', '', ''],
  ['no:escaping_required', 'no:escaping_required', 'no:escaping__required', 'no:escaping_required'],
  ['mysystem.prod.west.cpu.load', 'mysystem_prod_west_cpu_load', 'mysystem_dot_prod_dot_west_dot_cpu_dot_load', 'U__mysystem_2e_prod_2e_west_2e_cpu_2e_load'],
  ['mysystem.prod.west.cpu.load_total', 'mysystem_prod_west_cpu_load_total', 'mysystem_dot_prod_dot_west_dot_cpu_dot_load__total', 'U__mysystem_2e_prod_2e_west_2e_cpu_2e_load__total'],
  ['http.status:sum', 'http_status:sum', 'http_dot_status:sum', 'U__http_2e_status:sum'],
  ['label with 😱', 'label_with__', 'label__with____', 'U__label_20_with_20__1f631_'],
  ['花火', '__', '____', 'U___82b1__706b_'],
  ['label with \u0100', 'label_with__', 'label__with____', 'U__label_20_with_20__100_'],
  // A leading digit is not legacy-valid; later digits are.
  ['0abc1', '_abc1', '__abc1', 'U___30_abc1'],
  // A lone surrogate is escaped as U+FFFD (Go sees invalid UTF-8 as that rune).
  ['a\ud800', 'a_', 'a__', 'U__a_fffd_'],
];

test('escapeName: underscores, dots and values schemes', () => {
  for (const [input, us, dots, values] of NAMES) {
    assert.equal(escapeName(input, 'underscores'), us, `underscores ${input}`);
    assert.equal(escapeName(input, 'dots'), dots, `dots ${input}`);
    assert.equal(escapeName(input, 'values'), values, `values ${input}`);
    assert.equal(escapeName(input, 'allow-utf-8'), input);
  }
});

test('isValidLegacyName', () => {
  for (const n of ['a', 'A_b:c9', '_', ':', 'up']) assert.ok(isValidLegacyName(n), n);
  for (const n of ['', '9a', 'a.b', 'a-b', 'ä', 'a b']) assert.ok(!isValidLegacyName(n), n);
});

const FAMILY: MetricFamily = {
  name: 'foo.metric',
  type: 'untyped',
  metrics: [
    { labels: [], value: { kind: 'untyped', value: 1.234 } },
    { labels: [{ name: 'dotted.label.name', value: 'my.label.value' }], value: { kind: 'untyped', value: 8 } },
    { labels: [{ name: 'plain', value: 'x.y' }], value: { kind: 'untyped', value: 9 } },
  ],
};

test('escapeMetricFamily: names and label names escaped, label values kept, input untouched', () => {
  const snapshot = JSON.stringify(FAMILY);
  const us = escapeMetricFamily(FAMILY, 'underscores');
  assert.equal(us.name, 'foo_metric');
  assert.deepEqual(us.metrics[1]!.labels, [{ name: 'dotted_label_name', value: 'my.label.value' }]);
  // Metrics that need nothing are shared, not copied.
  assert.equal(us.metrics[0], FAMILY.metrics[0]);
  assert.equal(us.metrics[2], FAMILY.metrics[2]);
  const dots = escapeMetricFamily(FAMILY, 'dots');
  assert.equal(dots.name, 'foo_dot_metric');
  assert.equal(dots.metrics[1]!.labels[0]!.name, 'dotted_dot_label_dot_name');
  assert.equal(escapeMetricFamily(FAMILY, 'values').name, 'U__foo_2e_metric');
  assert.equal(escapeMetricFamily(FAMILY, 'allow-utf-8'), FAMILY);
  assert.equal(JSON.stringify(FAMILY), snapshot);
  // A legacy-valid family comes back as is; dots does not double its underscores.
  const legacy: MetricFamily = { name: 'a_b', type: 'gauge', metrics: [{ labels: [{ name: 'c_d', value: 'e.f' }], value: { kind: 'gauge', value: 1 } }] };
  assert.equal(escapeMetricFamily(legacy, 'dots'), legacy);
  // A `__name__` label's value is a metric name and is escaped too.
  const named: MetricFamily = { name: 'x', type: 'gauge', metrics: [{ labels: [{ name: '__name__', value: 'a.b' }], value: { kind: 'gauge', value: 1 } }] };
  assert.deepEqual(escapeMetricFamily(named, 'underscores').metrics[0]!.labels, [{ name: '__name__', value: 'a_b' }]);
});

test('formatType, formatEscapingScheme, withEscapingScheme', () => {
  const types: readonly (readonly [string, string])[] = [
    [FMT_TEXT, 'text-plain'],
    ['text/plain', 'text-plain'],
    ['text/plain; version=1.0.0', 'unknown'],
    [FMT_PROTO_DELIM, 'proto-delim'],
    [FMT_PROTO_DELIM + '; escaping=allow-utf-8', 'proto-delim'],
    ['application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=text', 'proto-text'],
    ['application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=compact-text', 'proto-compact'],
    ['application/vnd.google.protobuf; encoding=delimited', 'unknown'],
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    ['application/openmetrics-text; version=1.0.0', 'unknown'],
    ['application/json', 'unknown'],
  ];
  for (const [f, want] of types) assert.equal(formatType(f), want, f);
  assert.equal(formatEscapingScheme(FMT_TEXT), 'underscores');
  assert.equal(formatEscapingScheme(FMT_TEXT + '; escaping=allow-utf-8'), 'allow-utf-8');
  assert.equal(formatEscapingScheme(FMT_TEXT + '; escaping=dots'), 'dots');
  assert.equal(formatEscapingScheme(FMT_TEXT + '; escaping=nonsense'), 'underscores');
  assert.equal(withEscapingScheme(FMT_PROTO_DELIM, 'allow-utf-8'), FMT_PROTO_DELIM + '; escaping=allow-utf-8');
  assert.equal(withEscapingScheme(FMT_TEXT + '; escaping=values', 'dots'), FMT_TEXT + '; escaping=dots');
});
