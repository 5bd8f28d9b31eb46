/**
 * Test support for the fake API server: Kubernetes label and field selectors, parsed and
 * matched as the API server does.
 *
 * Label selectors: comma-separated requirements `k`, `!k`, `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k>n`, `k<n`; `!=` and `notin` also match objects without
 * the label. Field selectors: `path=v`, `path==v`, `path!=v`, with `\,` `\=` `\\` escapes,
 * over the fields the API server supports for the resource.
 */

export type Matcher = (obj: Record<string, unknown>) => boolean;

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

interface LabelRequirement {
  key: string;
  op: 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
  values: string[];
}

function splitOutsideParens(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const c of s) {
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (c === ',' && depth === 0) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

export function parseLabelSelector(sel: string): LabelRequirement[] {
  if (sel.trim() === '') return [];
  return splitOutsideParens(sel).map((raw) => {
    const t = raw.trim();
    let m = /^!\s*([^\s=!<>(),]+)$/.exec(t);
    if (m !== null) return { key: m[1]!, op: '!exists', values: [] };
    m = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(t);
    if (m !== null) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()) };
    m = /^([^\s=!<>(),]+)\s*(==|!=|=|>|<)\s*([^\s,()]*)$/.exec(t);
    if (m !== null) {
      const op = m[2] === '==' || m[2] === '=' ? '=' : m[2] === '!=' ? '!=' : m[2] === '>' ? 'gt' : 'lt';
      return { key: m[1]!, op, values: [m[3]!] };
    }
    m = /^([^\s=!<>(),]+)$/.exec(t);
    if (m !== null) return { key: m[1]!, op: 'exists', values: [] };
    throw new SelectorError(`unable to parse requirement: found '${t}', expected: identifier`);
  });
}

export function labelMatcher(sel: string): Matcher {
  const reqs = parseLabelSelector(sel);
  return (obj) => {
    const meta = obj['metadata'] as Record<string, unknown> | undefined;
    const labels = (meta?.['labels'] ?? {}) as Record<string, string>;
    for (const r of reqs) {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      const v = labels[r.key];
      let ok: boolean;
      switch (r.op) {
        case 'exists': ok = has; break;
        case '!exists': ok = !has; break;
        case '=': ok = has && v === r.values[0]; break;
        case '!=': ok = !has || v !== r.values[0]; break;
        case 'in': ok = has && r.values.includes(v!); break;
        case 'notin': ok = !has || !r.values.includes(v!); break;
        case 'gt': ok = has && Number(v) > Number(r.values[0]); break;
        case 'lt': ok = has && Number(v) < Number(r.values[0]); break;
      }
      if (!ok) return false;
    }
    return true;
  };
}

/** The fields each resource can be selected by, beyond metadata.name and metadata.namespace. */
const EXTRA_FIELDS: Readonly<Record<string, readonly string[]>> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  nodes: ['spec.unschedulable'],
  services: ['spec.clusterIP', 'spec.type'],
  namespaces: ['status.phase'],
};

function fieldValue(obj: Record<string, unknown>, path: string): string {
  let cur: unknown = obj;
  for (const p of path.split('.')) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[p] : undefined;
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'boolean' || typeof cur === 'number') return String(cur);
  // Unset booleans select as "false", as the API server's field sets render them.
  return path === 'spec.hostNetwork' || path === 'spec.unschedulable' ? 'false' : '';
}

function unescapeField(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

export function fieldMatcher(sel: string, resource: string): Matcher {
  if (sel.trim() === '') return () => true;
  const terms: { path: string; neg: boolean; value: string }[] = [];
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < sel.length; i++) {
    const c = sel[i]!;
    if (c === '\\' && i + 1 < sel.length) { cur += c + sel[i + 1]!; i++; continue; }
    if (c === ',') { parts.push(cur); cur = ''; continue; }
    cur += c;
  }
  parts.push(cur);
  const allowed = ['metadata.name', 'metadata.namespace', ...(EXTRA_FIELDS[resource] ?? [])];
  for (const p of parts) {
    if (p === '') continue;
    const m = /^([^=!]+)(==|!=|=)(.*)$/.exec(p);
    if (m === null) throw new SelectorError(`invalid selector: '${sel}'; can't understand '${p}'`);
    const path = m[1]!.trim();
    if (!allowed.includes(path)) throw new SelectorError(`field label not supported: ${path}`);
    terms.push({ path, neg: m[2] === '!=', value: unescapeField(m[3]!) });
  }
  return (obj) => {
    for (const t of terms) if ((fieldValue(obj, t.path) === t.value) === t.neg) return false;
    return true;
  };
}
