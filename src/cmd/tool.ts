/**
 * `watchfire tool`: the promtool of Watchfire. Commands and their arguments take the same
 * form as promtool's (`watchfire tool check config prometheus.yml`).
 */
import { FlagError, FlagSet, type FlagDef } from './flag-parser.js';
import { versionText } from './version.js';

export interface ToolCommand {
  /** Words after `tool`, e.g. ['check', 'config']. */
  path: readonly string[];
  help: string;
  flags: readonly FlagDef[];
  argsHelp: string;
  /** Minimum number of positional arguments. */
  minArgs: number;
  run(flags: ReadonlyMap<string, unknown>, args: readonly string[], io: ToolIO): Promise<number>;
}

export interface ToolIO {
  out(s: string): void;
  err(s: string): void;
}

const commands: ToolCommand[] = [];

export function registerToolCommand(c: ToolCommand): void {
  commands.push(c);
}

const stdio: ToolIO = {
  out: (s) => { process.stdout.write(s); },
  err: (s) => { process.stderr.write(s); },
};

function overview(): string {
  let s = 'usage: watchfire tool [<flags>] <command> [<args> ...]\n\nTooling for the Watchfire monitoring system.\n\nFlags:\n  -h, --help  Show context-sensitive help.\n      --version  Show application version.\n\nCommands:\n';
  for (const c of commands) s += `  ${c.path.join(' ')}\n    ${c.help}\n\n`;
  return s;
}

export async function runTool(argv: readonly string[], io: ToolIO = stdio): Promise<number> {
  await import('./tool-commands.js');
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(overview());
    return 0;
  }
  if (argv[0] === '--version') {
    io.out(versionText('watchfire tool'));
    return 0;
  }
  // Flags before the command (`watchfire tool --experimental promql format ...`) are
  // promtool's application flags: they go to the command, as kingpin takes them anywhere.
  const lead: string[] = [];
  while (argv.length > 0 && /^--[a-z]/.test(argv[0]!) && argv[0] !== '--help' && argv[0] !== '--version') {
    // `--enable-feature` is the one application flag with a value; it may come separately.
    const n = argv[0] === '--enable-feature' && argv.length > 1 ? 2 : 1;
    lead.push(...argv.slice(0, n));
    argv = argv.slice(n);
  }
  let best: ToolCommand | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (best === undefined || c.path.length > best.path.length)) best = c;
  }
  if (best === undefined && (argv.includes('--help') || argv.includes('-h'))) {
    // Help for a group of commands (`watchfire tool tsdb --help`): its commands.
    const group = commands.filter((c) => c.path[0] === argv[0]);
    if (group.length > 0) {
      let s = `usage: watchfire tool ${argv[0]!} <command> [<args> ...]\n\nCommands:\n`;
      for (const c of group) s += `  ${c.path.join(' ')}\n    ${c.help}\n\n`;
      io.out(s);
      return 0;
    }
  }
  if (best === undefined) {
    const known = new Set(commands.map((c) => c.path[0]));
    const word = argv.slice(0, known.has(argv[0]) ? 2 : 1).join(' ');
    io.err(`watchfire tool: error: expected command but got "${word}", try --help\n`);
    return 1;
  }
  const fs = new FlagSet(best.flags);
  let parsed;
  try {
    parsed = fs.parse([...lead, ...argv.slice(best.path.length)], { allowPositional: true });
  } catch (e) {
    if (e instanceof FlagError) {
      io.err(`watchfire tool: error: ${e.message}, try --help\n`);
      return 1;
    }
    throw e;
  }
  if (parsed.help) {
    io.out(fs.usage(`watchfire tool ${best.path.join(' ')}`, best.help, ` ${best.argsHelp}`));
    return 0;
  }
  if (parsed.args.length < best.minArgs) {
    const names = [...best.argsHelp.matchAll(/<([^>]+)>/g)].map((m) => m[1]!);
    const missing = names[parsed.args.length] ?? names[0] ?? best.argsHelp;
    io.err(`watchfire tool: error: required argument '${missing}' not provided, try --help\n`);
    return 1;
  }
  return best.run(parsed.values, parsed.args, io);
}
