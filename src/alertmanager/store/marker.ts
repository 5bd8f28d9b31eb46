/**
 * The alert marker: per alert fingerprint, whether it is active or suppressed and by which
 * silences and inhibiting alerts, as silences and the inhibitor last found.
 */
export type AlertState = 'unprocessed' | 'active' | 'suppressed';

export interface AlertStatusView {
  state: AlertState;
  silencedBy: string[];
  inhibitedBy: string[];
  /** Time intervals muting the alert (newer Alertmanagers' `mutedBy`). */
  mutedBy: string[];
}

interface Entry {
  mutedBy: string[];
  silencedBy: string[];
  inhibitedBy: string[];
  pendingSilences: string[];
  silencesVersion: number;
  state: AlertState;
}

/** Called after a mark changed the silences or inhibitions of an alert. */
export type MarkerListener = (fp: string, silencedBy: readonly string[], inhibitedBy: readonly string[]) => void;

export class Marker {
  readonly #m = new Map<string, Entry>();
  #listener: MarkerListener | null = null;

  /** Installs the one listener (alert history); null removes it. */
  listen(l: MarkerListener | null): void {
    this.#listener = l;
  }

  #changed(fp: string, e: Entry, prevSilenced: readonly string[], prevInhibited: readonly string[]): void {
    if (this.#listener === null) return;
    if (sameIDs(prevSilenced, e.silencedBy) && sameIDs(prevInhibited, e.inhibitedBy)) return;
    this.#listener(fp, e.silencedBy, e.inhibitedBy);
  }

  #entry(fp: string): Entry {
    let e = this.#m.get(fp);
    if (e === undefined) {
      e = { mutedBy: [], silencedBy: [], inhibitedBy: [], pendingSilences: [], silencesVersion: 0, state: 'unprocessed' };
      this.#m.set(fp, e);
    }
    return e;
  }

  setActiveOrSilenced(fp: string, version: number, activeIDs: string[], pendingIDs: string[]): void {
    const e = this.#entry(fp);
    const prev = e.silencedBy;
    e.silencedBy = activeIDs;
    e.pendingSilences = pendingIDs;
    e.silencesVersion = version;
    e.state = activeIDs.length === 0 && e.inhibitedBy.length === 0 ? 'active' : 'suppressed';
    this.#changed(fp, e, prev, e.inhibitedBy);
  }

  setInhibited(fp: string, ids: string[]): void {
    const e = this.#entry(fp);
    const prev = e.inhibitedBy;
    e.inhibitedBy = ids;
    e.state = ids.length === 0 && e.silencedBy.length === 0 ? 'active' : 'suppressed';
    this.#changed(fp, e, e.silencedBy, prev);
  }

  /**
   * Records the time intervals muting the alert's notifications (newer Alertmanagers'
   * `mutedBy`). Informational: the alert's state stays what silences and inhibition make it,
   * as in Alertmanager 0.25.
   */
  setMuted(fp: string, intervals: string[]): void {
    const e = this.#m.get(fp);
    if (e !== undefined) e.mutedBy = intervals;
  }

  /** How many marked alerts are in this state. */
  count(state: AlertState): number {
    let n = 0;
    for (const e of this.#m.values()) if (e.state === state) n++;
    return n;
  }

  /** The silences last found for `fp`, and the silences version they were found at. */
  silenced(fp: string): { activeIDs: string[]; pendingIDs: string[]; version: number } | undefined {
    const e = this.#m.get(fp);
    if (e === undefined) return undefined;
    return { activeIDs: e.silencedBy, pendingIDs: e.pendingSilences, version: e.silencesVersion };
  }

  status(fp: string): AlertStatusView {
    const e = this.#m.get(fp);
    if (e === undefined) return { state: 'unprocessed', silencedBy: [], inhibitedBy: [], mutedBy: [] };
    return { state: e.state, silencedBy: [...e.silencedBy], inhibitedBy: [...e.inhibitedBy], mutedBy: [...e.mutedBy] };
  }

  delete(fp: string): void {
    this.#m.delete(fp);
  }
}

function sameIDs(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
