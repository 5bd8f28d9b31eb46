/**
 * Listing OpenStack resources with a token: `GET` with `X-Auth-Token`, expecting HTTP 200
 * and a JSON object whose `<key>` is the page's list, following the `<key>_links` "next"
 * link (Nova's and Neutron's pagination) until there is none or a page is empty.
 */
import type { HTTPClient } from '../../httpclient/index.js';
import { expectStatus } from './keystone.js';

export interface ListCall {
  http: HTTPClient;
  token: string;
  signal: AbortSignal;
  timeoutMs: number;
}

/** The page's JSON list under `key`; rejects with gophercloud's wording when the page has none. */
function pageItems(doc: unknown, key: string): unknown[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`json: cannot unmarshal ${Array.isArray(doc) ? 'array' : typeof doc} into Go value of type struct`);
  const v = (doc as Record<string, unknown>)[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`json: cannot unmarshal ${typeof v} into Go struct field .${key} of type []`);
  return v;
}

function nextLink(doc: unknown, key: string): string {
  const links = (doc as Record<string, unknown>)[`${key}_links`];
  if (!Array.isArray(links)) return '';
  for (const l of links) {
    if (l !== null && typeof l === 'object' && (l as Record<string, unknown>)['rel'] === 'next') {
      const href = (l as Record<string, unknown>)['href'];
      if (typeof href === 'string') return href;
    }
  }
  return '';
}

/** Every item of a paginated list. */
export async function listAll(c: ListCall, url: string, key: string): Promise<unknown[]> {
  const out: unknown[] = [];
  const seen = new Set<string>();
  let next = url;
  while (next !== '' && !seen.has(next)) {
    seen.add(next);
    const res = await c.http.request({ url: next, signal: c.signal, timeoutMs: c.timeoutMs, headers: { 'X-Auth-Token': c.token, Accept: 'application/json' } });
    expectStatus(res, [200], 'GET', next);
    const doc = JSON.parse(res.body.toString('utf8')) as unknown;
    const items = pageItems(doc, key);
    if (items.length === 0) break;
    out.push(...items);
    next = nextLink(doc, key);
  }
  return out;
}

/** A string field of a JSON object: missing and null are "", other types an unmarshal error. */
export function str(o: Record<string, unknown>, field: string, goType: string): string {
  const v = o[field];
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  throw new Error(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v} into Go struct field ${goType}.${field} of type string`);
}

/** An object's fields, or an unmarshal error naming what it was. */
export function obj(v: unknown, goType: string): Record<string, unknown> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new Error(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type ${goType}`);
}
