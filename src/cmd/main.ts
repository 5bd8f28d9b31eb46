/**
 * The `watchfire` command: the server by default; other roles are subcommands
 * (`watchfire tool ...` is the promtool of Watchfire).
 */
import { runServer } from './server.js';
import { runTool } from './tool.js';

export const SUBCOMMANDS: Readonly<Record<string, string>> = {
  server: 'Run the monitoring server (the default when no subcommand is given).',
  tool: 'Tooling for the Watchfire monitoring system (the counterpart of promtool).',
};

export async function main(argv: readonly string[]): Promise<number> {
  const first = argv[0];
  switch (first) {
    case 'tool':
      return runTool(argv.slice(1));
    case 'server':
      return runServer(argv.slice(1));
    default:
      return runServer(argv);
  }
}
