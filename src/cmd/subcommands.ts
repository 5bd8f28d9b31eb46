/** The roles of the `watchfire` command, listed by `watchfire --help`. */
export const SUBCOMMANDS: Readonly<Record<string, string>> = {
  server: 'Run the monitoring server (the default when no subcommand is given).',
  alertmanager: 'Run the Alertmanager-compatible notification service (routing, grouping, silences, receivers).',
  tool: 'Tooling for the Watchfire monitoring system (the counterpart of promtool).',
};
