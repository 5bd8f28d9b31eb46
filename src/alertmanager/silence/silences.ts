/**
 * The silences store with Alertmanager's rules: create, update in place where the change
 * keeps history intact, otherwise expire the old silence and create a new one; expire;
 * match label sets against active and pending silences (recording the result in the
 * marker); forget silences `retention` after they end; and keep everything in a snapshot
 * file (Alertmanager's format) written by `maintenance()` and at shutdown.
 *
 * Single-threaded: every method runs to completion; only the snapshot write is async, and it
 * encodes the state before its first await.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../util/log.js';
import { matchesAll, type AMMatcher, type LabelSet } from '../labels/index.js';
import { systemClock, type Clock, type Marker } from '../store/index.js';
import { canUpdate, cloneSilence, compileMatchers, silenceState, validateSilence, type Silence, type SilenceState } from './silence.js';
import { encodeSnapshot, readSnapshot, writeSnapshot } from './snapshot.js';
import type { SilenceMetrics } from './metrics.js';

export class SilenceNotFoundError extends Error {
  override readonly name = 'SilenceNotFoundError';
  constructor() { super('silence not found'); }
}

/** A silence that failed validation. */
export class SilenceError extends Error {
  override readonly name = 'SilenceError';
}

interface Stored {
  silence: Silence;
  matchers: AMMatcher[];
  /** When the silence may be forgotten: `endsAt` + retention. */
  expiresAt: number;
}

export type SilenceChange = 'created' | 'updated' | 'expired';

export interface SilencesOptions {
  /** How long silences are kept after they end, in milliseconds. */
  retentionMs: number;
  /** Snapshot file; '' keeps silences in memory only. */
  snapshotFile: string;
  logger: Logger;
  metrics?: SilenceMetrics;
  clock?: Clock;
  /** At most this many silences, expired ones included (≤ 0: no limit), as --silences.max-silences. */
  maxSilences?: number;
  /** At most this many bytes per stored silence (≤ 0: no limit), as --silences.max-silence-size-bytes. */
  maxSilenceSizeBytes?: number;
  /** Called after every change, with a copy of the silence (alert history). */
  onChange?: (s: Silence, kind: SilenceChange) => void;
}

/** Which silences a query returns. */
export interface SilenceQuery {
  ids?: readonly string[];
  states?: readonly SilenceState[];
  /** Only silences whose matchers all match this label set. */
  matches?: LabelSet;
}

export class Silences {
  readonly #st = new Map<string, Stored>();
  readonly #opts: SilencesOptions;
  readonly #clock: Clock;
  /** Bumped on every change, so that markers computed at an older version are recomputed. */
  #version = 0;

  constructor(opts: SilencesOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
  }

  get version(): number {
    return this.#version;
  }

  /** Loads the snapshot file, if there is one. A malformed file is an error, as in Alertmanager. */
  async load(): Promise<number> {
    if (this.#opts.snapshotFile === '') return 0;
    const entries = await readSnapshot(this.#opts.snapshotFile);
    const now = this.#clock.now();
    let n = 0;
    for (const e of entries) {
      if (e.expiresAt < now) continue;
      try {
        this.#st.set(e.silence.id, { silence: e.silence, matchers: compileMatchers(e.silence.matchers), expiresAt: e.expiresAt });
        n++;
      } catch (err) {
        this.#opts.logger.warn('skipping silence from snapshot', { id: e.silence.id, err });
      }
    }
    this.#version++;
    return n;
  }

  /** Writes the snapshot; returns its size in bytes (0 without a snapshot file). */
  async snapshot(): Promise<number> {
    if (this.#opts.snapshotFile === '') return 0;
    const started = performance.now();
    const entries = [...this.#st.values()].map((s) => ({ silence: s.silence, expiresAt: s.expiresAt }));
    const size = await writeSnapshot(this.#opts.snapshotFile, entries);
    this.#opts.metrics?.snapshotDone((performance.now() - started) / 1000, size);
    return size;
  }

  /** Garbage collection then snapshot, as Alertmanager's maintenance does. */
  async maintenance(): Promise<number> {
    this.gc();
    return this.snapshot();
  }

  /** Forgets silences whose retention has passed; returns how many. */
  gc(): number {
    const started = performance.now();
    const now = this.#clock.now();
    let n = 0;
    for (const [id, s] of this.#st) {
      if (s.expiresAt <= now) {
        this.#st.delete(id);
        n++;
      }
    }
    if (n > 0) this.#version++;
    this.#opts.metrics?.gcDone((performance.now() - started) / 1000);
    return n;
  }

  #put(sil: Silence, now: number, kind: SilenceChange): void {
    sil.updatedAt = now;
    const why = validateSilence(sil);
    if (why !== null) throw new SilenceError(`silence invalid: ${why}`);
    const maxSize = this.#opts.maxSilenceSizeBytes ?? 0;
    if (maxSize > 0 && kind !== 'expired') {
      // The stored message's size, as Alertmanager measures it (without the length prefix).
      const framed = encodeSnapshot([{ silence: sil, expiresAt: sil.endsAt + this.#opts.retentionMs }]);
      const n = framed.length - varintLength(framed.length);
      if (n > maxSize) throw new SilenceError(`silence exceeded maximum size: ${n} bytes (limit: ${maxSize} bytes)`);
    }
    this.#st.set(sil.id, { silence: sil, matchers: compileMatchers(sil.matchers), expiresAt: sil.endsAt + this.#opts.retentionMs });
    this.#version++;
    this.#opts.onChange?.(cloneSilence(sil), kind);
  }

  /**
   * Creates a silence, or updates the one with `input.id`: in place when Alertmanager allows
   * it (same matchers; an active silence keeps its start and does not end in the past; a
   * pending one does not start in the past), else by expiring the old one and creating a
   * new one. A new silence never starts in the past. Returns the resulting ID.
   */
  set(input: Silence): string {
    const sil = cloneSilence(input);
    const now = this.#clock.now();
    const prev = sil.id !== '' ? this.#st.get(sil.id) : undefined;
    if (sil.id !== '' && prev === undefined) throw new SilenceNotFoundError();
    if (prev !== undefined && canUpdate(prev.silence, sil, now)) {
      this.#put(sil, now, 'updated');
      return sil.id;
    }
    const max = this.#opts.maxSilences ?? 0;
    if (max > 0 && this.#st.size + 1 > max) throw new SilenceError(`exceeded maximum number of silences: ${this.#st.size} (limit: ${max})`);
    const oldID = sil.id;
    sil.id = randomUUID();
    if (sil.startsAt < now) sil.startsAt = now;
    this.#put(sil, now, 'created');
    // The replaced silence is expired only once its replacement is stored.
    if (prev !== undefined && silenceState(prev.silence, now) !== 'expired') this.expire(oldID);
    return sil.id;
  }

  /** Expires a silence now (a pending one never becomes active); an expired one stays as it is. */
  expire(id: string): void {
    const s = this.#st.get(id);
    if (s === undefined) throw new SilenceNotFoundError();
    const sil = cloneSilence(s.silence);
    const now = this.#clock.now();
    switch (silenceState(sil, now)) {
      case 'expired':
        return;
      case 'active':
        sil.endsAt = now;
        break;
      case 'pending':
        sil.startsAt = now;
        sil.endsAt = now;
        break;
    }
    this.#put(sil, now, 'expired');
  }

  get(id: string): Silence | undefined {
    const s = this.#st.get(id);
    return s === undefined ? undefined : cloneSilence(s.silence);
  }

  /** Silences passing every given filter (copies), in no particular order. */
  query(q: SilenceQuery = {}): Silence[] {
    const started = performance.now();
    const now = this.#clock.now();
    const out: Silence[] = [];
    const consider = (s: Stored): void => {
      if (q.states !== undefined && !q.states.includes(silenceState(s.silence, now))) return;
      if (q.matches !== undefined && !matchesAll(s.matchers, q.matches)) return;
      out.push(cloneSilence(s.silence));
    };
    if (q.ids !== undefined) {
      for (const id of q.ids) {
        const s = this.#st.get(id);
        if (s !== undefined) consider(s);
      }
    } else {
      for (const s of this.#st.values()) consider(s);
    }
    this.#opts.metrics?.queried((performance.now() - started) / 1000);
    return out;
  }

  /** All silences (copies). */
  list(): Silence[] {
    return this.query();
  }

  countByState(): Record<SilenceState, number> {
    const now = this.#clock.now();
    const out: Record<SilenceState, number> = { active: 0, pending: 0, expired: 0 };
    for (const s of this.#st.values()) out[silenceState(s.silence, now)]++;
    return out;
  }

  /** IDs of the active and pending silences whose matchers all match `ls`, sorted. */
  matching(ls: LabelSet): { active: string[]; pending: string[] } {
    const now = this.#clock.now();
    const active: string[] = [];
    const pending: string[] = [];
    for (const s of this.#st.values()) {
      const st = silenceState(s.silence, now);
      if (st === 'expired') continue;
      if (!matchesAll(s.matchers, ls)) continue;
      (st === 'active' ? active : pending).push(s.silence.id);
    }
    active.sort();
    pending.sort();
    return { active, pending };
  }

  now(): number {
    return this.#clock.now();
  }
}

/** Alertmanager's Silencer: mutes label sets matched by an active silence and marks them. */
export class Silencer {
  constructor(private readonly silences: Silences, private readonly marker: Marker) {}

  mutes(ls: LabelSet, fp: string): boolean {
    const { active, pending } = this.silences.matching(ls);
    this.marker.setActiveOrSilenced(fp, this.silences.version, active, pending);
    return active.length > 0;
  }
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}
