import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate, negotiateIncludingOpenMetrics, parseAccept } from './index.js';

const PROTO = 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily';
const FMT_PROTO = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily';
const TEXT = 'text/plain; version=0.0.4; charset=utf-8';

// What expfmt (v0.70.1, the version Prometheus 3.14 builds with) answers, with the default
// escaping scheme `underscores`.
const NEGOTIATE: readonly (readonly [string, string | undefined, string])[] = [
  ['delimited format', `${PROTO};encoding=delimited`, `${FMT_PROTO}; encoding=delimited; escaping=underscores`],
  ['text format', `${PROTO};encoding=text`, `${FMT_PROTO}; encoding=text; escaping=underscores`],
  ['compact text format', `${PROTO};encoding=compact-text`, `${FMT_PROTO}; encoding=compact-text; escaping=underscores`],
  ['plain text format', 'text/plain;version=0.0.4', `${TEXT}; escaping=underscores`],
  ['delimited format utf-8', `${PROTO};encoding=delimited; escaping=allow-utf-8;`, `${FMT_PROTO}; encoding=delimited; escaping=allow-utf-8`],
  ['text format utf-8', `${PROTO};encoding=text; escaping=allow-utf-8;`, `${FMT_PROTO}; encoding=text; escaping=allow-utf-8`],
  ['compact text format utf-8', `${PROTO};encoding=compact-text; escaping=allow-utf-8;`, `${FMT_PROTO}; encoding=compact-text; escaping=allow-utf-8`],
  ['plain text with a trailing semicolon', 'text/plain;version=0.0.4;', `${TEXT}; escaping=underscores`],
  ['plain text with escaping=values', 'text/plain;version=0.0.4; escaping=values;', `${TEXT}; escaping=values`],
  // Beyond expfmt's own table: facts of the same code.
  ['no Accept header', undefined, `${TEXT}; escaping=underscores`],
  ['empty Accept header', '', `${TEXT}; escaping=underscores`],
  ['text/plain without version', 'text/plain', `${TEXT}; escaping=underscores`],
  ['*/* alone falls back to text', '*/*', `${TEXT}; escaping=underscores`],
  ['OpenMetrics is never negotiated here', 'application/openmetrics-text;version=1.0.0', `${TEXT}; escaping=underscores`],
  ['text 1.0.0 is not offered; its escaping term still counts', 'text/plain;version=1.0.0;escaping=allow-utf-8', `${TEXT}; escaping=allow-utf-8`],
  ['unknown escaping is ignored', 'text/plain;escaping=bogus', `${TEXT}; escaping=underscores`],
  ['escaping=dots', `${PROTO};encoding=delimited;escaping=dots`, `${FMT_PROTO}; encoding=delimited; escaping=dots`],
  ['protobuf with an unknown encoding is skipped', `${PROTO};encoding=json,text/plain;q=0.5`, `${TEXT}; escaping=underscores`],
  ['protobuf needs the MetricFamily proto', 'application/vnd.google.protobuf;proto=other;encoding=delimited', `${TEXT}; escaping=underscores`],
  ['media types are case-sensitive', 'Text/Plain', `${TEXT}; escaping=underscores`],
  ['higher q first', `text/plain;q=0.5,${PROTO};encoding=delimited;q=0.9`, `${FMT_PROTO}; encoding=delimited; escaping=underscores`],
  // Prometheus 2.42 scraping with native histograms on.
  ['Prometheus 2.42 with native histograms', `${PROTO};encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1`, `${FMT_PROTO}; encoding=delimited; escaping=underscores`],
  // Prometheus 2.42's default scrape Accept header.
  ['Prometheus 2.42 default', 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', `${TEXT}; escaping=underscores`],
  // Prometheus 3's default scrape Accept header (UTF-8 names allowed): text 0.0.4 with the
  // escaping term of the OpenMetrics clause read before it.
  ['Prometheus 3 default, allow-utf-8', 'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2', `${TEXT}; escaping=allow-utf-8`],
  ['Prometheus 3 default, underscores', 'application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=underscores;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2', `${TEXT}; escaping=underscores`],
];

test('negotiate: expfmt.Negotiate table', () => {
  for (const [name, accept, want] of NEGOTIATE) assert.equal(negotiate(accept), want, name);
});

// expfmt's NegotiateIncludingOpenMetrics table was run with `values` as the default scheme;
// ours is `underscores` (Prometheus's default), so the default-scheme rows say so.
const WITH_OM: readonly (readonly [string, string, string])[] = [
  ['OM format, no version', 'application/openmetrics-text', 'application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=underscores'],
  ['OM format, 0.0.1 version', 'application/openmetrics-text;version=0.0.1; escaping=underscores', 'application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=underscores'],
  ['OM format, 1.0.0 version', 'application/openmetrics-text;version=1.0.0', 'application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores'],
  ['OM format, 1.0.0 version with values', 'application/openmetrics-text;version=1.0.0; escaping=values;', 'application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=values'],
  ['OM format, invalid version', 'application/openmetrics-text;version=0.0.4', `${TEXT}; escaping=underscores`],
  ['compact text format', `${PROTO};encoding=compact-text; escaping=underscores`, `${FMT_PROTO}; encoding=compact-text; escaping=underscores`],
  ['plain text format', 'text/plain;version=0.0.4', `${TEXT}; escaping=underscores`],
  ['plain text format 0.0.4 utf-8', 'text/plain;version=0.0.4; escaping=allow-utf-8', `${TEXT}; escaping=allow-utf-8`],
  ['delimited format utf-8', `${PROTO};encoding=delimited; escaping=allow-utf-8;`, `${FMT_PROTO}; encoding=delimited; escaping=allow-utf-8`],
  ['text format utf-8', `${PROTO};encoding=text; escaping=allow-utf-8;`, `${FMT_PROTO}; encoding=text; escaping=allow-utf-8`],
  ['compact text format utf-8', `${PROTO};encoding=compact-text; escaping=allow-utf-8;`, `${FMT_PROTO}; encoding=compact-text; escaping=allow-utf-8`],
  ['delimited format escaped', `${PROTO};encoding=delimited; escaping=underscores;`, `${FMT_PROTO}; encoding=delimited; escaping=underscores`],
  ['text format escaped', `${PROTO};encoding=text; escaping=underscores;`, `${FMT_PROTO}; encoding=text; escaping=underscores`],
  ['compact text format escaped', `${PROTO};encoding=compact-text; escaping=underscores;`, `${FMT_PROTO}; encoding=compact-text; escaping=underscores`],
  ['Prometheus 3 default', 'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2', 'application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8'],
];

test('negotiate: expfmt.NegotiateIncludingOpenMetrics table', () => {
  for (const [name, accept, want] of WITH_OM) assert.equal(negotiateIncludingOpenMetrics(accept), want, name);
});

test('parseAccept: clauses, parameters and goautoneg ordering', () => {
  const got = parseAccept('text/plain;q=0.5;version=0.0.4, */*;q=0.9, application/json , bad, a/b/c, x/y;k=v=w;lone;q=junk');
  assert.deepEqual(got.map((c) => [c.type, c.subType, c.q, Object.fromEntries(c.params)]), [
    ['application', 'json', 1, {}],
    ['*', '*', Math.fround(0.9), {}],
    ['text', 'plain', Math.fround(0.5), { version: '0.0.4' }],
    // An unparsable q is 0; `k=v=w` and `lone` are ignored; `bad` and `a/b/c` are dropped.
    ['x', 'y', 0, {}],
  ]);
  // goautoneg's comparison puts a concrete type before `*/*` whatever the weights, so the
  // order of such a pair depends on the order they came in.
  assert.deepEqual(parseAccept('*/*;q=0.9,text/plain;q=0.1').map((c) => c.type), ['text', '*']);
  assert.deepEqual(parseAccept('text/plain;q=0.1,*/*;q=0.9').map((c) => c.type), ['*', 'text']);
  // `*` alone means `*/*`; a bare type is dropped; a trailing slash is tolerated.
  assert.deepEqual(parseAccept('*,text,text/plain/').map((c) => c.type + '/' + c.subType), ['text/plain', '*/*']);
  // Equal clauses keep their order (insertion sort).
  assert.deepEqual(parseAccept('a/b;q=0.5,c/d;q=0.5,e/f;q=0.5').map((c) => c.type), ['a', 'c', 'e']);
  // q is read as a float32; spaces around its value make it unparsable (0), as in Go.
  assert.equal(parseAccept('a/b;q=0.3')[0]!.q, Math.fround(0.3));
  assert.equal(parseAccept('a/b;q= 0.3')[0]!.q, 0);
  assert.equal(parseAccept('a/b;q=0.3 ;x=y')[0]!.q, 0);
  assert.deepEqual(parseAccept(''), []);
});
