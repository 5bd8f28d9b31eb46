/**
 * The silences store: create, update and expire with Alertmanager's rules, match alerts
 * against active silences (recording the result in the marker), garbage-collect silences
 * past their retention, and persist everything as a snapshot file that survives restarts.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../util/log.js';
import type { LabelSet } from '../labels/index.js';
import { matchesAll, type AMMatcher } from '../labels/index.js';
import type { Marker } from '../store/index.js';
import { canUpdate, cloneSilence, compileMatchers, silenceState, validateSilence, type Silence, type SilenceState } from './silence.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import type { SilenceMetrics } from './metrics.js';

export class SilenceNotFoundError extends Error {
  override readonly name = 'SilenceNotFoundError';
  constructor() { super('silence not found'); }
}

export class SilenceError extends Error {
  override readonly name = 'SilenceError';
}

interface Stored {
  silence: Silence;
  matchers: AMMatcher[];
  /** When the silence may be forgotten: `endsAt` + retention. */
  expiresAt: number;
}

export interface SilencesOptions {
  /** How long expired silences are kept, in milliseconds. */
  retentionMs: number;
  /** Snapshot file; '' keeps silences in memory only. */
  snapshotFile: string;
  logger: Logger;
  metrics?: SilenceMetrics;
  now?: () => number;
  /** Called after every change (history, persistence). */
  onChange?: (s: Silence, kind: 'created' | 'updated' | 'expired') => void;
}

export class Silences {
  readonly #st = new Map<string, Stored>();
  readonly #opts: SilencesOptions;
  readonly #now: () => number;
  /** Bumped on every change so that markers computed at an older version are recomputed. */
  #version = 0;
  #dirty = false;

  constructor(opts: SilencesOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  get version(): number {
    return this.#version;
  }

  /** Loads the snapshot file, if there is one. */
  async load(): Promise<void> {
    if (this.#opts.snapshotFile === '') return;
    const entries = await readSnapshot(this.#opts.snapshotFile);
    const now = this.#now();
    for (const e of entries) {
      if (e.expiresAt < now) continue;
      try {
        this.#st.set(e.silence.id, { silence: e.silence, matchers: compileMatchers(e.silence.matchers), expiresAt: e.expiresAt });
      } catch (err) {
        this.#opts.logger.warn('skipping silence from snapshot', { id: e.silence.id, err });
      }
    }
    this.#version++;
  }

  /** Writes the snapshot if anything changed since the last one; returns its size in bytes. */
  async snapshot(force = false): Promise<number> {
    if (this.#opts.snapshotFile === '' || (!this.#dirty && !force)) return 0;
    this.#dirty = false;
    const started = performance.now();
    const size = await writeSnapshot(this.#opts.snapshotFile, [...this.#st.values()].map((s) => ({ silence: s.silence, expiresAt: s.expiresAt })));
    this.#opts.metrics?.snapshotDone((performance.now() - started) / 1000, size);
    return size;
  }

  /** Removes silences past their retention. */
  gc(): number {
    const started = performance.now();
    const now = this.#now();
    let n = 0;
    for (const [id, s] of this.#st) {
      if (s.expiresAt < now) {
        this.#st.delete(id);
        n++;
      }
    }
    if (n > 0) {
      this.#dirty = true;
      this.#version++;
    }
    this.#opts.metrics?.gcDone((performance.now() - started) / 1000);
    return n;
  }

  #put(sil: Silence, now: number, kind: 'created' | 'updated' | 'expired'): void {
    sil.updatedAt = now;
    const why = validateSilence(sil);
    if (why !== null) throw new SilenceError(`silence invalid: ${why}`);
    this.#st.set(sil.id, { silence: sil, matchers: compileMatchers(sil.matchers), expiresAt: sil.endsAt + this.#opts.retentionMs });
    this.#version++;
    this.#dirty = true;
    this.#opts.onChange?.(cloneSilence(sil), kind);
  }

  /**
   * Creates a silence, or updates the one with `sil.id`: in place when Alertmanager allows
   * it, else by expiring the old one and creating a new one. Returns the resulting ID.
   */
  set(input: Silence): string {
    const sil = cloneSilence(input);
    const now = this.#now();
    const prev = sil.id !== '' ? this.#st.get(sil.id) : undefined;
    if (sil.id !== '' && prev === undefined) throw new SilenceNotFoundError();
    if (prev !== undefined) {
      if (canUpdate(prev.silence, sil, now)) {
        this.#put(sil, now, 'updated');
        return sil.id;
      }
      if (silenceState(prev.silence, now) !== 'expired') this.expire(prev.silence.id);
    }
    sil.id = randomUUID();
    if (sil.startsAt < now) sil.startsAt = now;
    this.#put(sil, now, 'created');
    return sil.id;
  }

  /** Expires a silence now (a pending one is expired without ever becoming active). */
  expire(id: string): void {
    const s = this.#st.get(id);
    if (s === undefined) throw new SilenceNotFoundError();
    const sil = cloneSilence(s.silence);
    const now = this.#now();
    switch (silenceState(sil, now)) {
      case 'expired':
        throw new SilenceError(`silence ${id} already expired`);
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

  /** All silences (copies). */
  list(): Silence[] {
    this.#opts.metrics?.queried();
    return [...this.#st.values()].map((s) => cloneSilence(s.silence));
  }

  countByState(): Record<SilenceState, number> {
    const now = this.#now();
    const out: Record<SilenceState, number> = { active: 0, pending: 0, expired: 0 };
    for (const s of this.#st.values()) out[silenceState(s.silence, now)]++;
    return out;
  }

  /** Active and pending silences whose matchers all match `ls`. */
  matching(ls: LabelSet): { active: string[]; pending: string[] } {
    const now = this.#now();
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
}

/** Alertmanager's Silencer: mutes alerts matched by an active silence and marks them. */
export class Silencer {
  constructor(private readonly silences: Silences, private readonly marker: Marker) {}

  mutes(ls: LabelSet, fp: string): boolean {
    const { active, pending } = this.silences.matching(ls);
    this.marker.setActiveOrSilenced(fp, this.silences.version, active, pending);
    return active.length > 0;
  }
}
