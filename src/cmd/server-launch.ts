/**
 * The server's command line: flags and features checked, the configuration file loaded (or
 * the embedded default), then `startServer` (server.ts) composes and starts the components;
 * `runServer` keeps it running until SIGTERM/SIGINT and reloads it on SIGHUP.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { resolve as resolvePath } from 'node:path';
import { FlagError, FlagSet } from './flag-parser.js';
import { DEPRECATED_FEATURES, FEATURES, SERVER_FLAGS } from './server-flags.js';
import { versionText } from './version.js';
import { SUBCOMMANDS } from './subcommands.js';
import { newLogger, type LogFormat, type LogLevel } from '../util/log.js';
import { splitHostPort } from '../web/index.js';
import { FastRegexMatcher } from '../model/index.js';
import { loadConfigFile, loadConfigString, setProtoFirstScrapeProtocolsDefault, EMBEDDED_DEFAULT_CONFIG, type Config } from '../config/index.js';
import { retentionOf, startServer, type ServerHandle } from './server.js';
import { storagePathCapacity } from '../tsdb/db/index.js';
import { runUntilStopped } from './signals.js';

function usage(fs: FlagSet): string {
  let s = fs.usage('watchfire', 'The Watchfire monitoring server');
  s += '\nSubcommands (watchfire <subcommand> --help for each):\n';
  for (const [name, help] of Object.entries(SUBCOMMANDS)) s += `  ${name.padEnd(10)}${help}\n`;
  return s;
}

/** Runs the server until it is signalled to stop; returns the process exit code. */
/**
 * V8 drops the bytecode of functions that have not run for a few full collections, and the
 * collections of an idle server come from V8's memory reducer. After a pause (a server idle
 * between dashboard refreshes) the query path then starts over from source: after two idle
 * minutes the harness's small queries took about a quarter longer, raw_selector 5-9 ms
 * instead of 3-3.5 (docs/benchmarks.md, "After an idle pause"). Keeping it costs about
 * 0.5 MB of resident memory while scraping. Set before anything runs, so that every
 * collection sees it.
 */
function keepBytecode(): void {
  setFlagsFromString('--no-flush-bytecode');
}

export async function runServer(argv: readonly string[]): Promise<number> {
  keepBytecode();
  const server = await launchServer(argv);
  if (typeof server === 'number') return server;
  const { logger } = server;
  await runUntilStopped(server, (sig) => { logger.warn('Received an OS signal, exiting gracefully...', { signal: sig }); });
  logger.info('See you next time!');
  return 0;
}

/**
 * Parses the command line, loads the configuration and starts the server. Returns the
 * running server, or an exit code when it did not start (usage printed, bad flags or config).
 */
export async function launchServer(argv: readonly string[]): Promise<ServerHandle | number> {
  const fs = new FlagSet(SERVER_FLAGS);
  let parsed;
  try {
    parsed = fs.parse(argv);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`Error parsing command line arguments: ${e.message}\nwatchfire: error: ${e.message}, try --help\n`);
    return 2;
  }
  if (parsed.help) { process.stdout.write(usage(fs)); return 0; }
  if (parsed.version) { process.stdout.write(versionText('watchfire')); return 0; }
  const v = parsed.values;
  const logger = newLogger({ level: v.get('log.level') as LogLevel, format: v.get('log.format') as LogFormat });

  const features = new Set<string>();
  for (const item of v.get('enable-feature') as string[]) {
    for (const f of item.split(',')) {
      const name = f.trim();
      if (name === '') continue;
      if (FEATURES.includes(name)) features.add(name);
      else if (DEPRECATED_FEATURES[name] !== undefined) logger.warn(DEPRECATED_FEATURES[name], { option: name });
      else logger.warn('Unknown option for --enable-feature', { option: name });
    }
  }
  // As Prometheus: these features make protobuf (where start timestamps come cheapest) the
  // first scrape protocol wherever a configuration leaves scrape_protocols unset.
  setProtoFirstScrapeProtocolsDefault(features.has('created-timestamp-zero-ingestion') || features.has('st-storage'));
  const maxSearchLimit = v.get('web.search.max-limit') as number;
  if (maxSearchLimit < 0) {
    process.stderr.write(`--web.search.max-limit must be non-negative; got ${maxSearchLimit} (use 0 to disable the cap)\n`);
    return 1;
  }
  if (v.get('agent') === true) {
    process.stderr.write('agent mode (--agent) is not available in this version of Watchfire\n');
    return 1;
  }
  const agentOnly = SERVER_FLAGS.filter((d) => d.mode === 'agent' && parsed.set.has(d.name)).map((d) => '--' + d.name);
  if (agentOnly.length > 0) {
    process.stderr.write(`The following flag(s) can only be used in agent mode: ${JSON.stringify(agentOnly)}\n`);
    return 3;
  }
  if ((v.get('web.config.file') as string) !== '') {
    // Refuse rather than serve without the TLS or authentication the file asks for.
    process.stderr.write('--web.config.file: TLS and authentication of the web server are not available in this version of Watchfire\n');
    return 1;
  }
  const ratio = v.get('auto-gomemlimit.ratio') as number;
  if (ratio <= 0 || ratio > 1) {
    process.stderr.write('--auto-gomemlimit.ratio must be greater than 0 and less than or equal to 1.\n');
    return 1;
  }
  try {
    new FastRegexMatcher(v.get('web.cors.origin') as string);
  } catch (e) {
    process.stderr.write(`could not compile CORS regex string ${JSON.stringify(v.get('web.cors.origin'))}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const listen = v.get('web.listen-address') as string[];
  let externalURL: URL;
  let routePrefix: string;
  try {
    externalURL = computeExternalURL(v.get('web.external-url') as string, listen[0]!);
    routePrefix = normalizePrefix((v.get('web.route-prefix') as string) || externalURL.pathname);
  } catch (e) {
    process.stderr.write(`parse external URL ${JSON.stringify(v.get('web.external-url'))}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }

  // Prometheus's default config file name; when it was not given and does not exist,
  // run on the embedded default config that scrapes this server.
  const configFile = v.get('config.file') as string;
  const useEmbedded = !parsed.set.has('config.file') && !existsSync(configFile);
  let cfg: Config;
  try {
    // The embedded config scrapes this server: at the port it listens on.
    const selfPort = splitHostPort(listen[0]!).port;
    cfg = useEmbedded
      ? loadConfigString(EMBEDDED_DEFAULT_CONFIG.replace('localhost:9090', `localhost:${selfPort}`), '<embedded default config>')
      : await loadConfigFile(configFile);
  } catch (e) {
    logger.error(`Error loading config (--config.file=${configFile})`, { file: resolvePath(configFile), err: e instanceof Error ? e.message : String(e) });
    return 2;
  }
  if (useEmbedded) logger.info('No configuration file found; using the embedded default configuration', { file: configFile });
  const retention = retentionOf(v, cfg);
  const pct = retention.maxPercentage;
  if (pct > 0) {
    if (retention.maxBytes > 0) logger.warn('storage.tsdb.retention.size is ignored, because storage.tsdb.retention.percentage is specified');
    const dataDir = v.get('storage.tsdb.path') as string;
    if (await storagePathCapacity(dataDir) === 0) {
      process.stderr.write(`unable to detect total capacity of metric storage at ${dataDir}, please disable retention percentage (${pct}%)\n`);
      return 2;
    }
  }

  return startServer({ flags: v, setFlags: parsed.set, features, logger, cfg, configFile: useEmbedded ? null : configFile, externalURL, routePrefix });
}

/** The external URL: the flag's, or http://<hostname>:<port>/ from the first listen address. */
export function computeExternalURL(u: string, listenAddress: string): URL {
  if (u === '') {
    const { port } = splitHostPort(listenAddress);
    return new URL(`http://${hostname()}:${port}/`);
  }
  const url = new URL(u);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported scheme "${url.protocol.replace(/:$/, '')}"`);
  return url;
}

function normalizePrefix(p: string): string {
  let s = p.startsWith('/') ? p : '/' + p;
  while (s.endsWith('/')) s = s.slice(0, -1);
  return s;
}
