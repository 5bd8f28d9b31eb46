/**
 * ULIDs, the names of blocks: 48 bits of Unix milliseconds and 80 random bits, written as
 * 26 Crockford base32 characters that sort like their creation times. Within one process
 * new ULIDs are strictly increasing (the random part counts up inside a millisecond, and a
 * clock going backwards reuses the last time), as Prometheus's monotonic entropy makes them.
 */
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DECODE = new Map<string, number>();
for (let i = 0; i < ALPHABET.length; i++) {
  DECODE.set(ALPHABET[i]!, i);
  DECODE.set(ALPHABET[i]!.toLowerCase(), i);
}
const MAX_TIME = 2 ** 48 - 1;

let lastTime = -1;
const lastRandom = new Uint8Array(10);

/** A new ULID for time `ms` (default now). Throws if 2^80 ULIDs were made in one millisecond. */
export function newULID(ms: number = Date.now()): string {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_TIME) throw new RangeError(`ulid: time ${ms} out of range`);
  if (ms <= lastTime) {
    ms = lastTime;
    let i = 9;
    while (i >= 0 && lastRandom[i] === 0xff) lastRandom[i--] = 0;
    if (i < 0) throw new RangeError('ulid: monotonic entropy overflow');
    lastRandom[i]!++;
  } else {
    lastTime = ms;
    randomFillSync(lastRandom);
  }
  return encodeULID(ms, lastRandom);
}

/** Encodes a 48-bit time and 10 random bytes. */
export function encodeULID(ms: number, random: Uint8Array): string {
  let n = BigInt(ms);
  for (let i = 0; i < 10; i++) n = (n << 8n) | BigInt(random[i] ?? 0);
  let s = '';
  for (let i = 0; i < 26; i++) {
    s = ALPHABET[Number(n & 31n)]! + s;
    n >>= 5n;
  }
  return s;
}

/** Whether `s` is a well-formed ULID (26 Crockford characters, at most 128 bits). */
export function isValidULID(s: string): boolean {
  if (s.length !== 26) return false;
  for (let i = 0; i < 26; i++) if (!DECODE.has(s[i]!)) return false;
  return DECODE.get(s[0]!)! <= 7;
}

/** The millisecond time of a ULID. */
export function ulidTime(s: string): number {
  if (!isValidULID(s)) throw new RangeError(`ulid: bad data ${JSON.stringify(s)}`);
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + DECODE.get(s[i]!)!;
  return t;
}
