/**
 * `watchfire tool tsdb list|analyze|dump|dump-openmetrics`, with promtool's arguments,
 * flags, output and error texts (the backfill lives in tool-tsdb-backfill.ts).
 */
import { parseGoFloat } from '../model/index.js';
import type { DumpFormat } from '../tsdb/tools/index.js';
import { checkArgCount, DEFAULT_DB_PATH, runChecked, strFlag, tsdbTools, ToolUsageError } from './tool-tsdb-common.js';
import type { FlagDef } from './flag-parser.js';
import { registerToolCommand, type ToolIO } from './tool.js';
import './tool-tsdb-backfill.js';

/** kingpin's Int flags parse through ParseFloat and truncate. */
async function kingpinInt(s: string): Promise<number> {
  const v = parseGoFloat(s);
  if (v === undefined) throw new ToolUsageError(`strconv.ParseFloat: parsing ${(await tsdbTools()).goQuote(s)}: invalid syntax`);
  return Math.trunc(v);
}

async function int64Flag(s: string): Promise<number> {
  const { parseGoInt64 } = await tsdbTools();
  try {
    return parseGoInt64(s);
  } catch (e) {
    throw new ToolUsageError((e as Error).message);
  }
}

registerToolCommand({
  path: ['tsdb', 'list'],
  help: 'List tsdb blocks.',
  argsHelp: '[<db path>]',
  minArgs: 0,
  flags: [{ name: 'human-readable', short: 'r', kind: 'bool', help: 'Print human readable values.' }],
  run(flags, args, io) {
    return runChecked(io, async () => {
      checkArgCount(args, 1);
      io.out(await (await tsdbTools()).listBlocks(args[0] ?? DEFAULT_DB_PATH, flags.get('human-readable') === true));
    });
  },
});

registerToolCommand({
  path: ['tsdb', 'analyze'],
  help: 'Analyze churn, label pair cardinality and compaction efficiency.',
  argsHelp: '[<db path>] [<block id>]',
  minArgs: 0,
  flags: [
    { name: 'limit', kind: 'string', default: '20', placeholder: '20', help: 'How many items to show in each list.' },
    { name: 'extended', kind: 'bool', help: 'Run extended analysis.' },
    // Accepted as a synonym of --extended.
    { name: 'run-extended', kind: 'bool', hidden: true, help: 'Run extended analysis.' },
    { name: 'match', kind: 'string', help: 'Series selector to analyze. Only 1 set of matchers is supported now.' },
  ],
  run(flags, args, io) {
    return runChecked(io, async () => {
      checkArgCount(args, 2);
      const limit = await kingpinInt(strFlag(flags, 'limit'));
      await (await tsdbTools()).analyzeBlock({
        dir: args[0] ?? DEFAULT_DB_PATH,
        blockID: args[1] ?? '',
        limit,
        extended: flags.get('extended') === true || flags.get('run-extended') === true,
        match: strFlag(flags, 'match'),
      }, (s) => { io.out(s); });
    });
  },
});

const MIN_INT64 = '-9223372036854775808';
const MAX_INT64 = '9223372036854775807';
const SANDBOX_HELP = 'Root directory where a sandbox directory will be created, this sandbox is used in case WAL replay generates chunks (default is the database path). The sandbox is cleaned up at the end.';

function dumpFlags(withFormat: boolean): FlagDef[] {
  const f: FlagDef[] = [
    { name: 'sandbox-dir-root', kind: 'string', help: SANDBOX_HELP },
    { name: 'min-time', kind: 'string', default: MIN_INT64, placeholder: MIN_INT64, help: 'Minimum timestamp to dump, in milliseconds since the Unix epoch.' },
    { name: 'max-time', kind: 'string', default: MAX_INT64, placeholder: MAX_INT64, help: 'Maximum timestamp to dump, in milliseconds since the Unix epoch.' },
    { name: 'match', kind: 'strings', default: ["{__name__=~'(?s:.*)'}"], placeholder: `"{__name__=~'(?s:.*)'}"`, help: 'Series selector. Can be specified multiple times.' },
  ];
  if (withFormat) f.push({ name: 'format', kind: 'enum', values: ['prom', 'seriesjson'], default: 'prom', placeholder: 'prom', help: 'Output format of the dump (prom (default) or seriesjson).' });
  return f;
}

function runDump(flags: ReadonlyMap<string, unknown>, args: readonly string[], io: ToolIO, format: DumpFormat): Promise<number> {
  return runChecked(io, async () => {
    checkArgCount(args, 1);
    const mint = await int64Flag(strFlag(flags, 'min-time'));
    const maxt = await int64Flag(strFlag(flags, 'max-time'));
    await (await tsdbTools()).dumpTSDB({
      dir: args[0] ?? DEFAULT_DB_PATH,
      sandboxDirRoot: strFlag(flags, 'sandbox-dir-root'),
      mint, maxt,
      match: flags.get('match') as string[],
      format,
    }, (s) => { io.out(s); });
  });
}

registerToolCommand({
  path: ['tsdb', 'dump'],
  help: 'Dump data (series+samples or optionally just series) from a TSDB.',
  argsHelp: `[<db path>]`,
  minArgs: 0,
  flags: dumpFlags(true),
  run(flags, args, io) {
    return runDump(flags, args, io, flags.get('format') === 'seriesjson' ? 'seriesjson' : 'prom');
  },
});

registerToolCommand({
  path: ['tsdb', 'dump-openmetrics'],
  help: '[Experimental] Dump samples from a TSDB into OpenMetrics text format, excluding native histograms and staleness markers, which are not representable in OpenMetrics.',
  argsHelp: `[<db path>]`,
  minArgs: 0,
  flags: dumpFlags(false),
  run(flags, args, io) {
    return runDump(flags, args, io, 'openmetrics');
  },
});
