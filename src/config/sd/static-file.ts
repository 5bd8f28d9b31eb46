/**
 * `static_configs` and `file_sd_configs`, the two mechanisms every Prometheus setup knows.
 * Target groups keep their targets as written; label names are checked as Prometheus checks
 * them when it reads a label set.
 */
import { asMillis, isValidLabelName } from '../../model/index.js';
import { DecodeError } from '../errors.js';
import { duration, file, string } from '../scalars.js';
import { checked, dict, list, struct } from '../schema.js';
import type { Kind } from '../schema.js';
import type { FileSDConfig, StaticConfig } from '../types.js';

/** A label set: names must be valid (non-empty UTF-8); values are free. */
export const labelSet: Kind<Record<string, string>> = checked(dict(string, 'model.LabelSet'), (v, n, path) => {
  for (const k of Object.keys(v)) {
    if (!isValidLabelName(k)) {
      const line = n.kind === 'map' ? (n.entries.find((e) => e.key === k)?.line ?? n.line) : n.line;
      throw new DecodeError(line, path, `${JSON.stringify(k)} is not a valid label name`);
    }
  }
});

export const staticConfig = struct<StaticConfig>('targetgroup.Group', {
  targets: { kind: list(string) },
  labels: { kind: labelSet, omitempty: true },
});

/** `foo/*.json`, `targets.yml`: a star only in the last path element, and a known extension. */
export function isValidFileSDName(name: string): boolean {
  const m = /\.(json|yml|yaml|JSON|YML|YAML)$/.exec(name);
  if (m === null) return false;
  const stem = name.slice(0, m.index);
  const star = stem.indexOf('*');
  if (star < 0) return true;
  const after = stem.slice(star + 1);
  return !after.includes('/') && !after.includes('*');
}

export const fileSD = struct<FileSDConfig>('file.SDConfig', {
  files: { kind: list(file) },
  refresh_interval: { kind: duration, default: () => asMillis(5 * 60_000), omitempty: true },
}, {
  validate(c, d) {
    if (c.files.length === 0) d.fail(c, 'file service discovery config must contain at least one path name');
    for (const f of c.files) {
      if (!isValidFileSDName(f)) d.fail(c, `path name ${JSON.stringify(f)} is not valid for file discovery`, 'files');
    }
  },
});
