import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScrapeProtocol } from '../config/types.js';
import { acceptHeader } from './accept-header.js';
import { chooseMediaType, parseMediaType } from './media-type.js';
import { EntryType, ParseError, newParser, selectParser } from './index.js';
import { NHCBParser } from './nhcb-parser.js';
import { OpenMetricsParser } from './openmetrics-parser.js';
import { PromParser } from './prom-parser.js';
import { ProtobufParser } from './protobuf-parser.js';

const DEFAULT: ScrapeProtocol[] = ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'];
const PROTO_FIRST: ScrapeProtocol[] = ['PrometheusProto', ...DEFAULT];

test('Accept header as Prometheus 3 builds it', () => {
  assert.equal(acceptHeader(DEFAULT, 'underscores'),
    'application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=underscores;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2');
  assert.equal(acceptHeader(PROTO_FIRST, 'dots'),
    'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=dots;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=dots;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1');
  assert.equal(acceptHeader(['PrometheusText0.0.4'], 'allow-utf-8'), 'text/plain;version=0.0.4;q=0.6,*/*;q=0.5');
});

test('Content-Type selects the parser; fallback and errors as in Prometheus 3', () => {
  const cases: { ct: string; fb: ScrapeProtocol | ''; want: string; warn?: RegExp }[] = [
    { ct: 'text/plain; version=0.0.4; charset=utf-8', fb: '', want: 'text/plain' },
    { ct: 'text/plain;version=1.0.0;escaping=allow-utf-8', fb: '', want: 'text/plain' },
    { ct: 'TEXT/Plain', fb: '', want: 'text/plain' },
    { ct: 'application/openmetrics-text; version=0.0.1; charset=utf-8', fb: '', want: 'application/openmetrics-text' },
    { ct: 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited', fb: '', want: 'application/vnd.google.protobuf' },
    { ct: 'text/plain; charset="utf-8"', fb: '', want: 'text/plain' },
    { ct: 'text/plain;', fb: '', want: 'text/plain' },
    { ct: '', fb: 'PrometheusText0.0.4', want: 'text/plain', warn: /^non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol "text\/plain"$/ },
    { ct: 'text/html', fb: 'OpenMetricsText1.0.0', want: 'application/openmetrics-text', warn: /^received unsupported Content-Type "text\/html", using fallback_scrape_protocol "application\/openmetrics-text"$/ },
    { ct: 'a b', fb: 'PrometheusProto', want: 'application/vnd.google.protobuf', warn: /^could not parse received Content-Type "a b", using fallback_scrape_protocol "application\/vnd.google.protobuf"\nmime: expected slash after first token$/ },
  ];
  for (const c of cases) {
    const got = chooseMediaType(c.ct, c.fb);
    assert.equal(got.mediaType, c.want, c.ct);
    if (c.warn === undefined) assert.equal(got.warning, undefined, c.ct);
    else assert.match(got.warning ?? '', c.warn, c.ct);
  }
  const errors: [string, string][] = [
    ['', 'non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target'],
    ['text/html; charset=utf-8', 'received unsupported Content-Type "text/html; charset=utf-8" and no fallback_scrape_protocol specified for target'],
    ['text', 'received unsupported Content-Type "text" and no fallback_scrape_protocol specified for target'],
    ['text/plain; version', 'cannot parse Content-Type "text/plain; version" and no fallback_scrape_protocol for target\nmime: invalid media parameter'],
    [';', 'cannot parse Content-Type ";" and no fallback_scrape_protocol for target\nmime: no media type'],
    ['text/plain/x', 'cannot parse Content-Type "text/plain/x" and no fallback_scrape_protocol for target\nmime: unexpected content after media subtype'],
  ];
  for (const [ct, msg] of errors) assert.throws(() => chooseMediaType(ct, ''), (e) => e instanceof ParseError && e.message === msg, ct);
});

test('media type parameters parse like Go mime.ParseMediaType', () => {
  const m = parseMediaType('Application/OpenMetrics-Text; Version=1.0.0; charset="utf-8"');
  assert.equal(m.mediaType, 'application/openmetrics-text');
  assert.deepEqual([...m.params], [['version', '1.0.0'], ['charset', 'utf-8']]);
  assert.equal(parseMediaType('text/plain; a=1; a=2').error, 'mime: duplicate parameter name');
  assert.equal(parseMediaType('text/plain; a=1; a=1').error, undefined);
  assert.equal(parseMediaType('/plain').error, 'mime: no media type');
  assert.equal(parseMediaType('text/').error, 'mime: expected token after slash');
});

test('newParser picks the parser class; NHCB conversion wraps the text formats', () => {
  const opts = { parseStartTimestamps: false, keepClassicHistograms: false, convertClassicHistogramsToNHCB: false };
  const body = new TextEncoder().encode('m 1\n# EOF\n');
  assert.ok(newParser(body, 'text/plain', '', opts) instanceof PromParser);
  assert.ok(newParser(body, 'application/openmetrics-text', '', opts) instanceof OpenMetricsParser);
  assert.ok(newParser(body, 'application/vnd.google.protobuf', '', opts) instanceof ProtobufParser);
  assert.ok(newParser(body, 'text/plain', '', { ...opts, convertClassicHistogramsToNHCB: true }) instanceof NHCBParser);
  assert.ok(newParser(body, 'application/vnd.google.protobuf', '', { ...opts, convertClassicHistogramsToNHCB: true }) instanceof ProtobufParser);
  const { parser, warning } = selectParser(body, '', 'OpenMetricsText1.0.0', opts);
  assert.match(warning ?? '', /using fallback_scrape_protocol/);
  assert.equal(parser.next(), EntryType.Series);
  assert.equal(parser.next(), EntryType.EOF);
});
