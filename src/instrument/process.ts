/**
 * The standard process metrics (`process_*`) that dashboards and alerts expect of every
 * Prometheus-instrumented program, read from /proc on Linux and from Node elsewhere.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Registry } from './registry.js';

const startTimeSeconds = Math.floor((Date.now() - performance.now()) / 1000);

function pageSize(): number {
  return 4096;
}

function procStat(): { vsize: number; rssPages: number } | null {
  try {
    const s = readFileSync('/proc/self/stat', 'utf8');
    const fields = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state is index 0; vsize is field 23 overall (index 20 here), rss 24 (index 21).
    return { vsize: Number(fields[20]), rssPages: Number(fields[21]) };
  } catch {
    return null;
  }
}

/** A soft limit from /proc/self/limits; Infinity when unlimited, NaN off Linux. */
function limit(name: string): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const m = new RegExp(`${name}\\s+(\\d+|unlimited)`).exec(limits);
    if (m !== null) return m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch { /* not Linux */ }
  return NaN;
}

function maxFds(): number {
  return limit('Max open files');
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return NaN;
  }
}

export function registerProcessMetrics(reg: Registry): void {
  reg.collector('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', 'counter', () => {
    const u = process.cpuUsage();
    return [{ suffix: '', labels: [], value: (u.user + u.system) / 1e6 }];
  });
  reg.collector('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge', () => {
    const st = procStat();
    return [{ suffix: '', labels: [], value: st !== null ? st.rssPages * pageSize() : process.memoryUsage().rss }];
  });
  reg.collector('process_virtual_memory_bytes', 'Virtual memory size in bytes.', 'gauge', () => {
    const st = procStat();
    return st !== null ? [{ suffix: '', labels: [], value: st.vsize }] : [];
  });
  reg.collector('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge', () =>
    [{ suffix: '', labels: [], value: startTimeSeconds }]);
  reg.collector('process_open_fds', 'Number of open file descriptors.', 'gauge', () => {
    const n = openFds();
    return Number.isNaN(n) ? [] : [{ suffix: '', labels: [], value: n }];
  });
  reg.collector('process_max_fds', 'Maximum number of open file descriptors.', 'gauge', () => {
    const n = maxFds();
    return Number.isNaN(n) ? [] : [{ suffix: '', labels: [], value: n }];
  });
  reg.collector('process_virtual_memory_max_bytes', 'Maximum amount of virtual memory available in bytes.', 'gauge', () => {
    // Unlimited shows as the largest uint64, as Go's client reports it.
    const n = limit('Max address space');
    return Number.isNaN(n) ? [] : [{ suffix: '', labels: [], value: n === Infinity ? 2 ** 64 : n }];
  });
  reg.collector('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', 'gauge', () =>
    [{ suffix: '', labels: [], value: process.memoryUsage().heapUsed }]);
  reg.collector('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', 'gauge', () =>
    [{ suffix: '', labels: [], value: process.memoryUsage().heapTotal }]);
  reg.collector('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', 'gauge', () =>
    [{ suffix: '', labels: [], value: process.memoryUsage().external }]);
}
