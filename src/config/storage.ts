/**
 * The `storage` section: TSDB settings that can change at runtime (out-of-order window,
 * retention, chunk encoding) and the exemplar buffer size.
 */
import { checked, ptr, resetting, struct } from './schema.js';
import { duration, enumOf, float, int64, size } from './scalars.js';
import { DecodeError } from './errors.js';
import { formatBase2Bytes } from './units.js';
import type { ExemplarsConfig, StorageConfig, TSDBConfig, TSDBRetentionConfig } from './types.js';

const retention = resetting(struct<TSDBRetentionConfig>('config.TSDBRetentionConfig', {
  time: { kind: duration, omitempty: true },
  size: {
    kind: checked(size, (v, n, path) => {
      if (v < 0) throw new DecodeError(n.line, path, `'storage.tsdb.retention.size' must be greater than or equal to 0, got ${formatBase2Bytes(v)}`);
    }),
    omitempty: true,
  },
  percentage: { kind: float, omitempty: true },
}, {
  validate(r, d) {
    if (r.percentage < 0 || r.percentage > 100) d.fail(r, `'storage.tsdb.retention.percentage' must be in the range [0, 100], got ${r.percentage}`, 'percentage');
  },
}));

const floatsEncoding = enumOf<TSDBConfig['chunk_encoding']['floats']>('string', ['', 'xor', 'xor2'],
  (s) => `'storage.tsdb.chunk_encoding.floats' must be 'xor' or 'xor2', or the field must be omitted entirely, got ${JSON.stringify(s)}`);

const chunkEncoding = struct<TSDBConfig['chunk_encoding']>('config.ChunkEncodingConfig', {
  floats: { kind: floatsEncoding, omitempty: true },
});

export const tsdbConfig = resetting(struct<TSDBConfig>('config.TSDBConfig', {
  out_of_order_time_window: { kind: duration, omitempty: true },
  stale_series_compaction_threshold: { kind: float, omitempty: true },
  chunk_encoding: { kind: chunkEncoding, omitempty: true },
  retention: { kind: retention, default: () => retention.defaults() },
}, {
  // Prometheus also prints its untagged millisecond copy of the window under Go's default
  // key, and so accepts that key on reading (the written duration wins).
  encodePrefix: (t) => [['outofordertimewindow', { t: 'raw', v: String(t.out_of_order_time_window) }]],
  extra: {
    accepts: (key) => key === 'outofordertimewindow',
    decode: (_t, _key, n, d, path) => { int64.decode(n, d, path, 0); },
    encode: () => [],
  },
}));

const exemplars = struct<ExemplarsConfig>('config.ExemplarsConfig', {
  max_exemplars: { kind: int64, omitempty: true },
});

export const storageConfig = resetting(struct<StorageConfig>('config.StorageConfig', {
  tsdb: { kind: ptr(tsdbConfig), omitempty: true },
  exemplars: { kind: ptr(exemplars), omitempty: true },
}, {
  validate(s) {
    // Prometheus always has a TSDB section after loading, with default retention.
    if (s.tsdb === null) s.tsdb = tsdbConfig.defaults();
  },
}));

export function defaultStorageConfig(): StorageConfig {
  return { tsdb: tsdbConfig.defaults(), exemplars: null };
}
