/**
 * Template files named by `templates:`. Loading a configuration expands the globs and hands
 * the files to the registered checker (the notification template engine parses them there);
 * without one, only the globs are checked.
 */
import { readFileSync } from 'node:fs';
import { globSync } from '../../util/glob.js';

/** Returns null when the files are good, else the reason. */
export type TemplateChecker = (files: readonly { path: string; text: string }[]) => string | null;

let checker: TemplateChecker | null = null;

/** Installs the checker run on every configuration load (the receivers' template engine). */
export function setTemplateChecker(c: TemplateChecker | null): void {
  checker = c;
}

/** Expands template globs into files, in order, each file once. */
export function templateFiles(globs: readonly string[]): { path: string; text: string }[] | string {
  const out: { path: string; text: string }[] = [];
  const seen = new Set<string>();
  for (const g of globs) {
    let files: string[];
    try {
      files = globSync(g);
    } catch (e) {
      return `invalid template glob ${JSON.stringify(g)}: ${e instanceof Error ? e.message : String(e)}`;
    }
    for (const f of files) {
      if (seen.has(f)) continue;
      seen.add(f);
      try {
        out.push({ path: f, text: readFileSync(f, 'utf8') });
      } catch (e) {
        return `reading template ${f}: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  }
  return out;
}

export function checkTemplates(globs: readonly string[]): string | null {
  const files = templateFiles(globs);
  if (typeof files === 'string') return files;
  return checker === null ? null : checker(files);
}
