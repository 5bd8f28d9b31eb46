/**
 * The head's options and the shapes of what it reports. The head is Prometheus's in-memory
 * part of the TSDB: the newest samples of every series, made durable by the WAL (`wal/`),
 * with full chunks written to `chunks_head/` and out-of-order samples logged to `wbl/`.
 *
 * Time values are milliseconds; "ms" fields are durations in milliseconds.
 */
import type { Registry } from '../../instrument/index.js';
import { Encoding } from '../chunkenc/index.js';
import type { Logger } from '../../util/log.js';
import type { CompressionType, SyncPolicy } from '../wal/index.js';

/** Prometheus's default block (and head chunk) range: 2h. */
export const DEFAULT_CHUNK_RANGE_MS = 2 * 60 * 60 * 1000;
/** Samples per float chunk the head aims at (Prometheus's `samples_per_chunk`). */
export const DEFAULT_SAMPLES_PER_CHUNK = 120;
/** Prometheus's default exemplar capacity (`storage.exemplars.max_exemplars`). */
export const DEFAULT_MAX_EXEMPLARS = 100_000;
/** Samples per out-of-order head chunk before it is written out (`out_of_order_cap_max`). */
export const DEFAULT_OUT_OF_ORDER_CAP_MAX = 32;
/** Directory names inside the data directory, as Prometheus names them. */
export const WAL_DIRNAME = 'wal';
export const WBL_DIRNAME = 'wbl';
export const CHUNKS_HEAD_DIRNAME = 'chunks_head';

/** The float chunk encodings a head writes. */
export type FloatChunkEncoding = 'xor' | 'xor2';

/** The chunk encoding number of a float chunk encoding name. */
export function floatEncodingOf(e: FloatChunkEncoding): number {
  return e === 'xor2' ? Encoding.XOR2 : Encoding.XOR;
}

export interface HeadOptions {
  /** Range of head chunks and blocks in ms (`--storage.tsdb.min-block-duration`); default 2h. */
  chunkRange?: number;
  /** Target samples per float chunk; default 120. */
  samplesPerChunk?: number;
  /**
   * Encoding of new float chunks (`storage.tsdb.chunk_encoding.floats`, Prometheus's
   * `xor2-encoding` feature): 'xor' (default, readable by every Prometheus) or 'xor2'
   * (Prometheus 3.11 and later).
   */
  floatChunkEncoding?: FloatChunkEncoding;
  /**
   * Store start timestamps (Prometheus's `st-storage` feature): samples' start timestamps go
   * into the WAL as V2 records (SamplesV2, HistogramSamplesV2, FloatHistogramSamplesV2, also
   * in the WBL and in checkpoints) and into XOR2 float chunks. Requires `floatChunkEncoding`
   * 'xor2' (the DB refuses to open otherwise). Default false.
   */
  enableSTStorage?: boolean;
  /**
   * Native histogram chunks with start timestamps (encodings 5 and 6; Prometheus's
   * `histograms-st-encoding` feature), readable by Prometheus 3.11 and later only. Default false.
   */
  enableHistogramSTEncoding?: boolean;
  /** Exemplar ring capacity; 0 disables exemplar storage. Default 100000. */
  maxExemplars?: number;
  /** `storage.tsdb.out_of_order_time_window` in ms; 0 (default) rejects out-of-order samples. */
  outOfOrderTimeWindow?: number;
  /** Samples per out-of-order head chunk (1..255); default 32. */
  outOfOrderCapMax?: number;
  /** Write metadata records to the WAL (Prometheus's `metadata-wal-records` feature). Default false. */
  enableMetadataWalRecords?: boolean;
  /** WAL compression; default 'snappy'. */
  walCompression?: CompressionType;
  /** WAL segment size in bytes (multiple of 32 KiB); default 128 MiB. */
  walSegmentSize?: number;
  /**
   * When a commit counts as durable. 'write' (default): the WAL write is handed to the OS
   * before `commit()` resolves, as Prometheus does (survives kill -9 of the process, not a
   * machine crash; segments are fsynced when closed). 'fsync': fdatasync'ed before
   * `commit()` resolves (survives power loss, at the cost of one fsync per commit group).
   */
  walSync?: SyncPolicy;
  /**
   * Samples before this time are rejected as out of bounds and dropped at replay: the max
   * time of the newest persisted block (the DB passes it at open). Default: no bound.
   */
  minValidTime?: number;
  /** Size of `chunks_head/` files (tests only; default 128 MiB). */
  headChunkFileSize?: number;
  /** Bytes of chunks_head pages cached for reads of written chunks (default 16 MiB). */
  chunkCacheBytes?: number;
  /** Where `prometheus_tsdb_head_*` and `prometheus_tsdb_wal_*` metrics go; none when absent. */
  registry?: Registry;
  logger?: Logger;
  /**
   * Prometheus's `memory-snapshot-on-shutdown`: `close()` writes a chunk snapshot (the open
   * chunks, tombstones and exemplars; see snapshot.ts) and `open` starts from the newest one,
   * replaying only the WAL after it. Default false.
   */
  enableMemorySnapshotOnShutdown?: boolean;
  /** Called while replaying the WAL at open, for `/api/v1/status/walreplay`. */
  onReplayProgress?: (p: ReplayStatus) => void;
}

/** Progress of the WAL replay, as `/api/v1/status/walreplay` reports it. */
export interface ReplayStatus {
  /** First and last segment to replay (the checkpoint counts as `min`), -1 before start. */
  min: number;
  max: number;
  /** The segment being or last replayed. */
  current: number;
  done: boolean;
}

/** What a replay read and how fast, for logs and benchmarks. */
export interface ReplayResult {
  series: number;
  samples: number;
  histograms: number;
  exemplars: number;
  tombstones: number;
  /** Series deleted by tombstones over all time (Prometheus's stale series compaction). */
  deletedSeries: number;
  metadata: number;
  /** Samples skipped: before minValidTime, already in m-mapped chunks, or of unknown series. */
  skippedSamples: number;
  unknownRefs: number;
  mmappedChunks: number;
  /** Out-of-order samples put back from the WBL. */
  oooSamples: number;
  /** Whether a damaged WAL tail (or chunks_head tail, or WBL tail) was repaired. */
  walRepaired: boolean;
  chunksHeadRepaired: boolean;
  wblRepaired: boolean;
  /** Series loaded from a chunk snapshot (0 when none was loaded). */
  snapshotSeries: number;
  /** Whether a chunk snapshot could not be loaded (the WAL was replayed from its start instead). */
  snapshotFailed: boolean;
  seconds: number;
}

export interface NameCount {
  name: string;
  value: number;
}

/** `/api/v1/status/tsdb`'s head part, with Prometheus's top-10 cardinality lists. */
export interface HeadStats {
  numSeries: number;
  numLabelPairs: number;
  chunkCount: number;
  /** Oldest and newest sample time; null when the head holds no sample. */
  minTime: number | null;
  maxTime: number | null;
  seriesCountByMetricName: NameCount[];
  labelValueCountByLabelName: NameCount[];
  memoryInBytesByLabelName: NameCount[];
  seriesCountByLabelValuePair: NameCount[];
}
