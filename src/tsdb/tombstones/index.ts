/**
 * Tombstones: deletion intervals per series ref, in memory and in a block's `tombstones`
 * file (Prometheus's format).
 */
export { addInterval, inBounds, isSubrange, type Interval } from './intervals.js';
export { MemTombstones, type TombstoneReader } from './mem-tombstones.js';
export {
  MAGIC_TOMBSTONE, TOMBSTONES_FILENAME, TombstonesFormatError, decodeTombstones, encodeTombstones,
  readTombstonesFile, writeTombstonesFile,
} from './file.js';
