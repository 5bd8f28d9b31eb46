/**
 * Watchfire's API extensions for checking a configuration without waiting for real alerts:
 *
 * - `POST /api/v2/receivers/{name}/test` — body (optional) `{"alerts": [postable alerts]}`;
 *   sends one notification through every integration of the receiver of the running
 *   configuration (with the service's external URL, no retries) and answers 200 with
 *   `[{"integration":"webhook[0]","ok":true} | {"integration",..."ok":false,"error","retryable"}]`;
 *   404 for an unknown receiver.
 * - `POST /api/v2/templates/render` — body `{"text": "...", "type": "text"|"html",
 *   "alerts": [...], "receiver": "..."}`; renders the text with the running configuration's
 *   template files against the alerts' notification data (amtool's sample data without
 *   alerts) and answers 200 `{"output": "..."}`; a template error answers 400 with its text.
 *
 * Both read bodies as JSON whatever the content type (curl's `-d` sends a form type), limited
 * to MAX_BODY; a bad body answers 400 with the reason as a JSON string, like other
 * application errors of API v2.
 */
import { readBodyLimited, type RequestContext, type Router } from '../../web/index.js';
import { dataForAlerts, parseAlerts, renderTemplate, sendTestNotification } from '../receivers/index.js';
import type { Alert } from '../store/index.js';
import type { TemplateData } from '../template/index.js';
import type { AlertmanagerAPIDeps } from './deps.js';
import { goJSON, sendErrorString, sendModel } from './respond.js';

/** Bodies of these routes are small: a template and a few alerts. */
export const MAX_EXTENSION_BODY = 1 << 20;
/** Bound on a whole test-send (every integration in parallel). */
const TEST_TIMEOUT_MS = 30_000;
const DEFAULT_EXTERNAL_URL = 'http://localhost:9093';

/** The JSON object of a request body ({} when empty); null when answered with an error. */
async function readObject(c: RequestContext): Promise<Record<string, unknown> | null> {
  const b = await readBodyLimited(c.req, MAX_EXTENSION_BODY);
  if (b === null) {
    sendErrorString(c.res, 413, `request body too large (limit ${MAX_EXTENSION_BODY} bytes)`);
    return null;
  }
  const text = b.toString('utf8');
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    sendErrorString(c.res, 400, `parsing request body: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    sendErrorString(c.res, 400, 'parsing request body: expected a JSON object');
    return null;
  }
  return v as Record<string, unknown>;
}

/** The body's `alerts` (undefined when absent); null when answered with 400. */
function alertsField(c: RequestContext, body: Record<string, unknown>, now: number): Alert[] | undefined | null {
  const v = body['alerts'];
  if (v === undefined || v === null) return undefined;
  try {
    return parseAlerts(v, now);
  } catch (e) {
    sendErrorString(c.res, 400, `invalid alerts: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

/** An optional string field; null when answered with 400. */
function stringField(c: RequestContext, body: Record<string, unknown>, name: string, def: string): string | null {
  const v = body[name];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'string') {
    sendErrorString(c.res, 400, `invalid ${name}: expected a string`);
    return null;
  }
  return v;
}

/** Registers the test-send and template preview routes. */
export function registerExtensionsAPI(r: Router, d: AlertmanagerAPIDeps): void {
  r.post('/api/v2/receivers/:name/test', async (c) => {
    const name = c.params['name'] ?? '';
    // The configuration of the moment the request came in, even if a reload lands meanwhile.
    const config = d.active.loaded.config;
    const body = await readObject(c);
    if (body === null) return;
    const now = d.now();
    const alerts = alertsField(c, body, now);
    if (alerts === null) return;
    if (alerts !== undefined && alerts.length === 0) {
      sendErrorString(c.res, 400, 'invalid alerts: at least one alert required');
      return;
    }
    if (!config.receivers.some((x) => x.name === name)) {
      sendErrorString(c.res, 404, `receiver ${JSON.stringify(name)} not found`);
      return;
    }
    let results;
    try {
      results = await sendTestNotification(config, name, {
        externalURL: d.externalURL ?? DEFAULT_EXTERNAL_URL, timeoutMs: TEST_TIMEOUT_MS, signal: c.signal, now,
        ...(alerts !== undefined ? { alerts } : {}),
      });
    } catch (e) {
      // Only the template files can fail here (they are read anew, as on a reload).
      sendErrorString(c.res, 500, `sending test notification: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    sendModel(c.res, goJSON(results));
  });

  r.post('/api/v2/templates/render', async (c) => {
    const config = d.active.loaded.config;
    const body = await readObject(c);
    if (body === null) return;
    const text = stringField(c, body, 'text', '');
    if (text === null) return;
    if (text === '') {
      sendErrorString(c.res, 400, 'text in body is required');
      return;
    }
    const type = stringField(c, body, 'type', 'text');
    if (type === null) return;
    if (type !== 'text' && type !== 'html') {
      sendErrorString(c.res, 400, `invalid type ${JSON.stringify(type)}: one of text, html`);
      return;
    }
    const receiver = stringField(c, body, 'receiver', 'receiver');
    if (receiver === null) return;
    const now = d.now();
    const alerts = alertsField(c, body, now);
    if (alerts === null) return;
    const data: TemplateData | undefined = alerts === undefined ? undefined : dataForAlerts(receiver, alerts, d.externalURL ?? DEFAULT_EXTERNAL_URL, now);
    let output: string;
    try {
      output = renderTemplate({ text, globs: config.templates, type, ...(data !== undefined ? { data } : {}) });
    } catch (e) {
      sendErrorString(c.res, 400, e instanceof Error ? e.message : String(e));
      return;
    }
    sendModel(c.res, goJSON({ output }));
  });
}
