/** Go's textproto.CanonicalMIMEHeaderKey: `x-foo` → `X-Foo`; keys with invalid bytes unchanged. */
export function canonicalMIMEHeaderKey(s: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s)) return s;
  let upper = true;
  let out = '';
  for (const ch of s) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}
