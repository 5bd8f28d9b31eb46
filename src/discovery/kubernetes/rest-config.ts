/**
 * Where Kubernetes SD finds the API server and how it authenticates, in Prometheus's order:
 *
 * 1. `kubeconfig_file`: the file's current context;
 * 2. no `api_server`: the in-cluster config of a pod: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`,
 *    the service account token (re-read on every request, as client-go refreshes it) and CA
 *    from /var/run/secrets/kubernetes.io/serviceaccount/, and with `namespaces.own_namespace`
 *    the pod's namespace from there;
 * 3. otherwise `api_server` with the config's own HTTP client settings.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesSDConfig } from '../../config/sd-types.js';
import type { Logger } from '../../util/log.js';
import { defaultHTTPClientConfig } from '../../httpclient/index.js';
import { loadKubeconfig, type RestConfig } from './kubeconfig.js';
import { joinHostPort } from './labels.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterEnv {
  /** Environment variables (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where the service account's token, ca.crt and namespace are (default the standard mount). */
  serviceAccountDir?: string;
}

export interface ResolvedRestConfig extends RestConfig {
  /** The pod's own namespace, when `own_namespace` asked for it in-cluster; otherwise "". */
  ownNamespace: string;
}

/** Resolves the config. Throws as Prometheus fails to create the discoverer. */
export function resolveRestConfig(cfg: KubernetesSDConfig, logger: Logger, o: InClusterEnv = {}): ResolvedRestConfig {
  if (cfg.kubeconfig_file !== '') return { ...loadKubeconfig(cfg.kubeconfig_file), ownNamespace: '' };
  if (cfg.api_server !== '') return { server: cfg.api_server, http: cfg.http_client, ownNamespace: '' };
  const env = o.env ?? process.env;
  const dir = o.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '';
  if (host === '' || port === '') {
    throw new Error('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
  }
  const tokenFile = join(dir, 'token');
  try {
    accessSync(tokenFile, constants.R_OK);
  } catch (e) {
    throw new Error(`open ${tokenFile}: ${e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'no such file or directory' : String(e)}`, { cause: e });
  }
  const http = defaultHTTPClientConfig({ bearer_token_file: tokenFile });
  const caFile = join(dir, 'ca.crt');
  if (existsSync(caFile)) http.tls_config.ca_file = caFile;
  else logger.error(`Expected to load root CA config from ${caFile}, but got err: no such file or directory`);
  let ownNamespace = '';
  if (cfg.namespaces.own_namespace) {
    const nsFile = join(dir, 'namespace');
    let ns: string;
    try {
      ns = readFileSync(nsFile, 'utf8');
    } catch (e) {
      throw new Error(`could not determine the pod's namespace: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (ns === '') throw new Error('could not read own namespace name (empty file)');
    ownNamespace = ns;
  }
  logger.info('Using pod service account via in-cluster config');
  return { server: `https://${joinHostPort(host, port)}`, http, ownNamespace };
}

/** The namespaces to watch: the configured names (plus the own namespace), or [""] for all. */
export function namespacesToWatch(cfg: KubernetesSDConfig, ownNamespace: string): string[] {
  const names = cfg.namespaces.names;
  const own = cfg.namespaces.own_namespace;
  if (names.length === 0 && !own) return [''];
  if (own && ownNamespace !== '') return [...names, ownNamespace];
  return names.slice();
}
