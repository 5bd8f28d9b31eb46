/**
 * The storage handed to the server's components before the TSDB has opened, as Prometheus's
 * readyStorage: the web server starts (answering `/-/ready` with 503) while the DB replays
 * its WAL; until `set(db)`, appends and reads fail with "TSDB not ready", afterwards they go
 * to the DB.
 */
import type { Matcher, Millis } from '../../model/index.js';
import {
  AppendError, type Appendable, type Appender, type ExemplarQueryable, type ExemplarQueryResult, type Queryable, type Querier,
} from '../../storage/interface.js';
import type { BlockMeta } from '../block/index.js';
import type { DB } from './db.js';
import type { HeadStatsShape, ReplayProgress } from './head-seam.js';

const NOT_READY = 'TSDB not ready';

function notReady(): Error {
  return new Error(NOT_READY);
}

/** An appender that rejects everything while the TSDB opens. */
const notReadyAppender: Appender = {
  append: () => { throw new AppendError('out_of_bounds', NOT_READY); },
  appendStale: () => { throw new AppendError('out_of_bounds', NOT_READY); },
  appendHistogram: () => { throw new AppendError('out_of_bounds', NOT_READY); },
  appendExemplar: () => { throw new AppendError('exemplar_invalid', NOT_READY); },
  updateMetadata: () => 0,
  commit: () => Promise.resolve(),
  rollback: () => Promise.resolve(),
};

export class ReadyStorage implements Appendable, Queryable, ExemplarQueryable {
  #db: DB | null = null;
  #closed = false;

  /** The DB once opened. */
  get db(): DB | null {
    return this.#db;
  }

  set(db: DB): void {
    this.#db = db;
  }

  appender(): Appender {
    return this.#db === null ? notReadyAppender : this.#db.appender();
  }

  querier(mint: Millis, maxt: Millis): Promise<Querier> {
    return this.#db === null ? Promise.reject(notReady()) : this.#db.querier(mint, maxt);
  }

  exemplars(mint: Millis, maxt: Millis, matcherSets: readonly (readonly Matcher[])[]): Promise<ExemplarQueryResult[]> {
    return this.#db === null ? Promise.reject(notReady()) : this.#db.exemplars(mint, maxt, matcherSets);
  }

  stats(limit: number): HeadStatsShape {
    if (this.#db === null) throw notReady();
    return this.#db.stats(limit);
  }

  walReplayStatus(): ReplayProgress {
    return this.#db === null ? { min: -1, max: -1, current: -1 } : this.#db.walReplayStatus();
  }

  blockMetas(): BlockMeta[] {
    if (this.#db === null) throw notReady();
    return this.#db.blockMetas();
  }

  delete(mint: Millis, maxt: Millis, matchers: readonly Matcher[], signal?: AbortSignal): Promise<void> {
    return this.#db === null ? Promise.reject(notReady()) : this.#db.delete(mint, maxt, matchers, signal);
  }

  cleanTombstones(): Promise<void> {
    return this.#db === null ? Promise.reject(notReady()) : this.#db.cleanTombstones();
  }

  snapshot(dir: string, withHead: boolean): Promise<void> {
    return this.#db === null ? Promise.reject(notReady()) : this.#db.snapshot(dir, withHead);
  }

  /** Closes the DB (head flushed, WAL synced, lock released), if it was opened. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db?.close();
  }
}
