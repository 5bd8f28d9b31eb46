/**
 * `watchfire alertmanager`: the Alertmanager-compatible service. Flags → configuration and
 * snapshots → service → web server (API v2, reload, health, metrics) → run until SIGTERM or
 * SIGINT, reloading on SIGHUP and `POST /-/reload`. A configuration that does not load stops
 * the start (exit 1); on reload it is refused and the running one stays.
 */
import { hostname } from 'node:os';
import { FlagError, FlagSet } from './flag-parser.js';
import { ALERTMANAGER_FLAGS } from './alertmanager-flags.js';
import { BUILD_INFO, versionText } from './version.js';
import { newLogger, type LogFormat, type Logger, type LogLevel } from '../util/log.js';
import { Registry, registerProcessMetrics } from '../instrument/index.js';
import { WebServer, splitHostPort } from '../web/index.js';
import { AlertmanagerService, apiDeps, registerAlertmanagerAPI, type VersionInfo } from '../alertmanager/index.js';
import type { Clock } from '../alertmanager/store/index.js';
import { runUntilStopped } from './signals.js';

export interface AlertmanagerHandle {
  addresses: string[];
  service: AlertmanagerService;
  logger: Logger;
  /** Resolves when the service has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
  reload(): Promise<void>;
}

/** In-process test hooks: a manual clock, a shorter retry backoff. */
export interface AlertmanagerTestOptions {
  clock?: Clock;
  backoff?: { initialMs: number; maxMs: number };
  /** false: do not load the receivers module (the test registers its own integrations). */
  loadReceivers?: boolean;
}

const FEATURES = ['receiver-name-in-metrics', 'classic-mode', 'utf8-strict-mode', 'auto-gomemlimit', 'auto-gomaxprocs'];

/** The integrations module (receivers), loaded when present so that this command does not depend on it at build time. */
const RECEIVERS_MODULE = '../alertmanager/receivers/index.js';

export async function runAlertmanager(argv: readonly string[]): Promise<number> {
  const am = await launchAlertmanager(argv);
  if (typeof am === 'number') return am;
  await runUntilStopped(am, () => { am.logger.info('Received SIGTERM, exiting gracefully...'); });
  return 0;
}

/** Alertmanager's external URL: the flag's, or http://<hostname>:<port>/ of the first listen address; path without trailing slash. */
export function alertmanagerExternalURL(external: string, listen: string): URL {
  let text = external;
  if (text === '') text = `http://${hostname()}:${String(splitHostPort(listen).port)}/`;
  const u = new URL(text);
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') throw new Error(`${JSON.stringify(text)}: invalid ${JSON.stringify(scheme)} scheme, only 'http' and 'https' are supported`);
  u.pathname = u.pathname.replace(/\/+$/, '');
  return u;
}

/**
 * Parses the command line and starts the service and its web server. Returns the running
 * Alertmanager, or an exit code when it did not start (usage printed, bad flags or config).
 */
export async function launchAlertmanager(argv: readonly string[], test: AlertmanagerTestOptions = {}): Promise<AlertmanagerHandle | number> {
  const fs = new FlagSet(ALERTMANAGER_FLAGS);
  let parsed;
  try {
    parsed = fs.parse(argv);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`watchfire alertmanager: error: ${e.message}, try --help\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(fs.usage('watchfire alertmanager', 'The Watchfire Alertmanager: routing, grouping, inhibition, silences and notifications, compatible with Prometheus\'s Alertmanager.'));
    return 0;
  }
  if (parsed.version) { process.stdout.write(versionText('watchfire alertmanager')); return 0; }
  const v = parsed.values;
  const logger = newLogger({ level: v.get('log.level') as LogLevel, format: v.get('log.format') as LogFormat });
  logger.info('Starting Alertmanager', { version: BUILD_INFO.version });

  for (const item of v.get('enable-feature') as string[]) {
    for (const f of item.split(',')) {
      const name = f.trim();
      if (name !== '' && !FEATURES.includes(name)) logger.warn('Unknown option for --enable-feature', { option: name });
    }
  }
  const peers = v.get('cluster.peer') as string[];
  if (peers.length > 0) {
    logger.error('unable to initialize gossip mesh', { err: `clustering (HA) is not supported by Watchfire's Alertmanager; run it as a single instance without --cluster.peer (got ${peers.join(',')})` });
    return 1;
  }
  if ((v.get('cluster.listen-address') as string) !== '') {
    logger.info('Clustering is not supported; running as a single instance (set --cluster.listen-address= to silence this message)');
  }
  if ((v.get('web.config.file') as string) !== '') {
    logger.error('--web.config.file: TLS and authentication of the web server are not available in this version of Watchfire');
    return 1;
  }
  if (v.get('web.systemd-socket') === true) {
    logger.error('--web.systemd-socket: systemd socket activation is not available in Watchfire');
    return 1;
  }
  const listen = v.get('web.listen-address') as string[];
  let extURL: URL;
  try {
    extURL = alertmanagerExternalURL(v.get('web.external-url') as string, listen[0] ?? ':9093');
  } catch (e) {
    logger.error('failed to determine external URL', { err: e instanceof Error ? e.message : String(e) });
    return 1;
  }
  let prefix = (v.get('web.route-prefix') as string) || extURL.pathname;
  prefix = '/' + prefix.replace(/^\/+|\/+$/g, '');
  const routePrefix = prefix === '/' ? '' : prefix;

  if (test.loadReceivers !== false) {
    try {
      await import(RECEIVERS_MODULE);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND') logger.warn('notification integrations could not be loaded', { err: e instanceof Error ? e.message : String(e) });
    }
  }

  const registry = new Registry();
  registerProcessMetrics(registry);
  registry.gauge({ name: 'alertmanager_build_info', help: 'A metric with a constant \'1\' value labeled by version, revision, branch, goversion from which alertmanager was built, and the goos and goarch for the build.', labelNames: ['branch', 'goarch', 'goos', 'goversion', 'revision', 'tags', 'version'] })
    .labels(BUILD_INFO.branch, process.arch, process.platform, BUILD_INFO.goVersion, BUILD_INFO.revision, '', BUILD_INFO.version).set(1);
  const historyRetention = v.get('history.retention') as number;
  let service: AlertmanagerService;
  try {
    service = await AlertmanagerService.start({
      configFile: v.get('config.file') as string,
      storagePath: v.get('storage.path') as string,
      retentionMs: v.get('data.retention') as number,
      ...(historyRetention > 0 ? { historyRetentionMs: historyRetention } : {}),
      maintenanceIntervalMs: v.get('data.maintenance-interval') as number,
      alertGCIntervalMs: v.get('alerts.gc-interval') as number,
      dispatchMaintenanceIntervalMs: v.get('dispatch.maintenance-interval') as number,
      maxSilences: v.get('silences.max-silences') as number,
      maxSilenceSizeBytes: v.get('silences.max-silence-size-bytes') as number,
      externalURL: extURL.href.replace(/\/+$/, ''),
      registry,
      logger,
      ...(test.clock !== undefined ? { clock: test.clock } : {}),
      ...(test.backoff !== undefined ? { backoff: test.backoff } : {}),
    });
  } catch (e) {
    logger.error('Loading configuration file failed', { file: v.get('config.file'), err: e instanceof Error ? e.message : String(e) });
    return 1;
  }

  const web = new WebServer({ listenAddresses: listen, routePrefix, readTimeoutMs: 0, maxConnections: 100_000, logger: logger.with({ component: 'web' }) });
  const versionInfo: VersionInfo = {
    branch: BUILD_INFO.branch, buildDate: BUILD_INFO.buildDate, buildUser: BUILD_INFO.buildUser,
    goVersion: BUILD_INFO.goVersion, revision: BUILD_INFO.revision, version: BUILD_INFO.version,
  };
  const reload = (): Promise<void> => service.reload();
  registerAlertmanagerAPI(web.router, apiDeps(service, versionInfo), {
    registry, logger: logger.with({ component: 'api' }), reload,
    getConcurrency: v.get('web.get-concurrency') as number, timeoutMs: v.get('web.timeout') as number, routePrefix,
  });
  web.setReady(true);
  let addresses: string[];
  try {
    addresses = await web.listen();
  } catch (e) {
    logger.error('Listen error', { err: e instanceof Error ? e.message : String(e) });
    await web.close();
    await service.stop();
    return 1;
  }
  logger.info('Listening on', { address: addresses.join(',') });

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => { resolveDone = r; });
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await web.close();
      await service.stop();
      resolveDone();
    })();
    return stopping;
  };
  return { addresses, service, logger, done, stop, reload };
}
