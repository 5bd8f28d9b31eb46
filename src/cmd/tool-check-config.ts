/** `watchfire tool check config [flags] <config-files>...`, as promtool's `check config`. */
import { checkConfig } from '../config/index.js';
import { registerToolCommand } from './tool.js';

registerToolCommand({
  path: ['check', 'config'],
  help: 'Check if the config files are valid or not.',
  argsHelp: '<config-files>...',
  minArgs: 1,
  flags: [
    { name: 'syntax-only', kind: 'bool', help: 'Only check the config file syntax, ignoring file and content validation referenced in the config' },
    { name: 'lint', kind: 'string', default: 'duplicate-rules', help: 'Linting checks to apply to the rules/scrape configs specified in the config. Available options are: all, duplicate-rules, none, too-long-scrape-interval. Use --lint=none to disable linting' },
    { name: 'lint-fatal', kind: 'bool', default: 'false', help: 'Make lint errors exit with exit code 3.' },
    { name: 'ignore-unknown-fields', kind: 'bool', default: 'false', help: 'Ignore unknown fields in the rule groups read by the config files.' },
    { name: 'agent', kind: 'bool', help: 'Check config file for Agent mode.' },
  ],
  async run(flags, args, io) {
    const r = await checkConfig([...args], {
      syntaxOnly: flags.get('syntax-only') === true,
      lint: String(flags.get('lint')),
      lintFatal: flags.get('lint-fatal') === true,
      agent: flags.get('agent') === true,
    });
    io.out(r.stdout);
    io.err(r.stderr);
    return r.exitCode;
  },
});
