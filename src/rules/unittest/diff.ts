/**
 * `--diff` output of rule unit tests: expected and received alerts as indented JSON, compared
 * line by line (`-` only expected, `+` only received), with colours on a terminal. promtool
 * prints a JSON structural diff here; the content is the same, the layout simpler.
 */
import type { LabelsAndAnnotations } from './format.js';

function toJSON(la: readonly LabelsAndAnnotations[]): string[] {
  const list = la.length > 0 ? la : [{ labels: null, annotations: null }];
  const obj = list.map((x) => ({ Labels: x.labels?.toObject() ?? {}, Annotations: x.annotations?.toObject() ?? {} }));
  return JSON.stringify(obj, null, 4).split('\n');
}

/** A line diff by longest common subsequence (inputs are small). */
export function lineDiff(a: readonly string[], b: readonly string[], color: boolean): string {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: string[] = [];
  const del = (s: string): string => (color ? `\x1b[31m- ${s}\x1b[0m` : `- ${s}`);
  const add = (s: string): string => (color ? `\x1b[32m+ ${s}\x1b[0m` : `+ ${s}`);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { out.push(`  ${a[i]!}`); i++; j++; }
    else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) out.push(add(b[j++]!));
    else out.push(del(a[i++]!));
  }
  return out.join('\n');
}

export function alertsDiff(exp: readonly LabelsAndAnnotations[], got: readonly LabelsAndAnnotations[]): string {
  return lineDiff(toJSON(exp), toJSON(got), process.stderr.isTTY);
}
