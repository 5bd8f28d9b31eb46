/**
 * A command-line flag parser with the conventions of Prometheus's (kingpin): long flags
 * `--name=value` or `--name value`, booleans as `--name`, `--no-name` or `--name=false`,
 * repeatable flags, `-h`/`--help`, `--version`. Unknown flags and bad values are errors.
 */
import { parseDuration } from '../model/index.js';
import { parseBase2Bytes as parseBytes } from '../config/index.js';

export type FlagKind = 'string' | 'bool' | 'duration' | 'int' | 'float' | 'bytes' | 'strings' | 'enum';

export interface FlagDef {
  name: string;
  help: string;
  kind: FlagKind;
  /** Default as text, parsed like a command-line value; undefined = no default (zero value). */
  default?: string | readonly string[];
  /** Allowed values for 'enum' (and, checked per item, for 'strings' when set). */
  values?: readonly string[];
  hidden?: boolean;
  placeholder?: string;
  /** Prometheus marks some flags as server-only or agent-only. */
  mode?: 'server' | 'agent';
  short?: string;
}

export type FlagValue = string | boolean | number | string[];

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export interface ParsedFlags {
  values: Map<string, FlagValue>;
  /** Flags given explicitly on the command line. */
  set: Set<string>;
  /** Positional arguments. */
  args: string[];
  help: boolean;
  version: boolean;
}

export class FlagSet {
  readonly #defs = new Map<string, FlagDef>();
  readonly #short = new Map<string, string>();

  constructor(defs: readonly FlagDef[]) {
    for (const d of defs) {
      this.#defs.set(d.name, d);
      if (d.short !== undefined) this.#short.set(d.short, d.name);
    }
  }

  defs(): FlagDef[] {
    return [...this.#defs.values()];
  }

  get(name: string): FlagDef | undefined {
    return this.#defs.get(name);
  }

  parse(argv: readonly string[], opts: { allowPositional?: boolean } = {}): ParsedFlags {
    const values = new Map<string, FlagValue>();
    const set = new Set<string>();
    const args: string[] = [];
    let help = false, version = false;
    for (const d of this.#defs.values()) {
      if (d.default !== undefined) values.set(d.name, convert(d, d.default));
      else values.set(d.name, zero(d));
    }
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--') { args.push(...argv.slice(i + 1)); break; }
      if (a === '-h' || a === '--help') { help = true; continue; }
      if (a === '--version') { version = true; continue; }
      if (a.startsWith('--')) {
        const eq = a.indexOf('=');
        let name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
        let inline: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined;
        let def = this.#defs.get(name);
        if (def === undefined && name.startsWith('no-')) {
          const pos = this.#defs.get(name.slice(3));
          if (pos !== undefined && pos.kind === 'bool' && inline === undefined) {
            def = pos; name = pos.name; inline = 'false';
          }
        }
        if (def === undefined) throw new FlagError(`unknown long flag '--${name}'`);
        let raw: string;
        if (inline !== undefined) raw = inline;
        else if (def.kind === 'bool') raw = 'true';
        else {
          const next = argv[i + 1];
          if (next === undefined) throw new FlagError(`expected argument for flag '--${name}'`);
          raw = next;
          i++;
        }
        this.#assign(def, raw, values, set);
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        const long = this.#short.get(a.slice(1, 2));
        if (long === undefined) throw new FlagError(`unknown short flag '${a}'`);
        const def = this.#defs.get(long)!;
        const rest = a.slice(2);
        let raw: string;
        if (rest !== '') raw = rest.startsWith('=') ? rest.slice(1) : rest;
        else if (def.kind === 'bool') raw = 'true';
        else {
          const next = argv[i + 1];
          if (next === undefined) throw new FlagError(`expected argument for flag '-${a.slice(1, 2)}'`);
          raw = next;
          i++;
        }
        this.#assign(def, raw, values, set);
        continue;
      }
      if (opts.allowPositional !== true) throw new FlagError(`unexpected ${a}`);
      args.push(a);
    }
    return { values, set, args, help, version };
  }

  #assign(def: FlagDef, raw: string, values: Map<string, FlagValue>, set: Set<string>): void {
    if (def.kind === 'strings') {
      const prev = set.has(def.name) ? (values.get(def.name) as string[]) : [];
      const v = convert(def, raw) as string[];
      values.set(def.name, [...prev, ...v]);
    } else {
      values.set(def.name, convert(def, raw));
    }
    set.add(def.name);
  }

  /** Usage text in the shape of kingpin's `--help`. */
  usage(command: string, description: string, argsHelp = ''): string {
    const lines: string[] = [`usage: ${command} [<flags>]${argsHelp}`, '', description, '', 'Flags:'];
    const rows: [string, string][] = [['-h, --help', 'Show context-sensitive help.'], ['    --version', 'Show application version.']];
    for (const d of this.#defs.values()) {
      if (d.hidden === true) continue;
      let left = d.short !== undefined ? `-${d.short}, --${d.name}` : `    --${d.name}`;
      if (d.kind === 'bool') left = d.short !== undefined ? `-${d.short}, --[no-]${d.name}` : `    --[no-]${d.name}`;
      else left += '=' + (d.placeholder ?? (d.default !== undefined && !Array.isArray(d.default) ? `"${String(d.default)}"` : `<${d.kind}>`));
      if (d.kind === 'strings') left += ' ...';
      let help = d.help;
      if (d.mode !== undefined) help += ` Use with ${d.mode} mode only.`;
      rows.push([left, help]);
    }
    const width = Math.min(48, Math.max(...rows.map(([l]) => l.length)) + 2);
    for (const [l, h] of rows) {
      lines.push(l.length + 2 <= width ? `  ${l.padEnd(width)}${h}` : `  ${l}\n  ${' '.repeat(width)}${h}`);
    }
    return lines.join('\n') + '\n';
  }
}

function zero(d: FlagDef): FlagValue {
  switch (d.kind) {
    case 'bool': return false;
    case 'int': case 'float': case 'duration': case 'bytes': return 0;
    case 'strings': return [];
    case 'string': case 'enum': return '';
  }
}

function convert(d: FlagDef, raw: string | readonly string[]): FlagValue {
  if (Array.isArray(raw)) {
    const out: string[] = [];
    for (const r of raw as readonly string[]) out.push(...(convert(d, r) as string[]));
    return out;
  }
  const s = raw as string;
  const bad = (why: string): FlagError => new FlagError(`invalid value "${s}" for flag '--${d.name}': ${why}`);
  switch (d.kind) {
    case 'string': return s;
    case 'strings': {
      if (d.values !== undefined && !d.values.includes(s)) throw bad(`must be one of ${d.values.join(', ')}`);
      return [s];
    }
    case 'enum':
      if (d.values !== undefined && !d.values.includes(s)) throw new FlagError(`enum value must be one of ${d.values.join(',')}, got '${s}'`);
      return s;
    case 'bool': {
      const l = s.toLowerCase();
      if (['true', '1', 't', 'yes'].includes(l)) return true;
      if (['false', '0', 'f', 'no'].includes(l)) return false;
      throw bad('expected a boolean');
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(s) && !/^[+-]?\d+(\.\d+)?e\d+$/i.test(s)) throw bad('expected an integer');
      const n = Number(s);
      if (!Number.isSafeInteger(n)) throw bad('expected an integer');
      return n;
    }
    case 'float': {
      const n = Number(s);
      if (s.trim() === '' || Number.isNaN(n)) throw bad('expected a number');
      return n;
    }
    case 'duration':
      try {
        return parseDuration(s);
      } catch (e) {
        throw bad(e instanceof Error ? e.message : String(e));
      }
    case 'bytes': {
      const n = parseBytes(s);
      if (typeof n === 'string') throw bad(n);
      return n;
    }
  }
}
