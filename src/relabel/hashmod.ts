/**
 * The `hashmod` action's value: the MD5 of the joined source values, its last 8 bytes read
 * as a big-endian unsigned 64-bit integer, modulo the modulus, in decimal. (Prometheus has
 * always used only the low 8 bytes of the digest.) Exact for every safe-integer modulus.
 */
import { createHash } from 'node:crypto';

const TWO32 = 0x1_0000_0000;

export function hashMod(value: string, modulus: number): string {
  if (!Number.isSafeInteger(modulus) || modulus <= 0) throw new RangeError(`hashmod: invalid modulus ${modulus}`);
  const d = createHash('md5').update(value, 'utf8').digest();
  const hi = d.readUInt32BE(8);
  const lo = d.readUInt32BE(12);
  if (modulus <= 0x20_0000) {
    // hi mod m fits in 21 bits, times 2^32 stays below 2^53: exact in doubles.
    return String((((hi % modulus) * TWO32) % modulus + lo) % modulus);
  }
  // Rare large moduli: exact with BigInt.
  return String(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(modulus));
}
