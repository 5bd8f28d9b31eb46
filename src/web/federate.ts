/**
 * `/federate`: the latest sample of every series matching any `match[]` selector, in the
 * exposition format negotiated from the Accept header (the text format or protobuf, never
 * OpenMetrics), as Prometheus serves it for another server to scrape with
 * `honor_labels: true`. Every sample carries its timestamp; every family is `untyped` (or
 * `histogram`/`gaugehistogram` for native histograms, which only protobuf carries, and for
 * custom-bucket histograms, served as classic ones); the configured external labels are added
 * to series lacking them, and `instance=""` when the external labels have no instance.
 * Responses are gzip- or deflate-compressed when the client accepts it.
 */
import { Buffer } from 'node:buffer';
import { createDeflate, createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { parseMetricSelectorMatchers } from '../promql/parser/index.js';
import type { Matcher, Millis } from '../model/index.js';
import type { Queryable } from '../storage/index.js';
import type { Counter, Registry } from '../instrument/index.js';
import { nopLogger, type Logger } from '../util/log.js';
import { formatType, negotiate, newEncoder, type Encoder, type LabelPair, type Metric, type MetricFamily } from '../expfmt/index.js';
import type { Handler, RequestContext, Router } from './router.js';
import { form } from './form.js';
import { collectLatest, compareUTF8, type FederatedSample } from './federate-collect.js';

export interface FederationDeps {
  /** The local storage. */
  queryable: Queryable;
  /** `--query.lookback-delta` in ms (Prometheus's default is 5m). */
  lookbackDeltaMs: number;
  /** The current configuration's `global.external_labels` (read on every request, so reloads apply). */
  externalLabels: () => Readonly<Record<string, string>>;
  /** Where `prometheus_web_federation_errors_total` and `_warnings_total` are registered. */
  registry?: Registry;
  logger?: Logger;
  /** The clock, in ms (tests). */
  now?: () => number;
}

/** Flush to the client once this much output is waiting. */
const FLUSH_BYTES = 64 * 1024;

interface FederationMetrics {
  errors: Counter | null;
  warnings: Counter | null;
}

/** Registers `GET /federate` (and HEAD). Like Prometheus, other methods get 405. */
export function registerFederation(r: Router, deps: FederationDeps): void {
  r.get('/federate', federationHandler(deps));
}

export function federationHandler(deps: FederationDeps): Handler {
  const metrics: FederationMetrics = {
    errors: deps.registry?.counter({ name: 'prometheus_web_federation_errors_total', help: 'Total number of errors that occurred while sending federation responses.' }) ?? null,
    warnings: deps.registry?.counter({ name: 'prometheus_web_federation_warnings_total', help: 'Total number of warnings that occurred while sending federation responses.' }) ?? null,
  };
  return (ctx) => federate(ctx, deps, metrics);
}

/** Go's http.Error: the message and a line feed as plain text. */
async function httpError(out: Output, status: number, msg: string): Promise<void> {
  const res = out.ctx.res;
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  await out.write(Buffer.from(msg + '\n'));
  await out.end();
}

async function federate(ctx: RequestContext, deps: FederationDeps, m: FederationMetrics): Promise<void> {
  const logger = deps.logger ?? nopLogger;
  const out = new Output(ctx);
  let values: string[];
  try {
    const bad = queryError(ctx.url.search.slice(1));
    if (bad !== null) throw new Error(bad);
    values = (await form(ctx)).getAll('match[]');
  } catch (e) {
    await httpError(out, 400, `error parsing form values: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const matcherSets: Matcher[][] = [];
  for (const v of values) {
    try {
      matcherSets.push(parseMetricSelectorMatchers(v));
    } catch (e) {
      await httpError(out, 400, e instanceof Error ? e.message : String(e));
      return;
    }
  }
  const now = deps.now?.() ?? Date.now();
  const mint = (now - deps.lookbackDeltaMs) as Millis;
  const maxt = now as Millis;
  const format = negotiate(ctx.req.headers.accept);
  ctx.res.setHeader('Content-Type', format);

  let querier;
  try {
    querier = await deps.queryable.querier(mint, maxt);
  } catch (e) {
    m.errors?.inc();
    const msg = e instanceof Error ? e.message : String(e);
    // A storage still starting says so ("TSDB not ready"); Prometheus answers 503 then.
    await httpError(out, /\bnot ready\b/i.test(msg) ? 503 : 500, msg);
    return;
  }
  let samples: FederatedSample[];
  try {
    const r = await collectLatest(querier, matcherSets, mint, maxt, isProtobuf(format), ctx.signal);
    samples = r.samples;
    if (r.warnings.length > 0) {
      logger.debug('Federation select returned warnings', { warnings: r.warnings });
      m.warnings?.inc(r.warnings.length);
    }
  } catch (e) {
    m.errors?.inc();
    await httpError(out, 500, e instanceof Error ? e.message : String(e));
    return;
  } finally {
    await querier.close();
  }

  const enc = newEncoder(format);
  try {
    await writeFamilies(out, enc, samples, externalLabelList(deps.externalLabels()), logger);
    enc.close();
    await out.write(enc.take());
  } catch (e) {
    m.errors?.inc();
    logger.error('federation failed', { err: e instanceof Error ? e.message : String(e) });
    // What was encoded before the failure is sent, as Prometheus's streamed answer would have been.
    await out.write(enc.take());
  }
  await out.end();
}

/**
 * The first error Go's query parsing reports for a raw query string, which Prometheus answers
 * with 400 (the lenient URLSearchParams would accept these): a `;` in a pair, a `%` not
 * followed by two hex digits.
 */
export function queryError(raw: string): string | null {
  // Go records the first bad escape, but a semicolon anywhere overrides it.
  let first: string | null = null;
  for (const pair of raw.split('&')) {
    if (pair.includes(';')) return 'invalid semicolon separator in query';
    if (first !== null) continue;
    const eq = pair.indexOf('=');
    for (const part of eq < 0 ? [pair] : [pair.slice(0, eq), pair.slice(eq + 1)]) {
      const i = badEscape(part);
      if (i >= 0) {
        first = `invalid URL escape ${JSON.stringify(part.slice(i, i + 3))}`;
        break;
      }
    }
  }
  return first;
}

/** The index of the first `%` not followed by two hex digits, or -1. */
function badEscape(s: string): number {
  for (let i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
    if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return i;
  }
  return -1;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Native histograms can only be served in the protobuf encodings. */
function isProtobuf(format: string): boolean {
  const t = formatType(format);
  return t === 'proto-delim' || t === 'proto-text' || t === 'proto-compact';
}

/** External label pairs by name, with `instance=""` unless an instance is configured. */
function externalLabelList(ext: Readonly<Record<string, string>>): LabelPair[] {
  const out: LabelPair[] = [];
  for (const [name, value] of Object.entries(ext)) out.push({ name, value });
  if (!Object.hasOwn(ext, 'instance')) out.push({ name: 'instance', value: '' });
  out.sort((a, b) => compareUTF8(a.name, b.name));
  return out;
}

interface OpenFamily {
  name: string;
  histogram: boolean;
  gauge: boolean;
  mf: { name: string; type: MetricFamily['type']; metrics: Metric[] };
}

/**
 * Groups consecutive samples of one name and kind (float, histogram, gauge histogram) into
 * families. One name can yield several families when its series differ in kind; Prometheus
 * accepts that in a scrape, so federation allows it.
 */
async function writeFamilies(out: Output, enc: Encoder, samples: readonly FederatedSample[], ext: readonly LabelPair[], logger: Logger): Promise<void> {
  let fam: OpenFamily | null = null;
  for (const s of samples) {
    const isHist = s.h !== null;
    if (s.name === '') {
      logger.warn('Ignoring nameless metric during federation', { metric: s.labels.toString() });
      continue;
    }
    if (fam === null || fam.name !== s.name || fam.histogram !== isHist || (isHist && fam.gauge !== s.gauge)) {
      if (fam !== null) {
        enc.encode(fam.mf);
        if (enc.pending() >= FLUSH_BYTES) await out.write(enc.take());
      }
      const type: MetricFamily['type'] = !isHist ? 'untyped' : s.gauge ? 'gaugehistogram' : 'histogram';
      fam = { name: s.name, histogram: isHist, gauge: s.gauge, mf: { name: s.name, type, metrics: [] } };
    }
    fam.mf.metrics.push({ labels: metricLabels(s, ext), timestampMs: s.t, value: s.h ?? { kind: 'untyped', value: s.f } });
  }
  if (fam !== null) enc.encode(fam.mf);
}

/** The series' labels in order, minus the name and empty values, then the external labels it lacks. */
function metricLabels(s: FederatedSample, ext: readonly LabelPair[]): LabelPair[] {
  const out: LabelPair[] = [];
  const l = s.labels;
  for (let i = 0; i < l.length; i++) {
    const name = l.nameAt(i), value = l.valueAt(i);
    if (value === '' || name === '__name__') continue;
    out.push({ name, value });
  }
  for (const e of ext) if (l.get(e.name) === '') out.push(e);
  return out;
}

/**
 * The response body: written straight, or through gzip/deflate when the client accepts it
 * (the first of those it lists, as Prometheus picks). Writes wait for the socket to drain.
 */
class Output {
  readonly ctx: RequestContext;
  #sink: Writable | null = null;

  constructor(ctx: RequestContext) {
    this.ctx = ctx;
    ctx.res.setHeader('Vary', 'Accept-Encoding');
  }

  #open(): Writable {
    if (this.#sink !== null) return this.#sink;
    const res = this.ctx.res;
    const enc = chooseEncoding(this.ctx.req.headers['accept-encoding']);
    if (enc === '') {
      this.#sink = res;
    } else {
      res.setHeader('Content-Encoding', enc);
      const z = enc === 'gzip' ? createGzip() : createDeflate();
      z.pipe(res);
      this.#sink = z;
    }
    return this.#sink;
  }

  async write(b: Uint8Array): Promise<void> {
    if (b.length === 0 || this.ctx.signal.aborted) return;
    const sink = this.#open();
    if (!sink.write(b)) {
      await new Promise<void>((resolve) => {
        const done = (): void => { sink.off('drain', done); sink.off('close', done); this.ctx.signal.removeEventListener('abort', done); resolve(); };
        sink.once('drain', done);
        sink.once('close', done);
        this.ctx.signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  async end(): Promise<void> {
    const sink = this.#open();
    const res = this.ctx.res;
    if (res.writableFinished) return;
    await new Promise<void>((resolve) => {
      res.once('close', resolve);
      res.once('finish', resolve);
      sink.end();
    });
  }
}

function chooseEncoding(header: string | undefined): '' | 'gzip' | 'deflate' {
  if (header === undefined) return '';
  for (const part of header.split(',')) {
    const t = part.trim();
    if (t === 'gzip' || t === 'deflate') return t;
  }
  return '';
}
