/**
 * Loads alertmanager.yml: strict YAML decoding (unknown and duplicate keys rejected), the
 * defaults of every section, global settings copied into integrations that leave them
 * unset, and the cross-checks of Alertmanager's Config.UnmarshalYAML (unique receiver names,
 * defined receivers and time intervals, a root route without matchers). Errors name the file,
 * the line and the field, followed by Alertmanager's own wording.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, toConfigError, DecodeError } from '../../config/errors.js';
import { joinDir, string } from '../../config/scalars.js';
import { DecodeContext, list, struct } from '../../config/schema.js';
import { emitYAML } from '../../config/yaml-emit.js';
import { parseYAML } from '../../config/yaml-node.js';
import { quoteGoString } from '../../model/index.js';
import { globalConfig } from './global.js';
import { inhibitRule } from './inhibit.js';
import { receiverConfig } from './receiver.js';
import { routeConfig } from './route.js';
import { namedTimeInterval } from './time-intervals.js';
import { applyGlobals, checkGlobal } from './apply-globals.js';
import { checkTemplates } from './templates.js';
import type { AlertmanagerConfig, LoadedConfig, RouteConfig } from './types.js';

interface TopLevel extends AlertmanagerConfig {
  /** Whether `global` and `route` were written (Go's nil pointers). */
  hasGlobal: boolean;
  hasRoute: boolean;
}

const topLevel = struct<TopLevel>('config.plain', {
  global: { kind: globalConfig, omitempty: true },
  route: { kind: routeConfig, omitempty: true },
  inhibit_rules: { kind: list(inhibitRule), omitempty: true },
  receivers: { kind: list(receiverConfig), omitempty: true },
  templates: { kind: list(string) },
  mute_time_intervals: { kind: list(namedTimeInterval('missing name in mute time interval')), omitempty: true },
  time_intervals: { kind: list(namedTimeInterval('missing name in time interval')), omitempty: true },
  hasGlobal: { kind: boolHidden(), hidden: true },
  hasRoute: { kind: boolHidden(), hidden: true },
}, {
  validate(c, d) {
    c.hasGlobal = d.has(c, 'global');
    c.hasRoute = d.has(c, 'route');
    if (!c.hasRoute) return;
    validateTopLevel(c, d);
  },
});

function boolHidden() {
  return { goType: 'bool', decode: () => false, zero: () => false, isZero: () => true, encode: () => ({ t: 'raw' as const, v: 'false' }) };
}

function validateTopLevel(c: TopLevel, d: DecodeContext): void {
  checkGlobal(c.global, (msg) => d.fail(c.global, msg));
  const names = new Set<string>();
  for (const r of c.receivers) {
    if (names.has(r.name)) d.fail(r, `notification config name ${quoteGoString(r.name)} is not unique`, 'name');
    applyGlobals(r, c.global, d);
    names.add(r.name);
  }
  const root = c.route;
  if (root.receiver === '') d.fail(root, 'root route must specify a default receiver');
  if (Object.keys(root.match).length > 0 || Object.keys(root.match_re).length > 0 || root.matchers.length > 0) {
    d.fail(root, 'root route must not have any matchers');
  }
  if (root.mute_time_intervals.length > 0) d.fail(root, 'root route must not have any mute time intervals');
  if (root.active_time_intervals.length > 0) d.fail(root, 'root route must not have any active time intervals');
  checkReceivers(root, names, d);
  const intervals = new Set<string>();
  for (const mt of c.mute_time_intervals) {
    if (intervals.has(mt.name)) d.fail(mt, `mute time interval ${quoteGoString(mt.name)} is not unique`, 'name');
    intervals.add(mt.name);
  }
  for (const ti of c.time_intervals) {
    if (intervals.has(ti.name)) d.fail(ti, `time interval ${quoteGoString(ti.name)} is not unique`, 'name');
    intervals.add(ti.name);
  }
  checkIntervals(root, intervals, d);
}

function checkReceivers(r: RouteConfig, names: ReadonlySet<string>, d: DecodeContext): void {
  for (const sr of r.routes) checkReceivers(sr, names, d);
  if (r.receiver !== '' && !names.has(r.receiver)) d.fail(r, `undefined receiver ${quoteGoString(r.receiver)} used in route`, 'receiver');
}

function checkIntervals(r: RouteConfig, names: ReadonlySet<string>, d: DecodeContext): void {
  for (const sr of r.routes) checkIntervals(sr, names, d);
  for (const n of r.active_time_intervals) {
    if (!names.has(n)) d.fail(r, `undefined time interval ${quoteGoString(n)} used in route`, 'active_time_intervals');
  }
  for (const n of r.mute_time_intervals) {
    if (!names.has(n)) d.fail(r, `undefined time interval ${quoteGoString(n)} used in route`, 'mute_time_intervals');
  }
}

export interface LoadOptions {
  /** Parse the template files too (default true); amtool's check-config does it as a separate step. */
  checkTemplates?: boolean;
}

/** Parses configuration text; `file` names it in errors and anchors relative paths. */
export function loadAlertmanagerConfigString(text: string, file: string, opts: LoadOptions = {}): LoadedConfig {
  const d = new DecodeContext(file === '' ? '' : dirname(file));
  let c: TopLevel;
  try {
    const { root } = parseYAML(text);
    if (root === null) throw new DecodeError(0, '', 'no route provided in config');
    c = topLevel.decode(root, d, '', topLevel.defaults());
    if (!c.hasRoute) throw new DecodeError(0, '', 'no route provided in config');
    if (c.route.continue) throw new DecodeError(d.locs.get(c.route)?.line ?? 0, 'route', 'cannot have continue in root route');
  } catch (e) {
    if (e instanceof DecodeError) throw toConfigError(file, e);
    throw e;
  }
  c.templates = c.templates.map((t) => joinDir(d.dir, t));
  const config: AlertmanagerConfig = {
    global: c.global,
    route: c.route,
    inhibit_rules: c.inhibit_rules,
    receivers: c.receivers,
    templates: c.templates,
    mute_time_intervals: c.mute_time_intervals,
    time_intervals: c.time_intervals,
  };
  const why = opts.checkTemplates === false ? null : checkTemplates(config.templates);
  if (why !== null) throw new ConfigError(file, 0, 'templates', why);
  const out = topLevel.encode(c, false);
  const yaml = out.t === 'map' ? emitYAML(out.entries) : '';
  return { config, original: text, yaml, file };
}

/** Reads and loads a configuration file. */
export function loadAlertmanagerConfigFile(file: string, opts: LoadOptions = {}): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `open ${file}: no such file or directory` : e instanceof Error ? e.message : String(e);
    throw new ConfigError(file, 0, '', why, { cause: e });
  }
  return loadAlertmanagerConfigString(text, file, opts);
}
