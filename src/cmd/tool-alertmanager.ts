/**
 * `watchfire tool alertmanager ...`: the counterpart of amtool for configuration work —
 * `check-config`, `config routes [show]`, `config routes test` — with amtool's output and
 * exit codes, plus `history` (Watchfire's alert history) and the alert and silence commands
 * in tool-alertmanager-remote.ts; shared helpers in tool-alertmanager-common.ts. Configuration comes from a file (`--config.file`) or a
 * running Alertmanager (`--alertmanager.url`, its `/api/v2/status`).
 */
import { registerToolCommand, type ToolIO } from './tool.js';
import { checkTemplates, loadAlertmanagerConfigFile, loadAlertmanagerConfigString, type LoadedConfig } from '../alertmanager/config/index.js';
import { Route } from '../alertmanager/dispatch/index.js';
import { matchersString, matchesAll } from '../alertmanager/labels/index.js';
import type { FlagDef } from './flag-parser.js';
import { TIMEOUT_FLAG, URL_FLAG, amConfigError, amGet, flagString, parseLabelArgs } from './tool-alertmanager-common.js';

// Shared with the receivers' tool commands (tool-alertmanager-receivers.ts).
export { amConfigError, flagString, amGet, parseLabelArgs, URL_FLAG, TIMEOUT_FLAG };

async function loadConfig(flags: ReadonlyMap<string, unknown>): Promise<LoadedConfig> {
  const file = flagString(flags, 'config.file');
  if (file !== '') return loadAlertmanagerConfigFile(file);
  const st = await amGet(flagString(flags, 'alertmanager.url'), '/api/v2/status', Number(flags.get('timeout') ?? 30_000));
  const original = (st as { config?: { original?: unknown } }).config?.original;
  if (typeof original !== 'string') throw new Error('the Alertmanager did not return its configuration');
  return loadAlertmanagerConfigString(original, '');
}

async function guarded(io: ToolIO, f: () => Promise<number>): Promise<number> {
  try {
    return await f();
  } catch (e) {
    io.err(`watchfire tool: error: ${amConfigError(e)}\n`);
    return 1;
  }
}

/** The receivers module installs the template checker; loaded when present (as the service does). */
const RECEIVERS_MODULE = '../alertmanager/receivers/index.js';

async function loadTemplateChecker(): Promise<void> {
  try {
    await import(RECEIVERS_MODULE);
  } catch {
    // Without it, templates are only globbed, not parsed.
  }
}

registerToolCommand({
  path: ['alertmanager', 'check-config'],
  help: 'Validate alertmanager config files and their templates (as amtool check-config).',
  argsHelp: '<check-files>...',
  minArgs: 1,
  flags: [],
  async run(_flags, args, io) {
    await loadTemplateChecker();
    let failed = 0;
    for (const f of args) {
      let out = `Checking '${f}'`;
      let cfg: LoadedConfig | null = null;
      try {
        cfg = loadAlertmanagerConfigFile(f, { checkTemplates: false });
        out += '  SUCCESS\n';
      } catch (e) {
        out += `  FAILED: ${amConfigError(e)}\n`;
        failed++;
      }
      if (cfg !== null) {
        const c = cfg.config;
        out += 'Found:\n - global config\n - route\n';
        out += ` - ${c.inhibit_rules.length} inhibit rules\n - ${c.receivers.length} receivers\n - ${c.templates.length} templates\n`;
        if (c.templates.length > 0) {
          // amtool parses the templates as a second step, after the summary.
          const why = checkTemplates(c.templates);
          if (why === null) out += '  SUCCESS\n';
          else {
            out += `  FAILED: ${why}\n`;
            failed++;
          }
        }
      }
      io.out(out + '\n');
    }
    if (failed > 0) {
      io.err(`watchfire tool: error: failed to validate ${failed} file(s)\n`);
      return 1;
    }
    return 0;
  },
});

/** amtool's route slug: the matchers (or `default-route`), then optionally continue and receiver. */
function routeSlug(r: Route, showContinue: boolean, showReceiver: boolean): string {
  let s = r.matchers.length === 0 ? 'default-route' : matchersString(r.matchers);
  if (r.continue && showContinue) s += '  continue: true';
  if (showReceiver) s += '  receiver: ' + r.opts.receiver;
  return s;
}

interface TreeNode { text: string; children: TreeNode[] }

/** The tree drawing of the treeprint package amtool uses (its continuation bar is followed by two no-break spaces). */
export function renderTree(root: TreeNode): string {
  let s = root.text + '\n';
  const walk = (nodes: TreeNode[], prefix: string): void => {
    nodes.forEach((n, i) => {
      const last = i === nodes.length - 1;
      s += prefix + (last ? '└── ' : '├── ') + n.text + '\n';
      walk(n.children, prefix + (last ? '    ' : '│\u00a0\u00a0 '));
    });
  };
  walk(root.children, '');
  return s;
}

function routeTree(r: Route): TreeNode {
  return { text: routeSlug(r, true, true), children: r.routes.map(routeTree) };
}

/** The matching tree of `routes test --tree`: children whose own matchers match, as amtool walks it. */
function matchingTree(r: Route, ls: Record<string, string>): TreeNode {
  const node: TreeNode = { text: routeSlug(r, false, false), children: [] };
  let final = true;
  for (const c of r.routes) {
    if (!matchesAll(c.matchers, ls)) continue;
    node.children.push(matchingTree(c, ls));
    final = false;
    if (!c.continue) break;
  }
  if (final) node.text = routeSlug(r, false, true);
  return node;
}

const routesFlags: FlagDef[] = [{ name: 'config.file', kind: 'string', default: '', help: 'Config file to be tested.' }, URL_FLAG, TIMEOUT_FLAG];

const routesShow = {
  help: 'Prints alert routing tree (as amtool config routes show).',
  argsHelp: '',
  minArgs: 0,
  flags: routesFlags,
  run(flags: ReadonlyMap<string, unknown>, _args: readonly string[], io: ToolIO): Promise<number> {
    return guarded(io, async () => {
      const cfg = await loadConfig(flags);
      const root = new Route(cfg.config.route, null);
      io.out('Routing tree:\n' + renderTree({ text: '.', children: [routeTree(root)] }) + '\n');
      return 0;
    });
  },
};
registerToolCommand({ path: ['alertmanager', 'config', 'routes'], ...routesShow });
registerToolCommand({ path: ['alertmanager', 'config', 'routes', 'show'], ...routesShow });

registerToolCommand({
  path: ['alertmanager', 'config', 'routes', 'test'],
  help: 'Test alert routing: prints the receivers an alert with these labels goes to (as amtool config routes test).',
  argsHelp: '[<labels>...]',
  minArgs: 0,
  flags: [
    ...routesFlags,
    { name: 'verify.receivers', kind: 'string', default: '', help: 'Checks if specified receivers matches resolved receivers. The command fails if the labelset does not route to the specified receivers.' },
    { name: 'tree', kind: 'bool', help: 'Prints out matching routes tree.' },
  ],
  run(flags, args, io) {
    return guarded(io, async () => {
      const cfg = await loadConfig(flags);
      const root = new Route(cfg.config.route, null);
      let ls: Record<string, string>;
      try {
        ls = parseLabelArgs(args);
      } catch (e) {
        io.err(`watchfire tool: error: Failed to parse labels: ${e instanceof Error ? e.message : String(e)}\n`);
        return 1;
      }
      if (flags.get('tree') === true) io.out('Matching routes:\n' + renderTree({ text: '.', children: [matchingTree(root, ls)] }) + '\n\n');
      const slug = root.match(ls).map((r) => r.opts.receiver).join(',');
      io.out(slug + '\n');
      const want = flagString(flags, 'verify.receivers');
      if (want !== '' && want !== slug) {
        io.out('WARNING: Expected receivers did not match resolved receivers.\n');
        return 1;
      }
      return 0;
    });
  },
});

