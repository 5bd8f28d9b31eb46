/**
 * `check config`, as promtool does it: for each file, "Checking <file>", the load result,
 * then (unless syntax-only) the files the config refers to — rule files, TLS and credential
 * files, file_sd files — and the lints. Output and exit codes follow promtool: 0 valid,
 * 1 errors, 3 lint problems with --lint-fatal.
 *
 * Rule files are checked through `checkRuleFile`; the default only checks that the file is
 * readable YAML and counts its rules, until the rules component supplies a full parser.
 */
import { readFile, stat } from 'node:fs/promises';
import { formatDuration } from '../model/index.js';
import type { Millis } from '../model/index.js';
import { DecodeError } from './errors.js';
import { errnoText } from '../util/errno.js';
import { GlobPatternError, globSync } from '../util/glob.js';
import { loadConfigFile } from './load.js';
import { otherSDConfigs } from './sd/registry.js';
import type { AlertmanagerConfig, Config, FileSDConfig, ScrapeConfig, StaticConfig, TLSConfig } from './types.js';
import { parseYAML } from './yaml-node.js';
import type { YNode } from './yaml-node.js';

/** Outcome of checking one rule file: the number of rules, or the problems found. */
export type RuleFileResult =
  | { ok: true; rules: number }
  | { ok: false; errors: string[]; /** True when every problem is a lint (not an error). */ lintOnly: boolean };

export type RuleFileChecker = (path: string, lint: { duplicateRules: boolean }) => Promise<RuleFileResult>;

/**
 * Reads one file_sd file into target groups with file SD's validation, as promtool's check
 * does. Throws an `Error` whose message is what promtool prints after `checking SD file "<pattern>": `.
 */
export type SDFileReader = (path: string) => Promise<StaticConfig[]>;

/** Checks target groups (from static or file SD) against their scrape config; returns an error text or null. */
export type TargetGroupChecker = (groups: StaticConfig[], where: { scrape: ScrapeConfig } | { alertmanager: AlertmanagerConfig }) => string | null;

export interface CheckOptions {
  syntaxOnly: boolean;
  /** Comma-separated: none, all, duplicate-rules, too-long-scrape-interval (promtool's default: duplicate-rules). */
  lint: 'none' | 'all' | 'duplicate-rules' | 'too-long-scrape-interval' | (string & {});
  lintFatal?: boolean;
  agent?: boolean;
  /** The server's --query.lookback-delta for the scrape interval lint (default 5m). */
  lookbackDelta?: Millis;
  /** Rule file checker (default: readable YAML, rules counted). */
  checkRuleFile?: RuleFileChecker;
  /**
   * File SD file reader (default: none, and the files' contents are not checked; the tool
   * passes one built on the discovery component's parser).
   */
  readSDFile?: SDFileReader;
  /** Target group checker (default: none; the scrape component supplies relabeling checks). */
  checkTargetGroups?: TargetGroupChecker;
}

export interface CheckResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Go's os.Stat error text, or null when the file exists (or no file is named). */
async function statError(fn: string): Promise<string | null> {
  if (fn === '') return null;
  try {
    await stat(fn);
    return null;
  } catch (e) {
    return `stat ${fn}: ${errnoText(e)}`;
  }
}

function countRules(root: YNode | null): number {
  if (root === null || root.kind !== 'map') return 0;
  const groups = root.entries.find((e) => e.key === 'groups')?.value;
  if (groups === undefined || groups.kind !== 'seq') return 0;
  let n = 0;
  for (const g of groups.items) {
    if (g.kind !== 'map') continue;
    const rules = g.entries.find((e) => e.key === 'rules')?.value;
    if (rules !== undefined && rules.kind === 'seq') n += rules.items.length;
  }
  return n;
}

/** The interim rule file check: the file reads and parses as YAML. Hook: replaced by the rules component. */
export const yamlOnlyRuleFileCheck: RuleFileChecker = async (path) => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return { ok: false, errors: [`${path}: open ${path}: ${errnoText(e)}`], lintOnly: false };
  }
  try {
    return { ok: true, rules: countRules(parseYAML(text).root) };
  } catch (e) {
    const msg = e instanceof DecodeError ? `${e.line > 0 ? `${e.line}:1: ` : ''}${e.reason}` : String(e);
    return { ok: false, errors: [`${path}: ${msg}`], lintOnly: false };
  }
};

class CheckFailure extends Error {}

/** Go's filepath.Glob: a malformed pattern is an error of the check, not a crash. */
function globChecked(pattern: string): string[] {
  try {
    return globSync(pattern);
  } catch (e) {
    if (e instanceof GlobPatternError) throw new CheckFailure(e.message);
    throw e;
  }
}

async function checkTLS(tls: TLSConfig, syntaxOnly: boolean): Promise<void> {
  if (tls.cert_file !== '' && tls.key_file === '') throw new CheckFailure(`client cert file ${JSON.stringify(tls.cert_file)} specified without client key file`);
  if (tls.key_file !== '' && tls.cert_file === '') throw new CheckFailure(`client key file ${JSON.stringify(tls.key_file)} specified without client cert file`);
  if (syntaxOnly) return;
  const ce = await statError(tls.cert_file);
  if (ce !== null) throw new CheckFailure(`error checking client cert file ${JSON.stringify(tls.cert_file)}: ${ce}`);
  const ke = await statError(tls.key_file);
  if (ke !== null) throw new CheckFailure(`error checking client key file ${JSON.stringify(tls.key_file)}: ${ke}`);
}

/**
 * The files of `file_sd_configs`, as promtool checks them: a pattern matching nothing is a
 * warning; each matching file is read with `opts.readSDFile` (when given) and its groups are
 * checked against `where`.
 */
async function checkFileSD(
  configs: readonly FileSDConfig[], where: Parameters<TargetGroupChecker>[1], owner: string, opts: CheckOptions, out: (s: string) => void,
): Promise<void> {
  for (const fsd of configs) {
    for (const pattern of fsd.files) {
      const matches = globChecked(pattern);
      if (matches.length === 0) {
        out(`  WARNING: file ${JSON.stringify(pattern)} for file_sd in ${owner} does not exist\n`);
        continue;
      }
      if (opts.readSDFile === undefined) continue;
      for (const m of matches) {
        let groups: StaticConfig[];
        try {
          groups = await opts.readSDFile(m);
        } catch (e) {
          throw new CheckFailure(`checking SD file ${JSON.stringify(pattern)}: ${e instanceof Error ? e.message : String(e)}`);
        }
        const te = opts.checkTargetGroups?.(groups, where) ?? null;
        if (te !== null) throw new CheckFailure(te);
      }
    }
  }
}

interface FileCheck {
  ruleFiles: string[];
  scrapeConfigs: ScrapeConfig[];
}

async function checkOneConfig(file: string, opts: CheckOptions, out: (s: string) => void): Promise<FileCheck> {
  let cfg: Config;
  try {
    cfg = await loadConfigFile(file, { agent: opts.agent === true, readScrapeConfigFiles: !opts.syntaxOnly });
  } catch (e) {
    throw new CheckFailure(e instanceof Error ? e.message : String(e));
  }
  const ruleFiles: string[] = [];
  if (!opts.syntaxOnly) {
    for (const rf of cfg.rule_files) {
      const matches = globChecked(rf);
      if (!rf.includes('*')) {
        if (matches.length === 0) throw new CheckFailure(`${JSON.stringify(rf)} does not point to an existing file`);
        const se = await statError(matches[0]!);
        if (se !== null) throw new CheckFailure(`error checking rule file ${JSON.stringify(matches[0])}: ${se}`);
      }
      ruleFiles.push(...matches);
    }
  }
  const scrapeConfigs = opts.syntaxOnly ? cfg.scrape_configs.slice(0, cfg.source.main_scrape_configs) : cfg.scrape_configs;
  for (const sc of scrapeConfigs) {
    const az = sc.http_client.authorization;
    if (!opts.syntaxOnly && az !== null) {
      const se = await statError(az.credentials_file);
      if (se !== null) throw new CheckFailure(`error checking authorization credentials or bearer token file ${JSON.stringify(az.credentials_file)}: ${se}`);
    }
    await checkTLS(sc.http_client.tls_config, opts.syntaxOnly);
    for (const k of otherSDConfigs(sc, 'kubernetes_sd_configs')) await checkTLS(k.http_client.tls_config, opts.syntaxOnly);
    if (!opts.syntaxOnly) await checkFileSD(sc.file_sd_configs, { scrape: sc }, `scrape job ${JSON.stringify(sc.job_name)}`, opts, out);
    const te = opts.checkTargetGroups?.(sc.static_configs, { scrape: sc }) ?? null;
    if (te !== null) throw new CheckFailure(te);
  }
  for (const am of cfg.alerting.alertmanagers) {
    if (!opts.syntaxOnly) await checkFileSD(am.file_sd_configs, { alertmanager: am }, 'alertmanager config', opts, out);
    const te = opts.checkTargetGroups?.(am.static_configs, { alertmanager: am }) ?? null;
    if (te !== null) throw new CheckFailure(te);
  }
  return { ruleFiles, scrapeConfigs };
}

interface LintSettings {
  duplicateRules: boolean;
  lookbackDelta: number;
}

function lintSettings(opts: CheckOptions, out: (s: string) => void): LintSettings {
  const s: LintSettings = { duplicateRules: false, lookbackDelta: 0 };
  let none = false;
  for (const o of opts.lint.split(',')) {
    switch (o) {
      case 'all': s.duplicateRules = true; s.lookbackDelta = opts.lookbackDelta ?? 300_000; break;
      case 'too-long-scrape-interval': s.lookbackDelta = opts.lookbackDelta ?? 300_000; break;
      case 'duplicate-rules': s.duplicateRules = true; break;
      case 'none': none = true; break;
      case '': break;
      default: out(`WARNING: unknown lint option: ${JSON.stringify(o)}\n`);
    }
  }
  return none ? { duplicateRules: false, lookbackDelta: 0 } : s;
}

/** Runs the config check over `files`; never throws for problems in the files. */
export async function checkConfig(files: string[], opts: CheckOptions): Promise<CheckResult> {
  let stdout = '';
  let stderr = '';
  const out = (s: string): void => { stdout += s; };
  const err = (s: string): void => { stderr += s; };
  const lint = lintSettings(opts, out);
  const checkRule = opts.checkRuleFile ?? yamlOnlyRuleFileCheck;
  let failed = false;
  let hasErrors = false;
  for (const f of files) {
    out(`Checking ${f}\n`);
    let res: FileCheck | null = null;
    try {
      res = await checkOneConfig(f, opts, out);
      if (res.ruleFiles.length > 0) out(`  SUCCESS: ${res.ruleFiles.length} rule files found\n`);
      out(` SUCCESS: ${f} is valid prometheus config file syntax\n`);
    } catch (e) {
      if (!(e instanceof CheckFailure)) throw e;
      err(`  FAILED: ${e.message}\n`);
      failed = true;
      hasErrors = true;
    }
    out('\n');
    if (opts.syntaxOnly || res === null) continue;
    for (const sc of res.scrapeConfigs) {
      if (lint.lookbackDelta > 0 && sc.scrape_interval >= lint.lookbackDelta) {
        err(`  FAILED: too long scrape interval found, data point will be marked as stale - job: ${sc.job_name}, interval: ${formatDuration(sc.scrape_interval)}\n`);
        failed = true;
        break;
      }
    }
    for (const rf of res.ruleFiles) {
      out(`Checking ${rf}\n`);
      const r = await checkRule(rf, { duplicateRules: lint.duplicateRules });
      if (r.ok) {
        out(`  SUCCESS: ${r.rules} rules found\n`);
        out('\n');
        continue;
      }
      failed = true;
      err('  FAILED:\n');
      for (const e of r.errors) err(`${e}\n`);
      if (!r.lintOnly) hasErrors = true;
      else out('\n');
    }
  }
  const exitCode = failed && hasErrors ? 1 : failed && opts.lintFatal === true ? 3 : 0;
  return { stdout, stderr, exitCode };
}
