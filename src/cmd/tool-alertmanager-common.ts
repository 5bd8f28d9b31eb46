/** Helpers shared by the `watchfire tool alertmanager` commands. */
import { ConfigError } from '../config/index.js';
import { parseMatcher } from '../alertmanager/labels/index.js';
import type { FlagDef } from './flag-parser.js';

/** A configuration error as amtool prints it: the reason and its place, without the file prefix. */
export function amConfigError(e: unknown): string {
  if (e instanceof ConfigError) {
    let s = '';
    if (e.line > 0) s += `line ${e.line}: `;
    if (e.field !== '') s += `${e.field}: `;
    return s + e.reason;
  }
  return e instanceof Error ? e.message : String(e);
}

/** A string flag's value ('' when unset). */
export function flagString(flags: ReadonlyMap<string, unknown>, name: string): string {
  const v = flags.get(name);
  return typeof v === 'string' ? v : '';
}

export const URL_FLAG: FlagDef = { name: 'alertmanager.url', kind: 'string', default: '', help: 'Alertmanager to talk to', placeholder: '<URL>' };
export const TIMEOUT_FLAG: FlagDef = { name: 'timeout', kind: 'duration', default: '30s', help: 'Timeout for the executed command' };

/** GET `<url><path>` of an Alertmanager as JSON; throws with amtool-like text on failure. */
export async function amGet(base: string, path: string, timeoutMs: number): Promise<unknown> {
  if (base === '') throw new Error('required flag --alertmanager.url not provided');
  const u = base.replace(/\/+$/, '') + path;
  const r = await fetch(u, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${r.status} ${r.statusText}: ${text.trim()}`);
  return JSON.parse(text) as unknown;
}

/** amtool's label arguments: `name=value` matchers (only `=`). */
export function parseLabelArgs(args: readonly string[]): Record<string, string> {
  const ls: Record<string, string> = {};
  for (const a of args) {
    const m = parseMatcher(a);
    if (m.type !== '=') throw new Error('labels must be specified as key=value pairs');
    ls[m.name] = m.value;
  }
  return ls;
}

