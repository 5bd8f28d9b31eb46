/**
 * Configuration errors. Every error names the file, and where the YAML gave one, the line and
 * the dotted path of the field (`scrape_configs[0].scrape_interval`), so that a user can go
 * straight to the mistake. The message after the location is Prometheus's own wording.
 */

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The file the error is in (a scrape config file when the error is there). */
  readonly file: string;
  /** 1-based line, or 0 when the error is not tied to one place. */
  readonly line: number;
  /** Dotted field path, e.g. `scrape_configs[0].scrape_interval`; '' for the whole file. */
  readonly field: string;
  /** The bare reason, without file, line or field. */
  readonly reason: string;

  constructor(file: string, line: number, field: string, reason: string, options?: ErrorOptions) {
    super(formatConfigError(file, line, field, reason), options);
    this.file = file;
    this.line = line;
    this.field = field;
    this.reason = reason;
  }
}

/** `loading config file "f": line 9: a.b: reason`. */
export function formatConfigError(file: string, line: number, field: string, reason: string): string {
  let s = `loading config file ${JSON.stringify(file)}: `;
  if (line > 0) s += `line ${line}: `;
  if (field !== '') s += `${field}: `;
  return s + reason;
}

/**
 * A failure found while decoding, before the file name is known to the thrower. `line` and
 * `field` locate it; `bare` marks messages that already say which field they concern
 * (Prometheus's "field x not found in type T") and so are printed without the path.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly line: number,
    readonly field: string,
    readonly reason: string,
    readonly bare = false,
  ) {
    super(reason);
  }
}

export function toConfigError(file: string, e: DecodeError): ConfigError {
  return new ConfigError(file, e.line, e.bare ? '' : e.field, e.reason, { cause: e });
}
