/** Helpers shared by the `watchfire tool tsdb` commands: promtool's error reporting and flag reading. */
import type { ToolIO } from './tool.js';

/** The TSDB tools library, loaded when a tsdb command runs (other tool commands do not need it). */
export function tsdbTools(): Promise<typeof import('../tsdb/tools/index.js')> {
  return import('../tsdb/tools/index.js');
}

export const DEFAULT_DB_PATH = 'data/';

/** A flag value rejected the way kingpin rejects it (`<prog>: error: <why>, try --help`). */
export class ToolUsageError extends Error {
  override readonly name = 'ToolUsageError';
}

/** Runs a command body, printing failures as promtool does: the message on stderr, exit 1. */
export async function runChecked(io: ToolIO, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (e) {
    if (e instanceof ToolUsageError) {
      io.err(`watchfire tool: error: ${e.message}, try --help\n`);
      return 1;
    }
    io.err(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/** Positional arguments beyond `max` are an error, as kingpin reports them. */
export function checkArgCount(args: readonly string[], max: number): void {
  if (args.length > max) throw new ToolUsageError(`unexpected ${args[max]!}`);
}

/** A string flag's value ('' when unset). */
export function strFlag(flags: ReadonlyMap<string, unknown>, name: string): string {
  const v = flags.get(name);
  return typeof v === 'string' ? v : '';
}

