/**
 * Structured logging as Prometheus does it (`--log.level`, `--log.format=logfmt|json`):
 * `time=... level=INFO source=... msg="..." key=value`. Loggers are cheap to derive with
 * `with()`; a disabled level costs one comparison.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';
export type LogFields = Record<string, unknown>;

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds these fields to every line. */
  with(fields: LogFields): Logger;
  enabled(level: LogLevel): boolean;
}

export interface LogSink {
  write(line: string): void;
}

export function newLogger(opts: { level?: LogLevel; format?: LogFormat; sink?: LogSink } = {}): Logger {
  const sink = opts.sink ?? { write: (l: string) => { process.stderr.write(l); } };
  return new StructuredLogger(RANK[opts.level ?? 'info'], opts.format ?? 'logfmt', sink, {});
}

/** A logger that drops everything (tests, tools). */
export const nopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  with: () => nopLogger,
  enabled: () => false,
};

class StructuredLogger implements Logger {
  constructor(
    private readonly min: number,
    private readonly format: LogFormat,
    private readonly sink: LogSink,
    private readonly base: LogFields,
  ) {}

  debug(msg: string, fields?: LogFields): void { this.log('debug', msg, fields); }
  info(msg: string, fields?: LogFields): void { this.log('info', msg, fields); }
  warn(msg: string, fields?: LogFields): void { this.log('warn', msg, fields); }
  error(msg: string, fields?: LogFields): void { this.log('error', msg, fields); }

  with(fields: LogFields): Logger {
    return new StructuredLogger(this.min, this.format, this.sink, { ...this.base, ...fields });
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] >= this.min;
  }

  private log(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    if (RANK[level] < this.min) return;
    const all: LogFields = { time: new Date().toISOString(), level: level.toUpperCase(), ...this.base, msg, ...fields };
    if (this.format === 'json') {
      this.sink.write(JSON.stringify(all, (_k, v: unknown) => (v instanceof Error ? v.message : v)) + '\n');
      return;
    }
    let line = '';
    for (const [k, v] of Object.entries(all)) {
      if (line !== '') line += ' ';
      line += k + '=' + logfmtValue(v);
    }
    this.sink.write(line + '\n');
  }
}

function logfmtValue(v: unknown): string {
  let s: string;
  if (v instanceof Error) s = v.message;
  else if (typeof v === 'string') s = v;
  else if (v === undefined) s = '';
  else if (typeof v === 'object') s = JSON.stringify(v);
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = v.toString();
  else s = typeof v;
  return s === '' || /[\s"=\\]/.test(s) ? JSON.stringify(s) : s;
}
