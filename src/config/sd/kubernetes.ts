/**
 * `kubernetes_sd_configs`: roles, API server vs kubeconfig vs in-cluster, namespaces,
 * selectors (checked for their syntax and for the roles each role allows), attach_metadata;
 * with Prometheus's rules and error texts.
 */
import { inlineHTTPClient, isCustomHTTPClient, validateHTTPClient } from '../http-client.js';
import { bool, enumOf, file, string, url } from '../scalars.js';
import { list, resetting, struct } from '../schema.js';
import type { DecodeContext, Kind } from '../schema.js';
import type { KubernetesRole, KubernetesSDConfig } from '../sd-types.js';

const ROLES: readonly KubernetesRole[] = ['node', 'pod', 'service', 'endpoints', 'endpointslice', 'ingress'];
const role = enumOf<KubernetesRole | ''>('kubernetes.Role', ROLES, (s) => `unknown Kubernetes SD role ${JSON.stringify(s)}`);

const selector = struct<KubernetesSDConfig['selectors'][number]>('kubernetes.SelectorConfig', {
  role: { kind: role, omitempty: true },
  label: { kind: string, omitempty: true },
  field: { kind: string, omitempty: true },
});

const namespaces = resetting(struct<KubernetesSDConfig['namespaces']>('kubernetes.NamespaceDiscovery', {
  own_namespace: { kind: bool },
  names: { kind: list(string) },
}));

const attachMetadata = struct<KubernetesSDConfig['attach_metadata']>('kubernetes.AttachMetadataConfig', {
  node: { kind: bool },
  namespace: { kind: bool },
  deployment: { kind: bool },
  job: { kind: bool },
  cronjob: { kind: bool },
});

const ALLOWED_SELECTORS: Record<KubernetesRole, KubernetesRole[]> = {
  pod: ['pod', 'node'],
  service: ['service'],
  endpointslice: ['pod', 'service', 'endpointslice'],
  endpoints: ['pod', 'service', 'endpoints'],
  node: ['node'],
  ingress: ['ingress'],
};

export const kubernetesSD = struct<KubernetesSDConfig>('kubernetes.SDConfig', {
  api_server: { kind: url, omitempty: true },
  role: { kind: role as Kind<KubernetesRole> },
  kubeconfig_file: { kind: file },
  http_client: inlineHTTPClient,
  namespaces: { kind: namespaces, omitempty: true },
  selectors: { kind: list(selector), omitempty: true },
  attach_metadata: { kind: attachMetadata, omitempty: true },
}, { validate: validateKubernetes });

function validateKubernetes(c: KubernetesSDConfig, d: DecodeContext): void {
  if ((c.role as string) === '') d.fail(c, 'role missing (one of: pod, service, endpoints, endpointslice, node, ingress)');
  validateHTTPClient(c.http_client, d);
  if (c.api_server !== '' && c.kubeconfig_file !== '') d.fail(c, "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
  if (c.kubeconfig_file !== '' && isCustomHTTPClient(c.http_client)) {
    d.fail(c, "cannot use a custom HTTP client configuration together with 'kubeconfig_file'");
  }
  if (c.api_server === '' && isCustomHTTPClient(c.http_client)) {
    d.fail(c, "to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
  }
  if (c.api_server !== '' && c.namespaces.own_namespace) d.fail(c, "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
  if (c.kubeconfig_file !== '' && c.namespaces.own_namespace) d.fail(c, "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously");
  const seen = new Set<string>();
  for (const s of c.selectors) {
    if (seen.has(s.role)) d.fail(c, `duplicated selector role: ${s.role}`, 'selectors');
    seen.add(s.role);
    const allowed = ALLOWED_SELECTORS[c.role];
    if (!allowed.includes(s.role as KubernetesRole)) d.fail(c, `${c.role} role supports only ${allowed.join(', ')} selectors`, 'selectors');
    const fe = checkFieldSelector(s.field);
    if (fe !== null) d.fail(c, fe, 'selectors');
    const le = checkLabelSelector(s.label);
    if (le !== null) d.fail(c, le, 'selectors');
  }
}

/** Splits on commas not escaped with a backslash. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) { cur += c + s[i + 1]!; i++; continue; }
    if (c === ',') { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** Kubernetes field selector syntax: `key=value`, `key==value`, `key!=value`, comma-separated. */
export function checkFieldSelector(sel: string): string | null {
  if (sel.trim() === '') return null;
  for (const part of splitTerms(sel)) {
    if (part === '') continue;
    if (!part.includes('!=') && !part.includes('=')) return `invalid selector: '${sel}'; can't understand '${part}'`;
  }
  return null;
}

const QUALIFIED = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kubernetes label selector syntax (equality, set-based and existence requirements). */
export function checkLabelSelector(sel: string): string | null {
  if (sel.trim() === '') return null;
  // Commas inside parentheses belong to set values, not to the requirement list.
  const terms: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of sel) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) { terms.push(cur); cur = ''; continue; }
    cur += c;
  }
  terms.push(cur);
  for (const raw of terms) {
    const t = raw.trim();
    const bad = `unable to parse requirement: found '${t}', expected: identifier`;
    if (t === '') return bad;
    let m = /^!\s*(\S+)$/.exec(t);
    if (m !== null) { if (!QUALIFIED.test(m[1]!)) return bad; continue; }
    m = /^(\S+?)\s*(==|!=|=|>|<)\s*(\S*)$/.exec(t);
    if (m !== null) {
      if (!QUALIFIED.test(m[1]!)) return bad;
      if ((m[2] === '>' || m[2] === '<') && !/^-?\d+$/.test(m[3]!)) return `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`;
      if (!LABEL_VALUE.test(m[3]!)) return `unable to parse requirement: invalid label value: ${JSON.stringify(m[3])}`;
      continue;
    }
    m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(t);
    if (m !== null) {
      if (!QUALIFIED.test(m[1]!)) return bad;
      for (const v of m[3]!.split(',')) if (!LABEL_VALUE.test(v.trim())) return `unable to parse requirement: invalid label value: ${JSON.stringify(v.trim())}`;
      continue;
    }
    if (QUALIFIED.test(t)) continue;
    return bad;
  }
  return null;
}
