/**
 * kubeconfig files (`kubeconfig_file`): the current context's cluster and user, turned into
 * an API server URL and an HTTP client config, as client-go's loader reads the file:
 *
 * - cluster: `server`, `certificate-authority` / `certificate-authority-data`,
 *   `insecure-skip-tls-verify`, `tls-server-name`, `proxy-url`;
 * - user: `token` / `tokenFile` (bearer), `client-certificate[-data]` + `client-key[-data]`,
 *   `username` + `password` (basic auth). `exec` and `auth-provider` plugins run programs or
 *   talk to cloud providers; they are not supported and say so.
 *
 * Relative file paths in the kubeconfig are relative to the kubeconfig's directory; `*-data`
 * fields are base64 and win over their file twins, as in client-go.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import type { HTTPClientConfig, Secret } from '../../config/types.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';

export interface RestConfig {
  /** The API server's base URL. */
  server: string;
  http: HTTPClientConfig;
}

type YAMLMap = Record<string, unknown>;

function asMap(v: unknown): YAMLMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as YAMLMap : {};
}

function asString(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** The `<kind>` entry named `name` in a kubeconfig list (`clusters`, `users`, `contexts`). */
function named(doc: YAMLMap, list: string, kind: string, name: string): YAMLMap | undefined {
  const items = doc[list];
  if (!Array.isArray(items)) return undefined;
  for (const it of items) {
    const m = asMap(it);
    if (asString(m['name']) === name) return asMap(m[kind]);
  }
  return undefined;
}

/** Reads and resolves a kubeconfig file. Throws with client-go-like wording when it cannot be used. */
export function loadKubeconfig(path: string): RestConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`reading kubeconfig ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new Error(`parsing kubeconfig ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return resolveKubeconfig(asMap(doc), dirname(path));
}

/** Resolves a parsed kubeconfig; `baseDir` anchors its relative paths. */
export function resolveKubeconfig(doc: YAMLMap, baseDir: string): RestConfig {
  const ctxName = asString(doc['current-context']);
  if (ctxName === '') throw new Error('invalid configuration: no configuration has been provided');
  const ctx = named(doc, 'contexts', 'context', ctxName);
  if (ctx === undefined) throw new Error(`invalid configuration: context was not found for specified context: ${ctxName}`);
  const clusterName = asString(ctx['cluster']);
  const cluster = named(doc, 'clusters', 'cluster', clusterName);
  if (cluster === undefined) throw new Error(`invalid configuration: cluster ${JSON.stringify(clusterName)} not found for context ${JSON.stringify(ctxName)}`);
  const userName = asString(ctx['user']);
  const user = userName !== '' ? named(doc, 'users', 'user', userName) ?? {} : {};

  let server = asString(cluster['server']).trim();
  if (server === '') throw new Error(`invalid configuration: no server found for cluster ${JSON.stringify(clusterName)}`);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(server)) server = `https://${server}`;

  const path = (p: string): string => p === '' || isAbsolute(p) ? p : join(baseDir, p);
  // Node's base64 decoder skips characters outside the alphabet, as lenient as we need.
  const data = (v: unknown): string => {
    const s = asString(v);
    return s === '' ? '' : Buffer.from(s, 'base64').toString('utf8');
  };
  const http = defaultHTTPClientConfig();
  const tls = http.tls_config;
  tls.ca = data(cluster['certificate-authority-data']);
  if (tls.ca === '') tls.ca_file = path(asString(cluster['certificate-authority']));
  tls.insecure_skip_verify = cluster['insecure-skip-tls-verify'] === true;
  tls.server_name = asString(cluster['tls-server-name']);
  http.proxy_url = asString(cluster['proxy-url']);

  if (user['exec'] !== undefined && user['exec'] !== null) throw new Error(`kubeconfig user ${JSON.stringify(userName)}: exec credential plugins are not supported`);
  if (user['auth-provider'] !== undefined && user['auth-provider'] !== null) {
    throw new Error(`kubeconfig user ${JSON.stringify(userName)}: auth-provider plugins are not supported`);
  }
  tls.cert = data(user['client-certificate-data']);
  if (tls.cert === '') tls.cert_file = path(asString(user['client-certificate']));
  const key = data(user['client-key-data']);
  tls.key = key as Secret | '';
  if (key === '') tls.key_file = path(asString(user['client-key']));

  const token = asString(user['token']);
  const tokenFile = path(asString(user['tokenFile']));
  const username = asString(user['username']);
  const password = asString(user['password']);
  if ((token !== '' || tokenFile !== '') && (username !== '' || password !== '')) {
    throw new Error('invalid configuration: username/password or bearer token may be set, but not both');
  }
  if (token !== '') http.authorization = { type: 'Bearer', credentials: token as Secret, credentials_file: '', credentials_ref: '' };
  else if (tokenFile !== '') http.authorization = { type: 'Bearer', credentials: '', credentials_file: tokenFile, credentials_ref: '' };
  else if (username !== '' || password !== '') {
    http.basic_auth = { username, username_file: '', username_ref: '', password: password as Secret | '', password_file: '', password_ref: '' };
  }
  return { server, http };
}

