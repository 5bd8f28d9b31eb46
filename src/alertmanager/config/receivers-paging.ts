/**
 * Schemas of the paging integrations: PagerDuty, OpsGenie, VictorOps and Pushover, with
 * Alertmanager's defaults and checks.
 */
import { bool, string } from '../../config/scalars.js';
import { dict, list, ptr, struct } from '../../config/schema.js';
import { amHTTPClient, amSecret, amURL, goDuration, type Kind } from './kinds.js';
import { DecodeError } from '../../config/errors.js';
import type {
  OpsGenieConfig, OpsGenieResponder, PagerdutyConfig, PagerdutyImage, PagerdutyLink, PushoverConfig, VictorOpsConfig,
} from './receivers-types.js';

const s = { kind: string, omitempty: true } as const;
const str = (def: string) => ({ kind: string, omitempty: true, default: () => def });
const http = { kind: ptr(amHTTPClient), omitempty: true } as const;
const tpl = (name: string): string => `{{ template "${name}" . }}`;

const DEFAULT_PAGERDUTY_DETAILS: Readonly<Record<string, string>> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};

const pagerdutyLink = struct<PagerdutyLink>('config.PagerdutyLink', { href: s, text: s });
const pagerdutyImage = struct<PagerdutyImage>('config.PagerdutyImage', { src: s, alt: s, href: s });

export const pagerdutyConfig = struct<PagerdutyConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: http,
  service_key: { kind: amSecret, omitempty: true },
  service_key_file: s,
  routing_key: { kind: amSecret, omitempty: true },
  routing_key_file: s,
  url: { kind: amURL, omitempty: true },
  client: str(tpl('pagerduty.default.client')),
  client_url: str(tpl('pagerduty.default.clientURL')),
  description: str('{{ template "pagerduty.default.description" .}}'),
  details: { kind: dict(string), omitempty: true },
  images: { kind: list(pagerdutyImage), omitempty: true },
  links: { kind: list(pagerdutyLink), omitempty: true },
  source: s,
  severity: s,
  class: s,
  component: s,
  group: s,
}, {
  validate(c, d) {
    if (c.routing_key === '' && c.service_key === '' && c.routing_key_file === '' && c.service_key_file === '') {
      d.fail(c, 'missing service or routing key in PagerDuty config');
    }
    if (c.routing_key !== '' && c.routing_key_file !== '') d.fail(c, 'at most one of routing_key & routing_key_file must be configured');
    if (c.service_key !== '' && c.service_key_file !== '') d.fail(c, 'at most one of service_key & service_key_file must be configured');
    if (c.source === '') c.source = c.client;
    for (const [k, v] of Object.entries(DEFAULT_PAGERDUTY_DETAILS)) if (!(k in c.details)) c.details[k] = v;
  },
});

const RESPONDER_TYPES = /^(team|teams|user|escalation|schedule)$/;

const responder = struct<OpsGenieResponder>('config.OpsGenieConfigResponder', { id: s, name: s, username: s, type: s });

function responderString(r: OpsGenieResponder): string {
  return `{${r.id} ${r.name} ${r.username} ${r.type}}`;
}

export const opsgenieConfig = struct<OpsGenieConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: http,
  api_key: { kind: amSecret, omitempty: true },
  api_key_file: s,
  api_url: { kind: amURL, omitempty: true },
  message: str(tpl('opsgenie.default.message')),
  description: str(tpl('opsgenie.default.description')),
  source: str(tpl('opsgenie.default.source')),
  details: { kind: dict(string), omitempty: true },
  entity: s,
  responders: { kind: list(responder), omitempty: true },
  actions: s,
  tags: s,
  note: s,
  priority: s,
  update_alerts: { kind: bool, omitempty: true },
}, {
  validate(c, d) {
    if (c.api_key !== '' && c.api_key_file !== '') d.fail(c, 'at most one of api_key & api_key_file must be configured');
    for (const r of c.responders) {
      if (r.id === '' && r.username === '' && r.name === '') {
        d.fail(c, `opsGenieConfig responder ${responderString(r)} has to have at least one of id, username or name specified`, 'responders');
      }
      if (!r.type.includes('{{')) {
        r.type = r.type.toLowerCase();
        if (!RESPONDER_TYPES.test(r.type)) {
          d.fail(c, `opsGenieConfig responder ${responderString(r)} type does not match valid options ^(team|teams|user|escalation|schedule)$`, 'responders');
        }
      }
    }
  },
});

const VICTOROPS_RESERVED = ['routing_key', 'message_type', 'state_message', 'entity_display_name', 'monitoring_tool', 'entity_id', 'entity_state'];

export const victoropsConfig = struct<VictorOpsConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: http,
  api_key: { kind: amSecret, omitempty: true },
  api_key_file: s,
  api_url: { kind: amURL },
  routing_key: { kind: string },
  message_type: { kind: string, default: () => 'CRITICAL' },
  state_message: { kind: string, default: () => tpl('victorops.default.state_message') },
  entity_display_name: { kind: string, default: () => tpl('victorops.default.entity_display_name') },
  monitoring_tool: { kind: string, default: () => tpl('victorops.default.monitoring_tool') },
  custom_fields: { kind: dict(string), omitempty: true },
}, {
  validate(c, d) {
    if (c.routing_key === '') d.fail(c, 'missing Routing key in VictorOps config');
    if (c.api_key !== '' && c.api_key_file !== '') d.fail(c, 'at most one of api_key & api_key_file must be configured');
    for (const f of VICTOROPS_RESERVED) {
      if (f in c.custom_fields) d.fail(c, `victorOps config contains custom field ${f} which cannot be used as it conflicts with the fixed/static fields`);
    }
  },
});

/** Pushover's durations are Go time.Durations written as text (`1m`, `30s`). */
const textDuration: Kind<number> = {
  ...goDuration,
  decode(n, d, path) {
    if (n.kind !== 'scalar') throw new DecodeError(n.line, path, 'cannot unmarshal into duration');
    return goDuration.decode({ ...n, tag: 'str' }, d, path, 0);
  },
};

export const pushoverConfig = struct<PushoverConfig>('config.plain', {
  send_resolved: { kind: bool, default: () => true },
  http_config: http,
  user_key: { kind: amSecret, omitempty: true },
  user_key_file: s,
  token: { kind: amSecret, omitempty: true },
  token_file: s,
  title: str(tpl('pushover.default.title')),
  message: str(tpl('pushover.default.message')),
  url: str(tpl('pushover.default.url')),
  url_title: s,
  device: s,
  sound: s,
  priority: str('{{ if eq .Status "firing" }}2{{ else }}0{{ end }}'),
  retry: { kind: textDuration, omitempty: true, default: () => 60_000 },
  expire: { kind: textDuration, omitempty: true, default: () => 3_600_000 },
  ttl: { kind: textDuration, omitempty: true },
  html: { kind: bool },
}, {
  validate(c, d) {
    if (c.user_key === '' && c.user_key_file === '') d.fail(c, 'one of user_key or user_key_file must be configured');
    if (c.user_key !== '' && c.user_key_file !== '') d.fail(c, 'at most one of user_key & user_key_file must be configured');
    if (c.token === '' && c.token_file === '') d.fail(c, 'one of token or token_file must be configured');
    if (c.token !== '' && c.token_file !== '') d.fail(c, 'at most one of token & token_file must be configured');
  },
});
