/**
 * The `alerting` section: alert relabeling and the Alertmanagers to send to (discovered like
 * scrape targets, with their own HTTP client and relabeling), as Prometheus reads them.
 */
import { asMillis } from '../model/index.js';
import { inlineHTTPClient, validateHTTPClient } from './http-client.js';
import { relabelList, validateRelabelConfig } from './relabel.js';
import { sigV4 } from './remote.js';
import { duration, enumOf, string } from './scalars.js';
import { list, ptr, resetting, struct } from './schema.js';
import type { DecodeContext, Kind } from './schema.js';
import { checkStaticTargets } from './scrape.js';
import { sdExtraKeys, sdFields } from './sd/registry.js';
import type { AlertingConfig, AlertmanagerAPIVersion, AlertmanagerConfig, NameValidationScheme } from './types.js';

const apiVersion = enumOf<AlertmanagerAPIVersion>('config.AlertmanagerAPIVersion', ['v2'],
  (v) => `expected Alertmanager api version to be one of [v2] but got ${v}`);

export const alertmanagerConfig = resetting(struct<AlertmanagerConfig>('config.AlertmanagerConfig', {
  ...sdFields,
  http_client: inlineHTTPClient,
  sigv4: { kind: ptr(sigV4), omitempty: true },
  scheme: { kind: string as Kind<'http' | 'https'>, default: () => 'http', omitempty: true },
  path_prefix: { kind: string, omitempty: true },
  timeout: { kind: duration, default: () => asMillis(10_000), omitempty: true },
  api_version: { kind: apiVersion, default: () => 'v2' },
  relabel_configs: { kind: relabelList('empty or null Alertmanager target relabeling rule'), omitempty: true },
  alert_relabel_configs: { kind: relabelList('empty or null Alertmanager alert relabeling rule'), omitempty: true },
}, {
  extra: sdExtraKeys<AlertmanagerConfig>(),
  validate(c, d) {
    validateHTTPClient(c.http_client, d);
    const h = c.http_client;
    if ((h.basic_auth !== null || h.authorization !== null || h.oauth2 !== null) && c.sigv4 !== null) {
      d.fail(c, 'at most one of basic_auth, authorization, oauth2, & sigv4 must be configured');
    }
    if (c.relabel_configs.length === 0) {
      const e = checkStaticTargets(c);
      if (e !== null) d.fail(c, e, 'static_configs');
    }
    if (c.scheme !== 'http' && c.scheme !== 'https') d.fail(c, `scheme must be "http" or "https", got ${JSON.stringify(c.scheme)}`, 'scheme');
  },
}));

export const alertingConfig = resetting(struct<AlertingConfig>('config.AlertingConfig', {
  alert_relabel_configs: { kind: relabelList('empty or null alert relabeling rule'), omitempty: true },
  alertmanagers: { kind: list(alertmanagerConfig, { nullItem: 'empty or null alertmanager config section' }), omitempty: true },
}));

/** Relabel checks that need the global name validation scheme. */
export function validateAlerting(a: AlertingConfig, scheme: NameValidationScheme, d: DecodeContext): void {
  for (const rc of a.alert_relabel_configs) validateRelabelConfig(rc, scheme, d);
  for (const am of a.alertmanagers) {
    for (const rc of am.alert_relabel_configs) validateRelabelConfig(rc, scheme, d);
    for (const rc of am.relabel_configs) validateRelabelConfig(rc, scheme, d);
  }
}
