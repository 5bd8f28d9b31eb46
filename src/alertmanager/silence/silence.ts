/**
 * A silence and its state machine: pending before `startsAt`, active until `endsAt`,
 * expired after it (the end instant itself still counts as active, as in Alertmanager).
 */
import { quoteGoString } from '../../model/index.js';
import { AMMatcher, isValidLabelName, type MatchType } from '../labels/index.js';

export type SilenceState = 'pending' | 'active' | 'expired';

export interface SilenceMatcher {
  name: string;
  value: string;
  type: MatchType;
}

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  /** Unix milliseconds. */
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
}

export function silenceState(s: Silence, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  if (now > s.endsAt) return 'expired';
  return 'active';
}

export function cloneSilence(s: Silence): Silence {
  return { ...s, matchers: s.matchers.map((m) => ({ ...m })) };
}

/** Compiles a silence's matchers; throws on an invalid regex. */
export function compileMatchers(ms: readonly SilenceMatcher[]): AMMatcher[] {
  return ms.map((m) => new AMMatcher(m.type, m.name, m.value));
}

function matcherError(m: SilenceMatcher): string | null {
  if (!isValidLabelName(m.name)) return `invalid label name ${quoteGoString(m.name)}`;
  if (m.type === '=~' || m.type === '!~') {
    try {
      new AMMatcher(m.type, m.name, m.value);
    } catch (e) {
      // Alertmanager checks the bare pattern here, so its error names the pattern unanchored.
      const why = (e instanceof Error ? e.message : String(e)).replace(/`[^`]*`$/, () => `\`${m.value}\``);
      return `invalid regular expression ${quoteGoString(m.value)}: ${why}`;
    }
  }
  return null;
}

function matchesEmpty(m: SilenceMatcher): boolean {
  switch (m.type) {
    case '=': return m.value === '';
    case '=~': return new AMMatcher('=~', m.name, m.value).matches('');
    case '!=': case '!~': return false;
  }
}

/** Alertmanager's validation of a stored silence; the error text or null. */
export function validateSilence(s: Silence): string | null {
  if (s.id === '') return 'ID missing';
  if (s.matchers.length === 0) return 'at least one matcher required';
  let allEmpty = true;
  for (let i = 0; i < s.matchers.length; i++) {
    const m = s.matchers[i]!;
    const err = matcherError(m);
    if (err !== null) return `invalid label matcher ${i}: ${err}`;
    allEmpty &&= matchesEmpty(m);
  }
  if (allEmpty) return 'at least one matcher must not match the empty string';
  if (s.startsAt === 0) return 'invalid zero start timestamp';
  if (s.endsAt === 0) return 'invalid zero end timestamp';
  if (s.endsAt < s.startsAt) return 'end time must not be before start time';
  if (s.updatedAt === 0) return 'invalid zero update timestamp';
  return null;
}

function sameMatchers(a: readonly SilenceMatcher[], b: readonly SilenceMatcher[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || x.value !== y.value || x.type !== y.type) return false;
  }
  return true;
}

/**
 * Whether `next` may update `prev` in place (same matchers; an active silence keeps its
 * start and does not end in the past; a pending one does not start in the past; an expired
 * one never changes). Otherwise the old silence is expired and a new one created.
 */
export function canUpdate(prev: Silence, next: Silence, now: number): boolean {
  if (!sameMatchers(prev.matchers, next.matchers)) return false;
  switch (silenceState(prev, now)) {
    case 'active':
      // Start times are compared to the second, as Alertmanager does.
      if (Math.floor(next.startsAt / 1000) !== Math.floor(prev.startsAt / 1000)) return false;
      if (next.endsAt < now) return false;
      return true;
    case 'pending':
      return next.startsAt >= now;
    case 'expired':
      return false;
  }
}
