/**
 * The `watchfire` command: the server by default; other roles are subcommands
 * (`watchfire tool ...` is the promtool of Watchfire). Each role's modules are loaded only
 * when that role runs, so a tool command does not pay for loading the server.
 */
export { SUBCOMMANDS } from './subcommands.js';

export async function main(argv: readonly string[]): Promise<number> {
  const first = argv[0];
  switch (first) {
    case 'tool':
      return (await import('./tool.js')).runTool(argv.slice(1));
    case 'alertmanager':
      return (await import('./alertmanager.js')).runAlertmanager(argv.slice(1));
    case 'server':
      return (await import('./server-launch.js')).runServer(argv.slice(1));
    default:
      return (await import('./server-launch.js')).runServer(argv);
  }
}
