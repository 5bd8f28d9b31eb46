// Prints the flag table of docs/cli.md from the server's flag definitions (build first):
// `npm run build && node scripts/gen-cli-docs.mjs`.
import { SERVER_FLAGS } from '../dist/cmd/server-flags.js';

const rows = SERVER_FLAGS.filter((d) => d.hidden !== true).map((d) => {
  const def = d.default === undefined ? '' : Array.isArray(d.default) ? d.default.join(', ') : String(d.default);
  const mode = d.mode !== undefined ? ` Use with ${d.mode} mode only.` : '';
  const name = d.kind === 'strings' ? `\`--${d.name}\` ...` : `\`--${d.name}\``;
  return `| ${name} | ${(d.help + mode).replace(/\|/g, '\\|')} | ${def === '' ? '' : '`' + def + '`'} |`;
});
console.log('| Flag | Description | Default |\n| --- | --- | --- |\n' + rows.join('\n'));
