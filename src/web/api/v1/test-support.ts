/**
 * Test support for the API routes: a web server on 127.0.0.1 with the API registered over a
 * memory storage holding a small fixed data set, and a helper to call it.
 */
import { CounterResetHint, Labels, type Millis } from '../../../model/index.js';
import { PromQLEngine } from '../../../promql/engine/index.js';
import type { Engine } from '../../../promql/value.js';
import { MemoryStorage } from '../../../storage/index.js';
import type { RelabelConfig } from '../../../config/types.js';
import { newRelabelConfig } from '../../../relabel/index.js';
import { nopLogger } from '../../../util/log.js';
import { WebServer } from '../../server.js';
import { registerAPI } from './api.js';
import { FeatureRegistry, apiFeatures, promqlFeatures } from './features.js';
import { memoryAdminStorage } from './memory-admin.js';
import { Notifications } from './notifications.js';
import type { RulesSource } from './rules.js';
import type { TargetSource } from './targets.js';

/** The data set's start; samples every 15 s for 10 minutes after it. */
export const T0 = 1_700_000_000_000;
export const STEP = 15_000;
export const N = 41;

/** Loads the fixed data set: two `up` series, two counters with exemplars, one native histogram series. */
export async function loadData(s: MemoryStorage): Promise<void> {
  const app = s.appender();
  const upA = Labels.fromStrings('__name__', 'up', 'job', 'api', 'instance', 'a:1');
  const upB = Labels.fromStrings('__name__', 'up', 'job', 'api', 'instance', 'b:1');
  const ok = Labels.fromStrings('__name__', 'http_requests_total', 'job', 'api', 'code', '200');
  const bad = Labels.fromStrings('__name__', 'http_requests_total', 'job', 'api', 'code', '500');
  const dotted = Labels.fromStrings('__name__', 'dotted', 'job', 'api', 'http.status', '404');
  const hist = Labels.fromStrings('__name__', 'latency', 'job', 'api');
  for (let i = 0; i < N; i++) {
    const t = (T0 + i * STEP) as Millis;
    app.append(0, upA, t, 1);
    app.append(0, upB, t, i % 4 === 0 ? 0 : 1);
    app.append(0, ok, t, i * 10);
    app.append(0, bad, t, i);
    app.append(0, dotted, t, 1);
    app.appendHistogram(0, hist, t, {
      counterResetHint: CounterResetHint.Unknown, schema: 0, zeroThreshold: 0.001, zeroCount: i, count: 3 * i, sum: 1.5 * i,
      positiveSpans: [{ offset: 0, length: 2 }], negativeSpans: [], positiveBuckets: [i, 0], negativeBuckets: [], customValues: [],
    }, null);
    if (i % 10 === 0) app.appendExemplar(0, ok, { labels: Labels.fromStrings('trace_id', `t${i}`), value: i * 10, ts: t });
  }
  await app.commit();
}

export function fakeTargets(): TargetSource {
  const md = [
    { metric: 'up', type: 'gauge' as const, help: 'Up.', unit: '' },
    { metric: 'http_requests_total', type: 'counter' as const, help: 'Requests.', unit: '' },
  ];
  const t = (instance: string, help: string): ReturnType<TargetSource['active']> extends ReadonlyMap<string, readonly (infer V)[]> ? V : never => ({
    discoveredLabels: Labels.fromStrings('__address__', instance, 'job', 'api'),
    labels: Labels.fromStrings('instance', instance, 'job', 'api'),
    scrapeURL: `http://${instance}/metrics`,
    lastError: '',
    lastScrape: null,
    lastScrapeDurationSeconds: 0,
    health: 'up',
    scrapeInterval: '15s',
    scrapeTimeout: '10s',
    metadata: () => [...md, { metric: 'http_requests_total', type: 'counter', help, unit: '' }],
  });
  return {
    active: () => new Map([['api', [t('a:1', 'Requests.'), t('b:1', 'Other help.')]]]),
    dropped: () => new Map(),
    droppedCounts: () => ({}),
    scrapePools: () => ['api'],
  };
}

export interface TestAPI {
  base: string;
  web: WebServer;
  storage: MemoryStorage;
  notifications: Notifications;
  /** GET (or POST with a form body when `form` is given); JSON body when the answer is JSON. */
  call(path: string, init?: { method?: string; form?: string; headers?: Record<string, string>; signal?: AbortSignal }): Promise<{ status: number; headers: Headers; json: Record<string, unknown> | null; text: string }>;
}

export interface TestAPIOptions {
  enableAdmin?: boolean;
  engine?: Engine;
  rules?: RulesSource;
  corsOrigin?: string;
  maxSubscribers?: number;
  /** `--enable-feature=search-api`. */
  enableSearch?: boolean;
  /** `--web.search.max-limit`. */
  maxSearchLimit?: number;
  /** Targets whose metadata the API lists (default `fakeTargets()`). */
  targets?: TargetSource;
}

export async function withAPI(o: TestAPIOptions, fn: (api: TestAPI) => Promise<void>): Promise<void> {
  const storage = new MemoryStorage({ gcIntervalMs: 0 });
  await loadData(storage);
  const web = new WebServer({ listenAddresses: ['127.0.0.1:0'], routePrefix: '', readTimeoutMs: 10_000, maxConnections: 20, logger: nopLogger });
  const features = new FeatureRegistry();
  promqlFeatures(features, { parse: {}, perStepStats: false, delayedNameRemoval: false, typeAndUnitLabels: false });
  apiFeatures(features, { lifecycle: false, admin: o.enableAdmin === true, remoteWriteReceiver: false, search: o.enableSearch === true });
  const notifications = new Notifications(o.maxSubscribers ?? 4);
  const relabel: RelabelConfig[] = [
    newRelabelConfig({ target_label: 'env', replacement: 'dev' }),
    newRelabelConfig({ source_labels: ['__address__'], regex: 'drop.*', action: 'drop' }),
  ];
  registerAPI(web.router, {
    engine: o.engine ?? new PromQLEngine({ timeoutMs: 10_000 }),
    queryable: storage,
    exemplars: storage,
    parseOpts: {},
    targets: o.targets ?? fakeTargets(),
    relabelConfigs: (pool) => (pool === 'api' ? relabel : undefined),
    scrapePoolConfigYAML: (pool) => (pool === 'api' ? 'job_name: api\n' : undefined),
    ...(o.rules !== undefined ? { rules: o.rules } : {}),
    admin: memoryAdminStorage(storage),
    enableAdmin: o.enableAdmin === true,
    dataDir: '/nonexistent',
    features,
    notifications,
    corsOrigin: o.corsOrigin ?? '.*',
    now: () => T0 + 600_000,
    ...(o.enableSearch !== undefined ? { enableSearch: o.enableSearch } : {}),
    ...(o.maxSearchLimit !== undefined ? { maxSearchLimit: o.maxSearchLimit } : {}),
  });
  const [addr] = await web.listen();
  web.setReady(true);
  const base = `http://${addr!}`;
  const api: TestAPI = {
    base, web, storage, notifications,
    call: async (path, init = {}) => {
      const headers: Record<string, string> = { ...init.headers };
      const req: RequestInit = { method: init.method ?? (init.form !== undefined ? 'POST' : 'GET'), headers };
      if (init.form !== undefined) {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        req.body = init.form;
      }
      if (init.signal !== undefined) req.signal = init.signal;
      const r = await fetch(base + path, req);
      const text = await r.text();
      let json: Record<string, unknown> | null = null;
      if ((r.headers.get('content-type') ?? '').startsWith('application/json')) json = JSON.parse(text) as Record<string, unknown>;
      return { status: r.status, headers: r.headers, json, text };
    },
  };
  try {
    await fn(api);
  } finally {
    await web.close();
  }
}
