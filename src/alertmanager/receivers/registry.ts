/**
 * Registers the integrations with the notification pipeline (`registerIntegration`) and the
 * template check with the configuration loader. The integrations of one configuration share
 * one template set, built from its template files when the first integration is made.
 */
import { readFileSync } from 'node:fs';
import { setTemplateChecker } from '../config/index.js';
import type { IntegrationKind } from '../config/index.js';
import { type IntegrationDeps, type Notifier, registerIntegration } from '../notify/index.js';
import { NotificationTemplate, checkTemplateFiles } from '../template/index.js';
import { DiscordNotifier } from './discord.js';
import { EmailNotifier } from './email.js';
import { MSTeamsNotifier, MSTeamsV2Notifier } from './msteams.js';
import { OpsgenieNotifier } from './opsgenie.js';
import { PagerdutyNotifier } from './pagerduty.js';
import { SlackNotifier } from './slack.js';
import { TelegramNotifier } from './telegram.js';
import { WebhookNotifier } from './webhook.js';
import type { NotifierDeps } from './common.js';

/** The kinds this build sends to. */
export const IMPLEMENTED_KINDS: readonly IntegrationKind[] = ['webhook', 'email', 'pagerduty', 'slack', 'opsgenie', 'telegram', 'discord', 'msteams', 'msteamsv2'];

const templates = new WeakMap<readonly string[], NotificationTemplate | Error>();

/** The template set of a configuration's template files (read once per file list). */
export function templateFor(files: readonly string[]): NotificationTemplate {
  const cached = templates.get(files);
  if (cached instanceof NotificationTemplate) return cached;
  if (cached instanceof Error) throw cached;
  try {
    const t = new NotificationTemplate(files.map((path) => ({ path, text: readFileSync(path, 'utf8') })));
    templates.set(files, t);
    return t;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    templates.set(files, err);
    throw err;
  }
}

/** A notifier that fails for good with the reason it could not be built. */
class Broken implements Notifier {
  constructor(private readonly err: Error) {}
  notify(): Promise<{ retry: boolean; error: Error }> {
    return Promise.resolve({ retry: false, error: this.err });
  }
}

function deps(d: IntegrationDeps): NotifierDeps | Error {
  try {
    return { template: templateFor(d.templateFiles) };
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function guarded(make: (nd: NotifierDeps) => Notifier, d: IntegrationDeps): Notifier {
  const nd = deps(d);
  if (nd instanceof Error) return new Broken(nd);
  try {
    return make(nd);
  } catch (e) {
    return new Broken(e instanceof Error ? e : new Error(String(e)));
  }
}

let registered = false;

/** Installs the integrations and the template checker; idempotent. */
export function registerReceivers(): void {
  if (registered) return;
  registered = true;
  setTemplateChecker((files) => checkTemplateFiles(files));
  registerIntegration('webhook', (c, _r, d) => guarded(() => new WebhookNotifier(c), d));
  registerIntegration('slack', (c, _r, d) => guarded((nd) => new SlackNotifier(c, nd), d));
  registerIntegration('pagerduty', (c, _r, d) => guarded((nd) => new PagerdutyNotifier(c, nd, d.logger), d));
  registerIntegration('email', (c, _r, d) => guarded((nd) => new EmailNotifier(c, nd, d.logger), d));
  registerIntegration('opsgenie', (c, _r, d) => guarded((nd) => new OpsgenieNotifier(c, nd), d));
  registerIntegration('telegram', (c, _r, d) => guarded((nd) => new TelegramNotifier(c, nd), d));
  registerIntegration('discord', (c, _r, d) => guarded((nd) => new DiscordNotifier(c, nd), d));
  registerIntegration('msteams', (c, _r, d) => guarded((nd) => new MSTeamsNotifier(c, nd), d));
  registerIntegration('msteamsv2', (c, _r, d) => guarded((nd) => new MSTeamsV2Notifier(c, nd), d));
}
