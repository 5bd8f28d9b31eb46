/**
 * The auto-reload fingerprint: unchanged files give the same one; an edit of the main file,
 * of a rule file or of a scrape config file, a new file matched by a glob and a removed one
 * all change it; paths are relative to the main file's directory; an unreadable file or bad
 * YAML rejects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configChecksum } from './checksum.js';

void test('configChecksum follows the main file and the rule and scrape config files it names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-checksum-'));
  try {
    mkdirSync(join(dir, 'rules'));
    const cfg = join(dir, 'prometheus.yml');
    writeFileSync(cfg, 'rule_files: ["rules/*.yml"]\nscrape_config_files: [jobs.yml]\n');
    writeFileSync(join(dir, 'rules', 'a.yml'), 'groups: []\n');
    writeFileSync(join(dir, 'jobs.yml'), 'scrape_configs: []\n');
    const sum = async (): Promise<string> => configChecksum(cfg);
    let prev = await sum();
    assert.equal(await sum(), prev, 'same files, same fingerprint');
    const afterFirstEdit: string[] = [];
    const changes: [string, () => void][] = [
      ['rule file edited', () => { writeFileSync(join(dir, 'rules', 'a.yml'), 'groups: [] # edited\n'); }],
      ['rule file added', () => { writeFileSync(join(dir, 'rules', 'b.yml'), 'groups: []\n'); }],
      ['rule file removed', () => { unlinkSync(join(dir, 'rules', 'b.yml')); }],
      ['scrape config file edited', () => { writeFileSync(join(dir, 'jobs.yml'), 'scrape_configs: [] # edited\n'); }],
      ['main file edited', () => { writeFileSync(cfg, 'rule_files: ["rules/*.yml"]\nscrape_config_files: [jobs.yml]\n# edited\n'); }],
    ];
    for (const [what, change] of changes) {
      change();
      const s = await sum();
      assert.notEqual(s, prev, `${what}: another fingerprint`);
      afterFirstEdit.push(s);
      prev = s;
    }
    // Removing the added file brings back the files, and the fingerprint, from before it.
    assert.equal(afterFirstEdit[2], afterFirstEdit[0]);
    // A file the config does not name changes nothing.
    const before = await sum();
    writeFileSync(join(dir, 'other.yml'), 'x: 1\n');
    assert.equal(await sum(), before);

    writeFileSync(cfg, 'rule_files: [\n');
    await assert.rejects(sum(), 'bad YAML');
    await assert.rejects(configChecksum(join(dir, 'missing.yml')), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
