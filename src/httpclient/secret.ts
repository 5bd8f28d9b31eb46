/**
 * Secrets given inline or by file. File secrets are read on every use and trimmed of
 * surrounding whitespace, as Prometheus does, so that rotated credentials take effect without
 * a reload.
 */
import { readFile } from 'node:fs/promises';

export type SecretSource =
  | { kind: 'inline'; value: string }
  | { kind: 'file'; path: string };

/** The source for a value given inline or by file (inline wins, as in Prometheus); null when neither. */
export function secretSource(inline: string, file: string): SecretSource | null {
  if (inline !== '') return { kind: 'inline', value: inline };
  if (file !== '') return { kind: 'file', path: file };
  return null;
}

/** Reads the secret; '' for a null source. Throws `unable to read file <path>: <why>`. */
export async function readSecret(s: SecretSource | null): Promise<string> {
  if (s === null) return '';
  switch (s.kind) {
    case 'inline': return s.value;
    case 'file': {
      try {
        return (await readFile(s.path, 'utf8')).trim();
      } catch (e) {
        throw new Error(`unable to read file ${s.path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
  }
}
