/**
 * Small helpers the cloud mechanisms share when turning API objects into `__meta_*` labels.
 */

/**
 * Replaces every character that may not appear in a label name with "_", one per code
 * point, as Prometheus sanitizes tag, metadata and parameter keys. The result may still start
 * with a digit: callers prepend a fixed prefix.
 */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/gu, '_');
}

/** `host:port`, with brackets around hosts that contain a colon (Go's net.JoinHostPort). */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Joins values and surrounds them with the separator, so relabel regexes need not mind positions. */
export function surroundJoin(values: readonly string[], sep: string): string {
  return sep + values.join(sep) + sep;
}
