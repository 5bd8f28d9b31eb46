/**
 * A 53-bit FNV-1a-style hash of a string, computed as two independent 32-bit FNV-1a hashes
 * (different offset bases) combined into one safe integer. Deterministic across runs and
 * processes; used to spread scrape offsets, never as an identity.
 */
export function fnv1a53(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193);
  }
  // 21 bits of h2 above 32 bits of h1.
  return (h2 >>> 11) * 0x100000000 + (h1 >>> 0);
}
