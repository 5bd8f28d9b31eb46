/**
 * The data directory's `lock` file, held as Prometheus holds it: an exclusive, non-blocking
 * flock(2) on `<dir>/lock`, released (and the file removed) on close. Another Watchfire or a
 * Prometheus opening the same directory fails with "lock DB directory: resource temporarily
 * unavailable".
 *
 * Node has no flock, so a child process holds the lock: util-linux's `flock` locks the file
 * and runs `cat` on a pipe from this process. The lock lives exactly as long as the pipe: it
 * is released when we close it or when this process dies in any way (the kernel closes the
 * pipe, `cat` sees end of file, `flock` exits). Where `flock(1)` is missing, the lock
 * degrades to a PID file check (a live PID in the file refuses the directory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';

export const LOCK_FILENAME = 'lock';

/** Prometheus's `prometheus_tsdb_clean_start` values. */
export const enum LockfileState {
  Disabled = -1,
  Replaced = 0,
  CreatedCleanly = 1,
}

let flockPath: string | null | undefined;

/** flock(1) on PATH, found as the shell finds it (an executable file), without starting one. */
function findFlock(): string | null {
  if (flockPath !== undefined) return flockPath;
  flockPath = null;
  for (const d of (process.env['PATH'] ?? '').split(delimiter)) {
    if (d === '') continue;
    const p = join(d, 'flock');
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) {
        flockPath = p;
        break;
      }
    } catch {
      // not here
    }
  }
  return flockPath;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DirLock {
  readonly path: string;
  readonly state: LockfileState;
  #holder: ChildProcess | null;

  private constructor(path: string, state: LockfileState, holder: ChildProcess | null) {
    this.path = path;
    this.state = state;
    this.#holder = holder;
  }

  /** Takes the lock on `dir`, or throws `lock DB directory: ...`. */
  static async acquire(dir: string): Promise<DirLock> {
    const path = join(resolve(dir), LOCK_FILENAME);
    const state = existsSync(path) ? LockfileState.Replaced : LockfileState.CreatedCleanly;
    const flock = findFlock();
    if (flock === null) return DirLock.#acquirePid(path, state);
    const child = spawn(flock, ['--nonblock', '--exclusive', path, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const ok = await new Promise<boolean>((resolveLock, reject) => {
      let out = '';
      let errText = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString('utf8');
        if (out.includes('locked')) resolveLock(true);
      });
      child.stderr.on('data', (b: Buffer) => { errText += b.toString('utf8'); });
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code === 1 && errText.trim() === '') resolveLock(false);
        else reject(new Error(`lock DB directory: flock exited with ${code}: ${errText.trim()}`));
      });
    });
    if (!ok) throw new Error('lock DB directory: resource temporarily unavailable');
    child.removeAllListeners('exit');
    child.stdout.destroy();
    child.stderr.destroy();
    // The holder must not keep the event loop alive: closing the DB ends it.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return new DirLock(path, state, child);
  }

  static async #acquirePid(path: string, state: LockfileState): Promise<DirLock> {
    if (state === LockfileState.Replaced) {
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new Error('lock DB directory: resource temporarily unavailable');
      }
    }
    await writeFile(path, `${process.pid}\n`);
    return new DirLock(path, state, null);
  }

  /** Releases the lock and removes the file. Idempotent. */
  async release(): Promise<void> {
    const h = this.#holder;
    this.#holder = null;
    if (h !== null && h.exitCode === null && h.signalCode === null) {
      const exited = new Promise<void>((r) => { h.once('exit', () => { r(); }); });
      // Keep the event loop alive until the holder has gone (it was unref'ed while held).
      h.ref();
      h.stdin?.end();
      await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 2000).unref())]);
      if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
    }
    await rm(this.path, { force: true });
  }
}
