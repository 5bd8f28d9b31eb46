/**
 * The AWS shared configuration files, as the AWS SDKs read them: `~/.aws/credentials`
 * (`AWS_SHARED_CREDENTIALS_FILE`), whose sections are profile names, and `~/.aws/config`
 * (`AWS_CONFIG_FILE`), whose sections are `[default]` and `[profile <name>]`. Keys are
 * case-insensitive; for the same key the credentials file wins. Indented lines under a key
 * with an empty value form a sub-section (service settings), which discovery does not use
 * and skips. A missing file is an empty one.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The environment the AWS mechanisms read (process.env, or a test's). */
export type AWSEnv = Readonly<Record<string, string | undefined>>;

export type Profile = Readonly<Record<string, string>>;

/** Parses an INI document into section → key → value (keys lower-cased, values trimmed). */
export function parseINI(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  let section: Record<string, string> | null = null;
  let inSubsection = false;
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (trimmed.startsWith('[')) {
      const end = trimmed.indexOf(']');
      const name = (end < 0 ? trimmed.slice(1) : trimmed.slice(1, end)).trim();
      section = out.get(name) ?? {};
      out.set(name, section);
      inSubsection = false;
      continue;
    }
    if (section === null) continue;
    const indented = /^\s/.test(raw);
    if (indented && inSubsection) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) continue;
    const key = trimmed.slice(0, eq).trim().toLowerCase();
    const value = trimmed.slice(eq + 1).trim();
    if (value === '' && !indented) { inSubsection = true; continue; }
    inSubsection = false;
    section[key] = value;
  }
  return out;
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return '';
    throw new Error(`reading AWS shared config ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function home(env: AWSEnv): string {
  return env['HOME'] ?? homedir();
}

export function credentialsFilePath(env: AWSEnv): string {
  return env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home(env), '.aws', 'credentials');
}

export function configFilePath(env: AWSEnv): string {
  return env['AWS_CONFIG_FILE'] ?? join(home(env), '.aws', 'config');
}

/** Both files, merged per profile name. */
export class SharedConfig {
  readonly #profiles: Map<string, Record<string, string>>;

  private constructor(profiles: Map<string, Record<string, string>>) {
    this.#profiles = profiles;
  }

  static async load(env: AWSEnv): Promise<SharedConfig> {
    const [config, creds] = await Promise.all([readOptional(configFilePath(env)), readOptional(credentialsFilePath(env))]);
    const profiles = new Map<string, Record<string, string>>();
    for (const [section, values] of parseINI(config)) {
      let name: string;
      if (section === 'default') name = 'default';
      else if (section.startsWith('profile ')) name = section.slice('profile '.length).trim();
      else continue; // sso-session and services sections are not profiles
      profiles.set(name, { ...(profiles.get(name) ?? {}), ...values });
    }
    for (const [name, values] of parseINI(creds)) profiles.set(name, { ...(profiles.get(name) ?? {}), ...values });
    return new SharedConfig(profiles);
  }

  profile(name: string): Profile | undefined {
    return this.#profiles.get(name);
  }
}

/** The profile the SDK uses when none is configured: `AWS_PROFILE`, else "default". */
export function envProfile(env: AWSEnv): string | undefined {
  const p = env['AWS_PROFILE'];
  return p !== undefined && p !== '' ? p : undefined;
}
