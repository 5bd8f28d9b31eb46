/**
 * What `--config.auto-reload` compares between two looks at the configuration: as Prometheus's
 * `config.GenerateChecksum`, the main file's bytes, then for each `rule_files` pattern and
 * then each `scrape_config_files` pattern (read from the file as it is now, relative to its
 * directory, expanded as globs) the matching files' paths and bytes. A new rule file that a
 * glob now matches, a changed one or a removed one is a change, like an edit of the main file.
 *
 * The fingerprint only has to tell "changed" from "unchanged" between two reads by the same
 * process, so it is two independent 32-bit checksums (CRC-32C and FNV-1a) and the length of
 * what was fed rather than Prometheus's SHA-256; it is never shown or stored. (util/xxhash64
 * works through BigInt, about 40 ms per MiB: too slow for rule files read at every check.)
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { crc32c } from '../util/crc32c.js';
import { glob } from '../util/glob.js';
import { joinDir } from './scalars.js';

class Fingerprint {
  #crc = 0;
  #fnv = 0x811c9dc5;
  #len = 0;

  add(b: Uint8Array): void {
    this.#crc = crc32c(b, 0, b.length, this.#crc);
    let h = this.#fnv;
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    this.#fnv = h;
    this.#len += b.length;
  }

  text(): string {
    return `${this.#crc.toString(16).padStart(8, '0')}${(this.#fnv >>> 0).toString(16).padStart(8, '0')}-${this.#len}`;
  }
}

function patterns(doc: unknown, key: string): string[] {
  if (doc === null || typeof doc !== 'object') return [];
  const v = (doc as Record<string, unknown>)[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The fingerprint of the configuration file and the files it references. Rejects when a file
 * cannot be read, the YAML does not parse or a pattern is malformed (the caller logs it and
 * reloads, as Prometheus does).
 */
export async function configChecksum(path: string): Promise<string> {
  const fp = new Fingerprint();
  const main = await readFile(path);
  fp.add(main);
  const doc: unknown = parse(main.toString('utf8'));
  const dir = dirname(path);
  const enc = new TextEncoder();
  for (const [prefix, key] of [['r', 'rule_files'], ['s', 'scrape_config_files']] as const) {
    for (const pattern of patterns(doc, key)) {
      for (const file of await glob(joinDir(dir, pattern))) {
        fp.add(enc.encode(`${prefix}\0${file}\0`));
        fp.add(await readFile(file));
        fp.add(Uint8Array.of(0));
      }
    }
  }
  return fp.text();
}
