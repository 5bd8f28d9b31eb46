/**
 * The text Go prints for a failed system call (`open x: no such file or directory`), so that
 * messages about files read like Prometheus's and promtool's.
 */

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
};

/** Go's text for the errno of a Node file system error; otherwise the error's own message. */
export function errnoText(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return (typeof code === 'string' ? ERRNO_TEXT[code] : undefined) ?? (e instanceof Error ? e.message : String(e));
}
