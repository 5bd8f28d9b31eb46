/**
 * `watchfire tool tsdb create-blocks-from openmetrics [flags] <input file> [<output directory>]`,
 * promtool's backfill. As with kingpin, the flags of `create-blocks-from` (`-r`, `-q`,
 * `--max-block-duration`) may also come before `openmetrics`. On a terminal, stderr shows a
 * progress bar while the file is read.
 */
import type { BackfillProgress } from '../tsdb/tools/index.js';
import type { FlagDef } from './flag-parser.js';
import { registerToolCommand, type ToolIO } from './tool.js';
import { checkArgCount, DEFAULT_DB_PATH, runChecked, strFlag, tsdbTools, ToolUsageError } from './tool-tsdb-common.js';

const PARENT_HELP = '[Experimental] Import samples from input and produce TSDB blocks. Please refer to the storage docs for more details.';
const OPENMETRICS_HELP = 'Import samples from OpenMetrics input and produce TSDB blocks. Please refer to the storage docs for more details.';

const PARENT_FLAGS: FlagDef[] = [
  { name: 'human-readable', short: 'r', kind: 'bool', help: 'Print human readable values.' },
  { name: 'quiet', short: 'q', kind: 'bool', help: 'Do not print created blocks.' },
  { name: 'max-block-duration', kind: 'string', hidden: true, placeholder: '<duration>', help: 'Maximum duration created blocks may span. Anything less than 2h is ignored.' },
];
const LABEL_FLAG: FlagDef = {
  name: 'label', kind: 'strings', placeholder: '<name>=<value>',
  help: 'Label to attach to metrics. Can be specified multiple times. Example --label=label_name=label_value',
};

/** kingpin's StringMap: `KEY=VALUE` pairs, the last one of a key winning. */
function labelMap(pairs: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i < 0) throw new ToolUsageError(`expected KEY=VALUE got '${p}'`);
    m.set(p.slice(0, i), p.slice(i + 1));
  }
  return m;
}

function progressBar(p: BackfillProgress): string {
  const width = 30;
  const frac = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
  const fill = Math.round(frac * width);
  const mib = (n: number): string => (n / 2 ** 20).toFixed(0);
  return `\rpass ${p.pass} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${mib(p.bytesRead)}/${mib(p.totalBytes)} MiB, ${p.samples} samples, ${p.blocks} blocks`;
}

async function run(flags: ReadonlyMap<string, unknown>, args: readonly string[], io: ToolIO): Promise<number> {
  return runChecked(io, async () => {
    checkArgCount(args, 2);
    const { backfillOpenMetrics, parseGoDuration } = await tsdbTools();
    const dur = strFlag(flags, 'max-block-duration');
    let maxBlockDuration = 0;
    if (dur !== '') {
      try {
        maxBlockDuration = parseGoDuration(dur);
      } catch (e) {
        throw new ToolUsageError((e as Error).message);
      }
    }
    const customLabels = labelMap((flags.get('label') as string[] | undefined) ?? []);
    const quiet = flags.get('quiet') === true;
    const progress: BackfillProgress = { pass: 0, bytesRead: 0, totalBytes: 0, samples: 0, blocks: 0 };
    const tty = process.stderr.isTTY && !quiet;
    const timer = tty ? setInterval(() => { io.err(progressBar(progress)); }, 250) : null;
    try {
      await backfillOpenMetrics({
        input: args[0]!,
        outputDir: args[1] ?? DEFAULT_DB_PATH,
        humanReadable: flags.get('human-readable') === true,
        quiet,
        maxBlockDuration,
        customLabels,
        progress,
      }, (s) => {
        if (tty) io.err('\r\x1b[K');
        io.out(s);
      });
    } finally {
      if (timer !== null) {
        clearInterval(timer);
        io.err('\r\x1b[K');
      }
    }
  });
}

registerToolCommand({
  path: ['tsdb', 'create-blocks-from', 'openmetrics'],
  help: OPENMETRICS_HELP,
  argsHelp: '<input file> [<output directory>]',
  minArgs: 1,
  flags: [...PARENT_FLAGS, LABEL_FLAG],
  run,
});

// The parent command, for its flags given before `openmetrics`.
registerToolCommand({
  path: ['tsdb', 'create-blocks-from'],
  help: PARENT_HELP,
  argsHelp: 'openmetrics <input file> [<output directory>]',
  minArgs: 1,
  flags: [...PARENT_FLAGS, { ...LABEL_FLAG, hidden: true }],
  run(flags, args, io) {
    if (args[0] !== 'openmetrics') {
      io.err(`watchfire tool: error: expected command but got "${args[0] ?? ''}", try --help\n`);
      return Promise.resolve(1);
    }
    if (args.length < 2) {
      io.err("watchfire tool: error: required argument 'input file' not provided, try --help\n");
      return Promise.resolve(1);
    }
    return run(flags, args.slice(1), io);
  },
});
