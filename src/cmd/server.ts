/**
 * The server: the composition root. Parsed flags and config (server-launch.ts) → storage,
 * discovery, scraping, rules, notifier, web → run until stopped (SIGTERM/SIGINT through
 * server-launch.ts, or `/-/quit`), reloading on SIGHUP, `/-/reload` and (with
 * `--config.auto-reload`) file changes. A bad new config is rejected and the old one keeps
 * running. Only this folder knows every concrete class.
 */
import type { FlagValue } from './flag-parser.js';
import { SERVER_FLAGS } from './server-flags.js';
import { BUILD_INFO } from './version.js';
import type { Logger } from '../util/log.js';
import { Registry, registerProcessMetrics } from '../instrument/index.js';
import { formatDuration } from '../model/index.js';
import type { Queryable } from '../storage/index.js';
import type { RouteInfo } from '../web/index.js';
import { WebServer, registerFederation, registerLifecycle, registerMetrics, registerRemoteWrite, registerStatus, registerTargets } from '../web/index.js';
import {
  FeatureRegistry, NOTIFICATION_CONFIG_FAILED, NOTIFICATION_SHUTTING_DOWN, Notifications, apiFeatures, promqlFeatures, registerAPI,
  scrapeConfigYAML,
} from '../web/index.js';
import { ActiveQueryTracker, PromQLEngine } from '../promql/engine/index.js';
import { featureParseOptions } from '../promql/parser/index.js';
import { mechanismName, registeredDiscoveryKeys } from '../discovery/registry.js';
import { configChecksum, configToYAML, loadConfigFile, type Config } from '../config/index.js';
import { DiscoveryManager, loadDiscoveryMechanisms } from '../discovery/manager.js';
import type { BlockMeta } from '../tsdb/block/index.js';
import { DB, DEFAULT_COMPACTION_DELAY_MAX_PERCENT, excludeBlocksPendingUpload, ReadyStorage, openTSDBHead, resolveRetention, resolveTSDBSettings, type RetentionSettings } from '../tsdb/db/index.js';
import type { FloatChunkEncoding } from '../tsdb/head/index.js';
import { RemoteWriteReceiver, type WriteMessageType } from '../storage/remote/index.js';
import { ScrapeManager } from '../scrape/index.js';
import { targetSource } from './targets-adapter.js';
import { RuleManager, engineQueryFunc, groupInfo, sendAlerts } from '../rules/index.js';
import { NotifierManager } from '../notifier/index.js';
import { registerTemplateMetrics } from '../template/index.js';
import { GlobPatternError, globSync } from '../util/glob.js';
import { VERSION } from './version.js';

export interface ServerHandle {
  /** Addresses actually bound ("host:port"). */
  addresses: string[];
  logger: Logger;
  /** The local storage, for in-process embedding and tests. */
  storage: Queryable;
  /** Resolves when the server has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
  reload(): Promise<void>;
  /** The routes the web server serves, as its router lists them (for tests of the API description). */
  routes?: () => RouteInfo[];
}

export interface StartOptions {
  flags: ReadonlyMap<string, FlagValue>;
  setFlags: ReadonlySet<string>;
  features: ReadonlySet<string>;
  logger: Logger;
  cfg: Config;
  /** null when running on the embedded default config (reload then keeps it). */
  configFile: string | null;
  externalURL: URL;
  routePrefix: string;
}

/** Starts every component; the returned handle stops them. Exposed for in-process tests. */
export async function startServer(o: StartOptions): Promise<ServerHandle> {
  const { flags: v, logger } = o;
  const startTime = new Date();
  const registry = new Registry();
  registerProcessMetrics(registry);
  registry.gauge({ name: 'prometheus_build_info', help: 'A metric with a constant \'1\' value labeled by version, revision, branch, goversion from which prometheus was built, and the goos and goarch for the build.', labelNames: ['branch', 'goarch', 'goos', 'goversion', 'revision', 'tags', 'version'] })
    .labels(BUILD_INFO.branch, process.arch, process.platform, BUILD_INFO.goVersion, BUILD_INFO.revision, '', BUILD_INFO.version).set(1);
  const readyGauge = registry.gauge({ name: 'prometheus_ready', help: 'Whether Prometheus startup was fully completed and the server is ready for normal operation.' });
  const reloadOK = registry.gauge({ name: 'prometheus_config_last_reload_successful', help: 'Whether the last configuration reload attempt was successful.' });
  const reloadTime = registry.gauge({ name: 'prometheus_config_last_reload_success_timestamp_seconds', help: 'Timestamp of the last successful configuration reload.' });

  // The TSDB opens after the web server listens (`/-/ready` answers 503 until it has
  // replayed its WAL), as in Prometheus; components get a storage that waits for it.
  const tsdb = resolveTSDBSettings({
    retentionMs: v.get('storage.tsdb.retention.time') as number,
    retentionBytes: v.get('storage.tsdb.retention.size') as number,
    minBlockDurationMs: v.get('storage.tsdb.min-block-duration') as number,
    maxBlockDurationMs: v.get('storage.tsdb.max-block-duration') as number,
    walSegmentSize: v.get('storage.tsdb.wal-segment-size') as number,
    maxBlockChunkSegmentSize: v.get('storage.tsdb.max-block-chunk-segment-size') as number,
  }, o.cfg.storage.tsdb?.retention ?? null);
  const retentionMs = tsdb.retentionMs;
  const dataDir = v.get('storage.tsdb.path') as string;
  const storage = new ReadyStorage();
  const scrape = new ScrapeManager({
    appendable: storage,
    registry,
    logger: logger.with({ component: 'scrape manager' }),
    extraScrapeMetrics: o.features.has('extra-scrape-metrics'),
    enableStartTimestamps: o.features.has('created-timestamp-zero-ingestion') || o.features.has('st-storage'),
    startTimestampZeroIngestion: o.features.has('created-timestamp-zero-ingestion'),
    synthesizeStartTimestamps: o.features.has('st-synthesis'),
  });
  const discovery = new DiscoveryManager({
    registry,
    logger: logger.with({ component: 'discovery manager scrape' }),
    name: 'scrape',
    updateIntervalMs: v.get('scrape.discovery-reload-interval') as number,
  });
  discovery.onUpdate((sets) => { scrape.sync(sets); });

  let current = o.cfg;
  const notifications = new Notifications(v.get('web.max-notifications-subscribers') as number, registry);
  let lastReloadOK = true;
  let lastConfigTime: Date | null = new Date();
  // The configuration's fingerprint, for --config.auto-reload (config/checksum.ts).
  const autoReload = v.get('config.auto-reload') === true && o.configFile !== null;
  const checksum = async (file: string, what: string): Promise<string> => {
    try {
      return await configChecksum(file);
    } catch (e) {
      logger.error(what, { err: e instanceof Error ? e.message : String(e) });
      return '';
    }
  };
  let fileSum = autoReload ? await checksum(o.configFile!, 'Failed to generate initial checksum for configuration file') : '';

  // Alerting: the notifier with its own discovery ("notify"), and the rule manager; both are
  // configured by apply() and started once the storage is ready.
  const notifier = new NotifierManager({
    queueCapacity: v.get('alertmanager.notification-queue-capacity') as number,
    maxBatchSize: v.get('alertmanager.notification-batch-size') as number,
    drainOnShutdown: v.get('alertmanager.drain-notification-queue-on-shutdown') !== false,
    registry,
    logger: logger.with({ component: 'notifier' }),
    userAgent: `Watchfire/${VERSION}`,
  });
  const discoveryNotify = new DiscoveryManager({
    registry,
    logger: logger.with({ component: 'discovery manager notify' }),
    name: 'notify',
    updateIntervalMs: v.get('scrape.discovery-reload-interval') as number,
  });
  discoveryNotify.onUpdate((sets) => { void notifier.sync(sets); });
  registerTemplateMetrics(registry);
  // Prometheus's form of the external URL: without a trailing slash.
  const externalURLText = o.externalURL.href.replace(/\/+$/, '');
  let ruleManager: RuleManager | null = null;

  // `--enable-feature=xor2-encoding` allows XOR2 float chunks and makes them the default;
  // `storage.tsdb.chunk_encoding.floats` chooses either way, xor2 only with the feature, as in Prometheus.
  const xor2Allowed = o.features.has('xor2-encoding');
  // `st-storage` stores start timestamps, which only XOR2 chunks hold: the TSDB refuses to
  // open with XOR, and a file asking for xor is refused.
  const stStorage = o.features.has('st-storage');
  const floatChunkEncodingOf = (cfg: Config): FloatChunkEncoding => {
    const floats = cfg.storage.tsdb?.chunk_encoding.floats ?? '';
    if (floats === 'xor2' && !xor2Allowed) {
      throw new Error("'storage.tsdb.chunk_encoding.floats: xor2' requires the xor2-encoding feature flag to be enabled at startup");
    }
    if (floats === 'xor' && stStorage) {
      throw new Error("'storage.tsdb.chunk_encoding.floats: xor' is incompatible with st-storage; XOR chunks do not store start timestamps");
    }
    return floats !== '' ? floats : xor2Allowed ? 'xor2' : 'xor';
  };
  const maxExemplarsOf = (cfg: Config): number => (!o.features.has('exemplar-storage') ? 0 : cfg.storage.exemplars?.max_exemplars ?? 100_000);

  /** As Prometheus's TSDB ApplyConfig: retention, the out-of-order window and the exemplar capacity follow the configuration file. */
  const applyTSDB = async (cfg: Config): Promise<void> => {
    const db = storage.db;
    if (db === null) return;
    db.setFloatChunkEncoding(floatChunkEncodingOf(cfg));
    db.setStaleSeriesCompactionThreshold(cfg.storage.tsdb?.stale_series_compaction_threshold ?? 0);
    db.setRetention(retentionOf(v, cfg));
    await db.setOutOfOrderTimeWindow(cfg.storage.tsdb?.out_of_order_time_window ?? 0);
    db.setMaxExemplars(maxExemplarsOf(cfg));
  };

  const apply = async (cfg: Config): Promise<void> => {
    // Checked before anything changes: a file that fails here leaves the running configuration whole.
    floatChunkEncodingOf(cfg);
    const sd = new Map(cfg.scrape_configs.map((sc) => [sc.job_name, { static_configs: sc.static_configs, file_sd_configs: sc.file_sd_configs, other: sc.other }] as const));
    const sdNotify = NotifierManager.discoveryConfigs(cfg.alerting);
    await Promise.all([loadDiscoveryMechanisms(sd), loadDiscoveryMechanisms(sdNotify)]);
    scrape.applyConfig(cfg.scrape_configs, { externalLabels: cfg.global.external_labels });
    discovery.applyConfig(sd);
    await applyTSDB(cfg);
    current = cfg;
    await notifier.applyConfig({ alerting: cfg.alerting, externalLabels: cfg.global.external_labels, nameValidation: cfg.global.metric_name_validation_scheme });
    discoveryNotify.applyConfig(sdNotify);
    if (ruleManager !== null) {
      const files: string[] = [];
      for (const pat of cfg.rule_files) {
        try {
          files.push(...globSync(pat));
        } catch (e) {
          throw new Error(`error retrieving rule files for ${pat}: ${e instanceof GlobPatternError ? e.message : String(e)}`, { cause: e });
        }
      }
      await ruleManager.update(cfg.global.evaluation_interval, files, cfg.global.external_labels, externalURLText);
    }
  };

  let reloading: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    const run = async (): Promise<void> => {
      if (o.configFile === null) {
        logger.info('Running on the embedded default configuration; nothing to reload');
        return;
      }
      logger.info('Loading configuration file', { filename: o.configFile });
      const t0 = performance.now();
      // Taken before the files are read: a change while they load is seen by the next check.
      const sum = autoReload ? await checksum(o.configFile, 'Failed to generate checksum during configuration reload') : '';
      try {
        const cfg = await loadConfigFile(o.configFile);
        await apply(cfg);
      } catch (e) {
        lastReloadOK = false;
        reloadOK.set(0);
        notifications.add(NOTIFICATION_CONFIG_FAILED);
        logger.error('Error reloading config', { err: e instanceof Error ? e.message : String(e) });
        throw e;
      }
      lastReloadOK = true;
      notifications.delete(NOTIFICATION_CONFIG_FAILED);
      lastConfigTime = new Date();
      reloadOK.set(1);
      reloadTime.set(Math.floor(lastConfigTime.getTime() / 1000));
      logger.info('Completed loading of configuration file', { filename: o.configFile, totalDuration: `${((performance.now() - t0) / 1000).toFixed(3)}s` });
      if (autoReload) fileSum = sum;
    };
    reloading = reloading.then(run, run);
    return reloading;
  };

  const web = new WebServer({
    listenAddresses: v.get('web.listen-address') as string[],
    routePrefix: o.routePrefix,
    readTimeoutMs: v.get('web.read-timeout') as number,
    maxConnections: v.get('web.max-connections') as number,
    logger: logger.with({ component: 'web' }),
    registry,
  });
  let stopping: Promise<void> | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => { resolveDone = r; });
  const ac = new AbortController();
  // The data directory's queries.active, once the TSDB holds the directory.
  let activeQueries: ActiveQueryTracker | null = null;

  const stop = (): Promise<void> => {
    if (stopping !== null) return stopping;
    stopping = (async () => {
      notifications.add(NOTIFICATION_SHUTTING_DOWN);
      web.setReady(false);
      readyGauge.set(0);
      ac.abort();
      if (ruleManager !== null) await ruleManager.stop();
      await discoveryNotify.stop();
      // Queued notifications are sent (or dropped) before exit; a hung Alertmanager cannot hold it up for long.
      await notifier.stop(15_000);
      await discovery.stop();
      await scrape.stop();
      logger.info('Scrape manager stopped');
      await web.close();
      try {
        await storage.close();
        logger.info('TSDB stopped');
      } catch (e) {
        logger.error('Error stopping storage', { err: e instanceof Error ? e.message : String(e) });
      }
      activeQueries?.close();
      resolveDone();
    })();
    return stopping;
  };

  const flagText: Record<string, string> = {};
  for (const d of SERVER_FLAGS) flagText[d.name] = flagToString(v.get(d.name));
  registerLifecycle(web.router, {
    enableLifecycle: v.get('web.enable-lifecycle') as boolean,
    isReady: () => web.ready,
    reload,
    quit: () => { void stop(); },
  });
  registerMetrics(web.router, registry);
  registerFederation(web.router, { queryable: storage, lookbackDeltaMs: v.get('query.lookback-delta') as number, externalLabels: () => current.global.external_labels, registry, logger: logger.with({ component: 'web' }) });
  registerRemoteWrite(web.router, v.get('web.enable-remote-write-receiver') !== true ? null : new RemoteWriteReceiver({
    appendable: storage,
    acceptedMessages: v.get('web.remote-write-receiver.accepted-protobuf-messages') as WriteMessageType[],
    logger: logger.with({ component: 'web' }),
    registry,
    // As Prometheus 3.14: the receiver stores no start timestamps, even with st-storage; with
    // created-timestamp-zero-ingestion it appends a zero sample at each.
    ingestStartZero: o.features.has('created-timestamp-zero-ingestion'),
    appendMetadata: o.features.has('metadata-wal-records'),
    typeAndUnitLabels: o.features.has('type-and-unit-labels'),
  }));
  registerTargets(web.router, { targets: targetSource(scrape), externalURL: o.externalURL, listenAddress: (v.get('web.listen-address') as string[])[0]! });
  const parseOpts = featureParseOptions(o.features);
  const engine = new PromQLEngine({
    timeoutMs: v.get('query.timeout') as number,
    maxSamples: v.get('query.max-samples') as number,
    maxConcurrency: v.get('query.max-concurrency') as number,
    lookbackDelta: v.get('query.lookback-delta') as number,
    ...parseOpts,
    delayedNameRemoval: o.features.has('promql-delayed-name-removal'),
    enableStartTimestamps: o.features.has('use-start-timestamps'),
    enablePerStepStats: o.features.has('promql-per-step-stats'),
    typeAndUnitLabels: o.features.has('type-and-unit-labels'),
    // Subqueries without a step use the global evaluation interval, as in Prometheus.
    noStepSubqueryIntervalFn: () => current.global.evaluation_interval,
  });
  ruleManager = new RuleManager({
    appendable: storage,
    queryable: storage,
    query: engineQueryFunc(engine, storage),
    notify: sendAlerts(notifier, externalURLText),
    externalURL: externalURLText,
    registry,
    logger: logger.with({ component: 'rule manager' }),
    outageToleranceMs: v.get('rules.alert.for-outage-tolerance') as number,
    forGracePeriodMs: v.get('rules.alert.for-grace-period') as number,
    resendDelayMs: v.get('rules.alert.resend-delay') as number,
    defaultRuleQueryOffsetMs: () => current.global.rule_query_offset,
    concurrentEvals: o.features.has('concurrent-rule-eval'),
    maxConcurrentEvals: v.get('rules.max-concurrent-evals') as number,
    parseOptions: parseOpts,
    nameValidation: o.cfg.global.metric_name_validation_scheme,
  });
  const rules = ruleManager;
  const featureRegistry = new FeatureRegistry()
    .set('prometheus', 'agent_mode', false).set('prometheus', 'server_mode', true)
    .set('prometheus', 'auto_reload_config', v.get('config.auto-reload') === true)
    .set('tsdb', 'exemplar_storage', o.features.has('exemplar-storage')).enable('tsdb', 'native_histograms')
    .set('tsdb', 'delayed_compaction', o.features.has('delayed-compaction'))
    .set('tsdb', 'xor2_encoding', xor2Allowed)
    // Commits are applied in one turn of the event loop: a query never sees part of one.
    .enable('tsdb', 'isolation').set('tsdb', 'use_uncached_io', false)
    .enable('scrape', 'extra_scrape_metrics')
    .set('scrape', 'start_timestamp_zero_ingestion', o.features.has('created-timestamp-zero-ingestion'))
    .set('scrape', 'type_and_unit_labels', o.features.has('type-and-unit-labels'))
    .set('rules', 'concurrent_rule_eval', o.features.has('concurrent-rule-eval'))
    .enable('rules', 'query_offset').enable('rules', 'keep_firing_for');
  for (const key of registeredDiscoveryKeys()) featureRegistry.enable('service_discovery_providers', mechanismName(key));
  promqlFeatures(featureRegistry, {
    parse: parseOpts, perStepStats: o.features.has('promql-per-step-stats'),
    delayedNameRemoval: o.features.has('promql-delayed-name-removal'), typeAndUnitLabels: o.features.has('type-and-unit-labels'),
  });
  apiFeatures(featureRegistry, {
    lifecycle: v.get('web.enable-lifecycle') === true, admin: v.get('web.enable-admin-api') === true,
    remoteWriteReceiver: v.get('web.enable-remote-write-receiver') === true, search: o.features.has('search-api'),
  });
  web.serveBeforeReady('/api/v1/status/walreplay', '/api/v1/notifications', '/api/v1/notifications/live');
  registerAPI(web.router, {
    engine,
    queryable: storage,
    exemplars: o.features.has('exemplar-storage') ? storage : null,
    parseOpts,
    targets: targetSource(scrape),
    relabelConfigs: (pool) => (scrape.scrapePools().includes(pool) ? current.scrape_configs.find((sc) => sc.job_name === pool)?.relabel_configs : undefined),
    scrapePoolConfigYAML: (pool) => (scrape.scrapePools().includes(pool) ? scrapeConfigYAML(current, pool) : undefined),
    admin: storage,
    enableAdmin: v.get('web.enable-admin-api') === true,
    dataDir,
    features: featureRegistry,
    notifications,
    corsOrigin: v.get('web.cors.origin') as string,
    enableSearch: o.features.has('search-api'),
    maxSearchLimit: v.get('web.search.max-limit') as number,
    rules: { groups: () => rules.ruleGroups().map(groupInfo) },
    alertmanagers: { active: () => notifier.alertmanagers(), dropped: () => notifier.droppedAlertmanagers() },
  });
  registerStatus(web.router, {
    configYAML: () => configToYAML(current),
    flags: flagText,
    buildInfo: BUILD_INFO,
    runtimeInfo: () => ({
      startTime,
      cwd: process.cwd(),
      reloadConfigSuccess: lastReloadOK,
      lastConfigTime,
      corruptionCount: 0,
      storageRetention: formatDuration(retentionMs),
    }),
  });

  reloadOK.set(1);
  reloadTime.set(Math.floor(Date.now() / 1000));
  let addresses: string[];
  try {
    addresses = await web.listen();
  } catch (e) {
    logger.error('Error starting web server', { err: e instanceof Error ? e.message : String(e) });
    await stop();
    throw e;
  }
  logger.info('Start listening for connections', { address: addresses.join(',') });
  logger.info('Starting TSDB ...');
  try {
    storage.set(await DB.open(dataDir, {
      retentionMs: tsdb.retentionMs,
      maxBytes: tsdb.maxBytes,
      maxPercentage: tsdb.maxPercentage,
      minBlockDurationMs: tsdb.minBlockDurationMs,
      maxBlockDurationMs: tsdb.maxBlockDurationMs,
      noLockfile: v.get('storage.tsdb.no-lockfile') === true,
      blockReloadIntervalMs: v.get('storage.tsdb.block-reload-interval') as number,
      allowOverlappingCompaction: v.get('storage.tsdb.allow-overlapping-compaction') !== false,
      ...blockCompactionExclude(v.get('storage.tsdb.delay-compact-file.path') as string, logger.with({ component: 'tsdb' })),
      enableDelayedCompaction: o.features.has('delayed-compaction'),
      floatChunkEncoding: xor2Allowed ? 'xor2' : 'xor',
      enableSTStorage: stStorage,
      staleSeriesCompactionThreshold: o.cfg.storage.tsdb?.stale_series_compaction_threshold ?? 0,
      compactionDelayMaxPercent: compactionDelayMaxPercent(v.get('storage.tsdb.delayed-compaction.max-percent') as number, o.features.has('delayed-compaction'), logger),
      ...((v.get('storage.tsdb.max-block-chunk-segment-size') as number) > 0 ? { maxBlockChunkSegmentSize: v.get('storage.tsdb.max-block-chunk-segment-size') as number } : {}),
      openHead: openTSDBHead({
        walCompression: v.get('storage.tsdb.wal-compression') === false ? 'none' : v.get('storage.tsdb.wal-compression-type') as 'snappy' | 'zstd',
        ...((v.get('storage.tsdb.wal-segment-size') as number) > 0 ? { walSegmentSize: v.get('storage.tsdb.wal-segment-size') as number } : {}),
        maxExemplars: maxExemplarsOf(o.cfg),
        outOfOrderTimeWindow: o.cfg.storage.tsdb?.out_of_order_time_window ?? 0,
        enableMemorySnapshotOnShutdown: o.features.has('memory-snapshot-on-shutdown'),
        // Native histogram chunks with start timestamps (encodings 5 and 6), as Prometheus's flag.
        enableHistogramSTEncoding: o.features.has('histograms-st-encoding'),
        ...((v.get('storage.tsdb.samples-per-chunk') as number) > 0 ? { samplesPerChunk: v.get('storage.tsdb.samples-per-chunk') as number } : {}),
        // Pages of chunks_head kept for queries. Prometheus mmaps the files and leans on the
        // OS page cache; with the head's 16 MiB default a 10,000-series head (~55 MiB of
        // chunks) was re-read from disk by every range query over it (2x their CPU time).
        chunkCacheBytes: 64 << 20,
        registry,
        logger: logger.with({ component: 'tsdb' }),
      }),
      registry,
      logger: logger.with({ component: 'tsdb' }),
    }));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    logger.error('Fatal error', { err: `opening storage failed: ${msg}` });
    await stop();
    throw new Error(`opening storage failed: ${msg}`, { cause: e });
  }
  logger.info('TSDB started');
  // A reload while the WAL replayed changed the configuration the TSDB opened with.
  if (current !== o.cfg) await applyTSDB(current);
  // As Prometheus: the queries a crash interrupted are logged, then every running query is
  // noted in the data directory. Only once the TSDB holds the directory's lock, so that a
  // second server refused by the lock never clobbers the first one's file.
  const maxConcurrency = v.get('query.max-concurrency') as number;
  if (maxConcurrency > 0) {
    activeQueries = ActiveQueryTracker.open(dataDir, maxConcurrency, logger.with({ component: 'activeQueryTracker' }));
    engine.trackActiveQueries(activeQueries);
  }
  try {
    await apply(o.cfg);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    logger.error('Error loading config', { err: msg });
    await stop();
    throw new Error(`error loading config: ${msg}`, { cause: e });
  }
  rules.run();
  web.setReady(true);
  readyGauge.set(1);
  logger.info('Server is ready to receive web requests.');

  if (autoReload) {
    const file = o.configFile!;
    const interval = Math.max(1000, v.get('config.auto-reload-interval') as number);
    // As Prometheus: a fingerprint that cannot be made counts as a change; a reload that
    // fails leaves the old fingerprint, so the next check tries again.
    let checking = false;
    const check = async (): Promise<void> => {
      const current = await checksum(file, 'Failed to generate checksum during configuration reload');
      if (current !== '' && current === fileSum) return;
      logger.info('Configuration file change detected, reloading the configuration.');
      await reload().catch(() => undefined);
    };
    const timer = setInterval(() => {
      if (checking) return;
      checking = true;
      void check().finally(() => { checking = false; });
    }, interval);
    timer.unref();
    ac.signal.addEventListener('abort', () => { clearInterval(timer); });
  }
  return { addresses, logger, storage, done, stop, reload, routes: () => web.router.routes() };
}

/** The retention that the flags and a configuration file's `storage.tsdb.retention` give (at start and at every reload). */
export function retentionOf(v: ReadonlyMap<string, FlagValue>, cfg: Config): RetentionSettings {
  return resolveRetention({
    retentionMs: v.get('storage.tsdb.retention.time') as number,
    retentionBytes: v.get('storage.tsdb.retention.size') as number,
  }, cfg.storage.tsdb?.retention ?? null);
}

function flagToString(v: FlagValue | undefined): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** `--storage.tsdb.delayed-compaction.max-percent`, as Prometheus checks it: 1-100, else the default with a warning. */
function compactionDelayMaxPercent(pct: number, enabled: boolean, logger: Logger): number {
  if (!enabled || (pct > 0 && pct <= 100)) return pct;
  logger.warn('The --storage.tsdb.delayed-compaction.max-percent should have a value between 1 and 100. Using default', { default: DEFAULT_COMPACTION_DELAY_MAX_PERCENT });
  return DEFAULT_COMPACTION_DELAY_MAX_PERCENT;
}

/** `--storage.tsdb.delay-compact-file.path`: hold back level-1 blocks the uploader has not shipped yet. */
function blockCompactionExclude(path: string, logger: Logger): { blockCompactionExclude?: (meta: BlockMeta) => Promise<boolean> } {
  if (path === '') return {};
  logger.info('Compactions will be delayed for blocks not marked as uploaded in the file tracking uploads', { path });
  return { blockCompactionExclude: excludeBlocksPendingUpload(path, logger) };
}
