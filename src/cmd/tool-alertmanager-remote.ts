/**
 * `watchfire tool alertmanager` commands that talk to a running Alertmanager (Watchfire's or
 * Prometheus's) over API v2: `history` (Watchfire's alert history extension), `alert query`,
 * `alert add`, `silence add`, `silence query`, `silence expire` — the everyday amtool ones.
 */
import { registerToolCommand, type ToolIO } from './tool.js';
import { URL_FLAG, amGet, flagString, parseLabelArgs } from './tool-alertmanager-common.js';
import { parseMatcher } from '../alertmanager/labels/index.js';
import type { FlagDef } from './flag-parser.js';
import { parseDuration } from '../model/index.js';

const TIMEOUT: FlagDef = { name: 'timeout', kind: 'duration', default: '30s', help: 'Timeout for the executed command' };
const OUTPUT: FlagDef = { name: 'output', short: 'o', kind: 'enum', default: 'simple', values: ['simple', 'json'], help: 'Output formatter (simple, json)' };

function base(flags: ReadonlyMap<string, unknown>): string {
  const u = flagString(flags, 'alertmanager.url');
  if (u === '') throw new Error('required flag --alertmanager.url not provided');
  return u.replace(/\/+$/, '');
}

async function send(flags: ReadonlyMap<string, unknown>, method: string, path: string, body?: unknown): Promise<string> {
  const init: RequestInit = { method, signal: AbortSignal.timeout(Number(flags.get('timeout') ?? 30_000)) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  const r = await fetch(base(flags) + path, init);
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${r.status} ${r.statusText}: ${text.trim()}`);
  return text;
}

async function run(io: ToolIO, f: () => Promise<void>): Promise<number> {
  try {
    await f();
    return 0;
  } catch (e) {
    io.err(`watchfire tool: error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function labelsText(ls: Record<string, string>): string {
  return Object.keys(ls).sort().map((k) => `${k}=${JSON.stringify(ls[k])}`).join(' ');
}

function filterQuery(args: readonly string[]): string {
  const q = new URLSearchParams();
  for (const a of args) {
    parseMatcher(a);
    q.append('filter', a);
  }
  return q.toString();
}

registerToolCommand({
  path: ['alertmanager', 'history'],
  help: 'Show the alert history of a Watchfire Alertmanager: when alerts fired, resolved, were silenced or inhibited, and who was notified.',
  argsHelp: '[<matchers>...]',
  minArgs: 0,
  flags: [
    URL_FLAG, TIMEOUT, OUTPUT,
    { name: 'start', kind: 'string', default: '', help: 'Only events at or after this time (RFC 3339 or Unix seconds).' },
    { name: 'end', kind: 'string', default: '', help: 'Only events at or before this time (RFC 3339 or Unix seconds).' },
    { name: 'kind', kind: 'strings', help: 'Only events of these kinds: firing, resolved, silenced, unsilenced, inhibited, uninhibited, notified, notify_failed.' },
    { name: 'fingerprint', kind: 'string', default: '', help: 'Only events of the alert with this fingerprint.' },
    { name: 'limit', kind: 'int', default: '0', help: 'At most this many (the most recent) events; 0 for all.' },
  ],
  run(flags, args, io) {
    return run(io, async () => {
      const q = new URLSearchParams(filterQuery(args));
      for (const k of ['start', 'end', 'fingerprint']) if (flagString(flags, k) !== '') q.set(k, flagString(flags, k));
      for (const k of flags.get('kind') as string[]) q.append('kind', k);
      const limit = Number(flags.get('limit'));
      if (limit > 0) q.set('limit', String(limit));
      const events = await amGet(base(flags), `/api/v2/history?${q.toString()}`, Number(flags.get('timeout'))) as Record<string, unknown>[];
      if (flags.get('output') === 'json') { io.out(JSON.stringify(events) + '\n'); return; }
      const rows = [['Time', 'Event', 'Alert', 'Details']];
      for (const e of events) {
        let details = '';
        if (Array.isArray(e['by'])) details = `by ${(e['by'] as string[]).join(',')}`;
        if (typeof e['receiver'] === 'string') details = `${e['receiver']}/${String(e['integration'])} (${String(e['status'])})`;
        if (typeof e['error'] === 'string') details += `: ${e['error']}`;
        rows.push([String(e['at']), String(e['kind']), labelsText(e['labels'] as Record<string, string>), details]);
      }
      io.out(table(rows));
    });
  },
});

registerToolCommand({
  path: ['alertmanager', 'alert', 'query'],
  help: 'View and search through current alerts (as amtool alert query).',
  argsHelp: '[<matchers>...]',
  minArgs: 0,
  flags: [
    URL_FLAG, TIMEOUT, OUTPUT,
    { name: 'active', short: 'a', kind: 'bool', help: 'Show active alerts' },
    { name: 'silenced', short: 's', kind: 'bool', help: 'Show silenced alerts' },
    { name: 'inhibited', short: 'i', kind: 'bool', help: 'Show inhibited alerts' },
    { name: 'unprocessed', short: 'u', kind: 'bool', help: 'Show unprocessed alerts' },
    { name: 'receiver', short: 'r', kind: 'string', default: '', help: 'Show alerts that match receiver' },
  ],
  run(flags, args, io) {
    return run(io, async () => {
      const q = new URLSearchParams(filterQuery(args));
      const any = ['active', 'silenced', 'inhibited', 'unprocessed'].some((k) => flags.get(k) === true);
      // amtool's default: only active alerts.
      q.set('active', String(!any || flags.get('active') === true));
      for (const k of ['silenced', 'inhibited', 'unprocessed']) q.set(k, String(flags.get(k) === true));
      if (flagString(flags, 'receiver') !== '') q.set('receiver', flagString(flags, 'receiver'));
      const alerts = await amGet(base(flags), `/api/v2/alerts?${q.toString()}`, Number(flags.get('timeout'))) as Record<string, unknown>[];
      if (flags.get('output') === 'json') { io.out(JSON.stringify(alerts) + '\n'); return; }
      const rows = [['Alertname', 'Starts At', 'Summary', 'State']];
      for (const a of alerts) {
        const ls = a['labels'] as Record<string, string>;
        const an = a['annotations'] as Record<string, string>;
        rows.push([ls['alertname'] ?? '', a['startsAt'] as string, an['summary'] ?? '', (a['status'] as { state: string }).state]);
      }
      io.out(table(rows));
    });
  },
});

registerToolCommand({
  path: ['alertmanager', 'alert', 'add'],
  help: 'Add a new alert (as amtool alert add).',
  argsHelp: '<labels>...',
  minArgs: 1,
  flags: [
    URL_FLAG, TIMEOUT,
    { name: 'annotation', kind: 'strings', help: 'Annotations to add (name=value), repeatable' },
    { name: 'start', kind: 'string', default: '', help: 'Set when the alert should start. RFC3339 format 2006-01-02T15:04:05-07:00' },
    { name: 'end', kind: 'string', default: '', help: 'Set when the alert should end. RFC3339 format 2006-01-02T15:04:05-07:00' },
    { name: 'generator-url', kind: 'string', default: '', help: 'Set the URL of the source that generated the alert' },
  ],
  run(flags, args, io) {
    return run(io, async () => {
      const labels = parseLabelArgs(args);
      const annotations = parseLabelArgs(flags.get('annotation') as string[]);
      const a: Record<string, unknown> = { labels, annotations };
      if (flagString(flags, 'start') !== '') a['startsAt'] = flagString(flags, 'start');
      if (flagString(flags, 'end') !== '') a['endsAt'] = flagString(flags, 'end');
      if (flagString(flags, 'generator-url') !== '') a['generatorURL'] = flagString(flags, 'generator-url');
      await send(flags, 'POST', '/api/v2/alerts', [a]);
    });
  },
});

registerToolCommand({
  path: ['alertmanager', 'silence', 'add'],
  help: 'Add a new silence; prints its ID (as amtool silence add).',
  argsHelp: '<matchers>...',
  minArgs: 1,
  flags: [
    URL_FLAG, TIMEOUT,
    { name: 'author', short: 'a', kind: 'string', default: process.env['USER'] ?? '', help: 'Username for CreatedBy field' },
    { name: 'duration', short: 'd', kind: 'string', default: '1h', help: 'Duration of silence' },
    { name: 'comment', short: 'c', kind: 'string', default: '', help: 'A comment to help describe the silence' },
  ],
  run(flags, args, io) {
    return run(io, async () => {
      const matchers = args.map((a) => parseMatcher(a)).map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual }));
      const now = Date.now();
      const body = {
        matchers, startsAt: new Date(now).toISOString(), endsAt: new Date(now + parseDuration(flagString(flags, 'duration'))).toISOString(),
        createdBy: flagString(flags, 'author'), comment: flagString(flags, 'comment'),
      };
      const r = JSON.parse(await send(flags, 'POST', '/api/v2/silences', body)) as { silenceID: string };
      io.out(r.silenceID + '\n');
    });
  },
});

registerToolCommand({
  path: ['alertmanager', 'silence', 'query'],
  help: 'Query silences (as amtool silence query).',
  argsHelp: '[<matchers>...]',
  minArgs: 0,
  flags: [URL_FLAG, TIMEOUT, OUTPUT, { name: 'expired', kind: 'bool', help: 'Show expired silences instead of active' }, { name: 'quiet', short: 'q', kind: 'bool', help: 'Only show silence ids' }],
  run(flags, args, io) {
    return run(io, async () => {
      const sils = (await amGet(base(flags), `/api/v2/silences?${filterQuery(args)}`, Number(flags.get('timeout'))) as Record<string, unknown>[])
        .filter((s) => ((s['status'] as { state: string }).state === 'expired') === (flags.get('expired') === true));
      if (flags.get('output') === 'json') { io.out(JSON.stringify(sils) + '\n'); return; }
      if (flags.get('quiet') === true) { io.out(sils.map((s) => String(s['id']) + '\n').join('')); return; }
      const rows = [['ID', 'Matchers', 'Ends At', 'Created By', 'Comment']];
      for (const s of sils) {
        const ms = (s['matchers'] as { name: string; value: string; isRegex: boolean; isEqual?: boolean }[])
          .map((m) => `${m.name}${m.isEqual === false ? '!' : '='}${m.isRegex ? '~' : ''}${JSON.stringify(m.value)}`).join(' ');
        rows.push([String(s['id']), ms, String(s['endsAt']), String(s['createdBy']), String(s['comment'])]);
      }
      io.out(table(rows));
    });
  },
});

registerToolCommand({
  path: ['alertmanager', 'silence', 'expire'],
  help: 'Expire silences by ID (as amtool silence expire).',
  argsHelp: '<silence-ids>...',
  minArgs: 1,
  flags: [URL_FLAG, TIMEOUT],
  run(flags, args, io) {
    return run(io, async () => {
      for (const id of args) await send(flags, 'DELETE', `/api/v2/silence/${encodeURIComponent(id)}`);
    });
  },
});
