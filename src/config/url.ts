/**
 * Just enough of Go's `net/url` for configuration checks: split a URL into scheme, user
 * info, host and the rest without normalising it, and hide a password the way Prometheus's
 * `config.URL` prints one (`xxxxx`).
 */

export interface URLParts {
  scheme: string;
  /** `user` or `user:password`, without the `@`; null when absent. */
  userinfo: string | null;
  host: string;
  rest: string;
}

/** Splits `s`; returns an error text (Go's wording) for what Go's url.Parse rejects. */
export function splitURL(s: string): URLParts | string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return `parse ${JSON.stringify(s)}: net/url: invalid control character in URL`;
  }
  let scheme = '';
  let rest = s;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
  if (m !== null) {
    scheme = m[1]!.toLowerCase();
    rest = s.slice(m[0].length);
  } else if (s.startsWith(':')) {
    return `parse ${JSON.stringify(s)}: missing protocol scheme`;
  }
  let userinfo: string | null = null;
  let host = '';
  if (rest.startsWith('//')) {
    const auth = rest.slice(2);
    let end = auth.length;
    for (const ch of ['/', '?', '#']) {
      const i = auth.indexOf(ch);
      if (i >= 0 && i < end) end = i;
    }
    let authority = auth.slice(0, end);
    rest = auth.slice(end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      userinfo = authority.slice(0, at);
      authority = authority.slice(at + 1);
    }
    host = authority;
  } else if (scheme === '') {
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) {
      return `parse ${JSON.stringify(s)}: first path segment in URL cannot contain colon`;
    }
  }
  if (/%(?![0-9a-fA-F]{2})/.test(s)) {
    const bad = /%.{0,2}/.exec(s.slice(s.search(/%(?![0-9a-fA-F]{2})/)))?.[0] ?? '%';
    return `parse ${JSON.stringify(s)}: invalid URL escape ${JSON.stringify(bad)}`;
  }
  return { scheme, userinfo, host, rest };
}

/** The URL with any password replaced by `xxxxx`. */
export function redactURL(s: string): string {
  const p = splitURL(s);
  if (typeof p === 'string' || p.userinfo === null) return s;
  const colon = p.userinfo.indexOf(':');
  if (colon < 0) return s;
  const user = p.userinfo.slice(0, colon);
  const schemePart = s.slice(0, s.indexOf('//') + 2);
  return `${schemePart}${user}:xxxxx@${p.host}${p.rest}`;
}
