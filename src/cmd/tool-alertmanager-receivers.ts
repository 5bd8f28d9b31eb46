/**
 * `watchfire tool alertmanager template render` (amtool's command, same flags:
 * `--template.glob`, `--template.text`, `--template.type`, `--template.data`, plus
 * `--alerts` for API-style alerts) and `watchfire tool alertmanager test-receiver`
 * (`--config.file`, `--receiver`, `--alerts`): preview a template, or send a test
 * notification through every integration of a configured receiver and report each outcome.
 */
import { readFileSync } from 'node:fs';
import { registerToolCommand, type ToolIO } from './tool.js';
import { loadAlertmanagerConfigFile } from '../alertmanager/config/index.js';
import {
  dataForAlerts, parseAlerts, parseTemplateData, renderTemplate, sendTestNotification,
} from '../alertmanager/receivers/index.js';
import type { TemplateData } from '../alertmanager/template/index.js';
import { ConfigError } from '../config/index.js';

/** A string flag's value ('' when unset). */
function flagString(flags: ReadonlyMap<string, unknown>, name: string): string {
  const v = flags.get(name);
  return typeof v === 'string' ? v : '';
}

/** An error as amtool prints it: a configuration error's place and reason, else the message. */
function errorText(e: unknown): string {
  if (e instanceof ConfigError) return `${e.line > 0 ? `line ${e.line}: ` : ''}${e.field !== '' ? `${e.field}: ` : ''}${e.reason}`;
  return e instanceof Error ? e.message : String(e);
}

function readJSON(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`reading ${what} ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`parsing ${what} ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function fail(io: ToolIO, e: unknown): number {
  io.err(`watchfire tool: error: ${errorText(e)}\n`);
  return 1;
}

registerToolCommand({
  path: ['alertmanager', 'template', 'render'],
  help: 'Render a given definition in a template file to standard output.',
  argsHelp: '',
  minArgs: 0,
  flags: [
    { name: 'template.glob', kind: 'strings', help: 'Glob of paths that will be expanded and used for rendering.', placeholder: '<TEMPLATE.GLOB>' },
    { name: 'template.text', kind: 'string', help: 'The template that will be rendered.', placeholder: '<TEMPLATE.TEXT>' },
    { name: 'template.type', kind: 'enum', values: ['html', 'text'], default: 'text', help: 'The type of the template. Can be either text (default) or html.' },
    { name: 'template.data', kind: 'string', help: 'Full path to a JSON file with the template data (the webhook payload layout); default: a sample with two alerts.', placeholder: '<TEMPLATE.DATA>' },
    { name: 'alerts', kind: 'string', help: 'Full path to a JSON file of alerts in the API v2 layout, rendered as a receiver named by --receiver would render them.', placeholder: '<FILE>' },
    { name: 'receiver', kind: 'string', default: 'receiver', help: 'Receiver name in the data built from --alerts.' },
    { name: 'external-url', kind: 'string', default: 'http://localhost:9093', help: 'External URL in the data built from --alerts.' },
  ],
  run(flags, _args, io) {
    try {
      const globs = (flags.get('template.glob') as string[] | undefined) ?? [];
      if (globs.length === 0) throw new Error('required flag --template.glob not provided');
      if (flagString(flags, 'template.text') === '') throw new Error('required flag --template.text not provided');
      let data: TemplateData | undefined;
      const dataFile = flagString(flags, 'template.data');
      const alertsFile = flagString(flags, 'alerts');
      if (dataFile !== '') data = parseTemplateData(readJSON(dataFile, 'template data'));
      else if (alertsFile !== '') data = dataForAlerts(flagString(flags, 'receiver'), parseAlerts(readJSON(alertsFile, 'alerts')), flagString(flags, 'external-url'));
      const type = flagString(flags, 'template.type') === 'html' ? 'html' : 'text';
      io.out(renderTemplate({ text: flagString(flags, 'template.text'), globs, type, ...(data !== undefined ? { data } : {}) }));
      return Promise.resolve(0);
    } catch (e) {
      return Promise.resolve(fail(io, e));
    }
  },
});

registerToolCommand({
  path: ['alertmanager', 'test-receiver'],
  help: 'Send a test notification through every integration of a configured receiver.',
  argsHelp: '',
  minArgs: 0,
  flags: [
    { name: 'config.file', kind: 'string', default: 'alertmanager.yml', help: 'Alertmanager configuration file name.', placeholder: '<FILE>' },
    { name: 'receiver', kind: 'string', help: 'Name of the receiver to test.', placeholder: '<NAME>' },
    { name: 'alerts', kind: 'string', help: 'Full path to a JSON file of alerts in the API v2 layout; default: one sample firing alert.', placeholder: '<FILE>' },
    { name: 'external-url', kind: 'string', default: 'http://localhost:9093', help: 'Alertmanager URL used in links of the message.' },
    { name: 'timeout', kind: 'duration', default: '30s', help: 'Timeout for the whole test.' },
  ],
  async run(flags, _args, io) {
    try {
      const name = flagString(flags, 'receiver');
      if (name === '') throw new Error('required flag --receiver not provided');
      const cfg = loadAlertmanagerConfigFile(flagString(flags, 'config.file')).config;
      const alertsFile = flagString(flags, 'alerts');
      const results = await sendTestNotification(cfg, name, {
        externalURL: flagString(flags, 'external-url'),
        timeoutMs: Number(flags.get('timeout') ?? 30_000),
        ...(alertsFile !== '' ? { alerts: parseAlerts(readJSON(alertsFile, 'alerts')) } : {}),
      });
      if (results.length === 0) {
        io.out(`receiver ${JSON.stringify(name)} has no integrations\n`);
        return 0;
      }
      let failed = 0;
      for (const r of results) {
        if (r.ok) io.out(`${r.integration}: OK\n`);
        else {
          failed++;
          io.out(`${r.integration}: FAILED${r.retryable === true ? ' (retryable)' : ''}: ${r.error ?? ''}\n`);
        }
      }
      return failed === 0 ? 0 : 1;
    } catch (e) {
      return fail(io, e);
    }
  },
});
