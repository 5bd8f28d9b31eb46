/**
 * `GET /api/v1/openapi.yaml`: the OpenAPI 3.1 description of the HTTP API, served from
 * `openapi.yaml` beside this module's source, as Prometheus 3 serves its own at that path.
 *
 * The YAML file is the source of truth, kept in `src/` and shipped in the package (the
 * package's `files` list names it); compiled code finds it from the package root, so the same
 * file serves from `src/` (tsx), `dist/` and an installed package. When serving, the
 * document's `info.version` becomes the package's version and its server URLs gain the route
 * prefix the request came through. `?openapi_version=3.2` labels the document 3.2.0 (the
 * description uses nothing that 3.2 changed), any other value serves 3.1.0, as Prometheus.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, isMap, isSeq, type Document } from 'yaml';
import type { Router } from '../../router.js';
import { PACKAGE_VERSION, packageRoot } from '../../../util/package-info.js';

/** The description's path inside the package. */
export const OPENAPI_SPEC_PATH = join('src', 'web', 'api', 'v1', 'openapi.yaml');

/** The description as written in the package (not rewritten for serving). */
export function readOpenAPISpec(): string {
  return readFileSync(join(packageRoot(), OPENAPI_SPEC_PATH), 'utf8');
}

/** Prepends the route prefix to every server URL of the document (top level and per path). */
function prefixServers(doc: Document, prefix: string): void {
  const fix = (servers: unknown): void => {
    if (!isSeq(servers)) return;
    for (const s of servers.items) {
      if (!isMap(s)) continue;
      const url = s.get('url');
      if (typeof url === 'string' && url.startsWith('/')) s.set('url', url === '/' ? prefix + '/' : prefix + url);
    }
  };
  fix(doc.get('servers'));
  const paths = doc.get('paths');
  if (!isMap(paths)) return;
  for (const p of paths.items) if (isMap(p.value)) fix(p.value.get('servers'));
}

/** Renders the document for serving; exported for tests. */
export function renderOpenAPISpec(text: string, opts: { version: string; routePrefix: string; openAPIVersion: '3.1.0' | '3.2.0' }): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`parsing the OpenAPI description: ${doc.errors[0]!.message}`);
  doc.set('openapi', opts.openAPIVersion);
  doc.setIn(['info', 'version'], opts.version);
  if (opts.routePrefix !== '') prefixServers(doc, opts.routePrefix);
  return doc.toString({ lineWidth: 0 });
}

/**
 * Registers the route. The file is read now, so that a package missing it fails at startup
 * rather than on the first request; rendered answers are cached by version and prefix.
 */
export function registerOpenAPI(r: Router): void {
  const root = packageRoot();
  const text = readFileSync(join(root, OPENAPI_SPEC_PATH), 'utf8');
  const version = PACKAGE_VERSION === 'unknown' ? '0.0.0' : PACKAGE_VERSION;
  const cache = new Map<string, string>();
  r.get('/api/v1/openapi.yaml', (c) => {
    const v = c.url.searchParams.get('openapi_version');
    const openAPIVersion = v === '3.2' || v === '3.2.0' ? '3.2.0' : '3.1.0';
    // The request's own path minus the route as matched is the prefix it came through.
    const rawPath = (c.req.url ?? '').split('?')[0] ?? '';
    const routePrefix = rawPath.endsWith(c.url.pathname) ? rawPath.slice(0, rawPath.length - c.url.pathname.length) : '';
    const key = `${openAPIVersion} ${routePrefix}`;
    let body = cache.get(key);
    if (body === undefined) {
      body = renderOpenAPISpec(text, { version, routePrefix, openAPIVersion });
      cache.set(key, body);
    }
    c.res.writeHead(200, {
      'Content-Type': 'application/yaml; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      'Content-Length': String(Buffer.byteLength(body)),
    });
    c.res.end(c.method === 'HEAD' ? undefined : body);
  });
}
