/**
 * `watchfire tool promql`: promtool's PromQL formatting and editing commands, experimental
 * there and here (they need `--experimental`): `format` pretty-prints a query as
 * `/api/v1/format_query` does; `label-matchers set` and `label-matchers delete` change the
 * matchers of every vector selector in a query and print it the same way.
 */
import { Matcher, type MatchType } from '../model/index.js';
import { featureParseOptions, inspect, parseExpr, prettify, type Expr, type ParseOptions } from '../promql/parser/index.js';
import type { FlagDef } from './flag-parser.js';
import { registerToolCommand, type ToolIO } from './tool.js';

const COMMON_FLAGS: readonly FlagDef[] = [
  { name: 'experimental', kind: 'bool', default: 'false', help: 'Enable experimental commands.' },
  { name: 'enable-feature', kind: 'strings', help: 'Comma separated feature names to enable. Valid options: promql-experimental-functions, promql-delayed-name-removal, promql-extended-range-selectors, promql-binop-fill-modifiers.' },
];

/** Parser options from `--enable-feature`; duration expressions are always on, as in promtool. */
function parseOptions(flags: ReadonlyMap<string, unknown>): ParseOptions {
  const features = new Set((flags.get('enable-feature') as string[] | undefined ?? []).flatMap((f) => f.split(',')).map((f) => f.trim()));
  return { ...featureParseOptions(features), durationExpr: true };
}

/**
 * Runs an experimental command as promtool does: refused without `--experimental`; a query
 * that does not parse prints the parser's error and exits 1.
 */
function experimental(flags: ReadonlyMap<string, unknown>, io: ToolIO, query: string, edit: (e: Expr) => void): number {
  if (flags.get('experimental') !== true) {
    io.err('This command is experimental and requires the --experimental flag to be set.\n');
    return 1;
  }
  let expr: Expr;
  try {
    expr = parseExpr(query, parseOptions(flags));
    edit(expr);
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  io.out(`${prettify(expr)}\n`);
  return 0;
}

registerToolCommand({
  path: ['promql', 'format'],
  help: 'Format PromQL query to pretty printed form.',
  argsHelp: '<query>',
  minArgs: 1,
  flags: COMMON_FLAGS,
  run(flags, args, io) {
    return Promise.resolve(experimental(flags, io, args[0]!, () => undefined));
  },
});

registerToolCommand({
  path: ['promql', 'label-matchers', 'set'],
  help: 'Set a label matcher in the query.',
  argsHelp: '<query> <name> <value>',
  minArgs: 3,
  flags: [
    ...COMMON_FLAGS,
    { name: 'type', short: 't', kind: 'enum', default: '=', values: ['=', '!=', '=~', '!~'], help: 'Type of the label matcher to set.' },
  ],
  run(flags, args, io) {
    const type = String(flags.get('type')) as MatchType;
    const [query, name, value] = [args[0]!, args[1]!, args[2]!];
    return Promise.resolve(experimental(flags, io, query, (expr) => {
      const matcher = new Matcher(type, name, value);
      inspect(expr, (n) => {
        if (n.kind !== 'VectorSelector') return true;
        // Every matcher of that name takes the new type and value; without one, it is added.
        let found = false;
        n.matchers = n.matchers.map((m) => {
          if (m.name !== name) return m;
          found = true;
          return matcher;
        });
        if (!found) n.matchers.push(matcher);
        return true;
      });
    }));
  },
});

registerToolCommand({
  path: ['promql', 'label-matchers', 'delete'],
  help: 'Delete a label from the query.',
  argsHelp: '<query> <name>',
  minArgs: 2,
  flags: COMMON_FLAGS,
  run(flags, args, io) {
    const [query, name] = [args[0]!, args[1]!];
    return Promise.resolve(experimental(flags, io, query, (expr) => {
      inspect(expr, (n) => {
        if (n.kind === 'VectorSelector') n.matchers = n.matchers.filter((m) => m.name !== name);
        return true;
      });
    }));
  },
});
