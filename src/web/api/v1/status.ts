/**
 * `/api/v1/status/*` routes that describe the server itself: config, flags, build and
 * runtime information.
 */
import { availableParallelism, hostname } from 'node:os';
import type { Router } from '../../router.js';
import { formatRFC3339 } from '../../time-format.js';
import { respond } from './envelope.js';

export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}

export interface RuntimeInfo {
  startTime: Date;
  cwd: string;
  reloadConfigSuccess: boolean;
  lastConfigTime: Date | null;
  corruptionCount: number;
  storageRetention: string;
}

export interface StatusDeps {
  /** The running configuration as YAML, secrets redacted. */
  configYAML(): string;
  /** Every flag with its value as text. */
  flags: Readonly<Record<string, string>>;
  buildInfo: BuildInfo;
  runtimeInfo(): RuntimeInfo;
}

export function registerStatus(r: Router, d: StatusDeps): void {
  r.get('/api/v1/status/config', (c) => { respond(c.res, { yaml: d.configYAML() }); });
  r.get('/api/v1/status/flags', (c) => { respond(c.res, d.flags); });
  r.get('/api/v1/status/buildinfo', (c) => { respond(c.res, d.buildInfo); });
  r.get('/api/v1/status/runtimeinfo', (c) => {
    const ri = d.runtimeInfo();
    respond(c.res, {
      startTime: formatRFC3339(ri.startTime),
      CWD: ri.cwd,
      hostname: hostname(),
      serverTime: formatRFC3339(new Date()),
      reloadConfigSuccess: ri.reloadConfigSuccess,
      lastConfigTime: formatRFC3339(ri.lastConfigTime),
      corruptionCount: ri.corruptionCount,
      goroutineCount: 0,
      GOMAXPROCS: availableParallelism(),
      GOMEMLIMIT: 0,
      GOGC: '',
      GODEBUG: '',
      storageRetention: ri.storageRetention,
    });
  });
}
