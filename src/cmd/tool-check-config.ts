/** `watchfire tool check config [flags] <config-files>...`, as promtool's `check config`. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { checkConfig, type SDFileReader } from '../config/index.js';
import { FileSDParseError, fileFormat, parseTargetGroups } from '../discovery/file/parse.js';
import { errnoText } from '../util/errno.js';
import { registerToolCommand } from './tool.js';
import { ruleFileChecker } from './tool-rules.js';

/**
 * promtool's reading of a file_sd file: the file's text decoded by file SD's own parser (so
 * the check validates exactly what discovery would load), with promtool's wording where it
 * differs from file SD's: the open error, the extension, Go's JSON syntax errors, and the
 * index of a null group.
 */
export const readSDFileAsPromtool: SDFileReader = async (path) => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`open ${path}: ${errnoText(e)}`, { cause: e });
  }
  const format = fileFormat(path);
  if (format === null) throw new Error(`invalid file extension: ${JSON.stringify(extname(path))}`);
  try {
    return parseTargetGroups(text, format);
  } catch (e) {
    if (!(e instanceof FileSDParseError)) throw e;
    if (e.nilItemIndex !== null) throw new Error(`nil target group item found (index ${e.nilItemIndex})`, { cause: e });
    if (e.cause instanceof SyntaxError) throw new Error(goJSONSyntaxError(e.cause), { cause: e });
    throw e;
  }
};

/** Go's encoding/json syntax errors are lower case; the one for a truncated text is fixed. */
function goJSONSyntaxError(e: SyntaxError): string {
  if (/end of JSON input/.test(e.message)) return 'unexpected end of JSON input';
  return e.message.charAt(0).toLowerCase() + e.message.slice(1);
}

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
      readSDFile: readSDFileAsPromtool,
      checkRuleFile: ruleFileChecker(flags.get('ignore-unknown-fields') === true),
    });
    io.out(r.stdout);
    io.err(r.stderr);
    return r.exitCode;
  },
});
