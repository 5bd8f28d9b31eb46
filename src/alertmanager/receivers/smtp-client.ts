/**
 * A small SMTP client on node:net and node:tls with the conversation of Go's net/smtp, which
 * Alertmanager uses: greeting, EHLO (HELO when EHLO is refused), STARTTLS followed by a new
 * EHLO, AUTH with PLAIN, LOGIN or CRAM-MD5 (PLAIN only over TLS or to localhost), MAIL FROM
 * with `BODY=8BITMIME` and `SMTPUTF8` when the server offers them, RCPT TO, DATA with dot
 * stuffing and LF written as CRLF, QUIT. Replies that are not the expected code fail with
 * Go's text (`535 5.7.8 Authentication failed`). An abort destroys the connection.
 */
import { createHmac } from 'node:crypto';
import { type Socket, connect as netConnect } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';

export class SMTPReplyError extends Error {
  override readonly name = 'SMTPReplyError';
  constructor(readonly code: number, msg: string) {
    super(`${String(code).padStart(3, '0')} ${msg}`);
  }
}

interface Reply { code: number; msg: string }

export type SMTPAuth =
  | { mech: 'PLAIN'; identity: string; username: string; password: string; host: string }
  | { mech: 'LOGIN'; username: string; password: string }
  | { mech: 'CRAM-MD5'; username: string; secret: string };

export interface DialOptions {
  host: string;
  port: number;
  /** Implicit TLS (SMTPS) with these options. */
  tls: ConnectionOptions | null;
  signal: AbortSignal;
  timeoutMs?: number;
}

/** One SMTP session. Not reusable after `quit` or a failure. */
export class SMTPClient {
  private socket: Socket | TLSSocket;
  private buf = '';
  private waiters: (() => void)[] = [];
  private closedErr: Error | null = null;
  private ext: Map<string, string> | null = null;
  private didHello = false;
  private localName = 'localhost';
  isTLS: boolean;
  private readonly onAbort: () => void;

  private constructor(socket: Socket | TLSSocket, isTLS: boolean, readonly serverName: string, private readonly signal: AbortSignal) {
    this.socket = socket;
    this.isTLS = isTLS;
    this.attach(socket);
    this.onAbort = (): void => { this.fail(new Error('context canceled')); };
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  private attach(s: Socket | TLSSocket): void {
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      this.buf += d;
      this.wake();
    });
    s.on('error', (e: Error) => { this.fail(e); });
    s.on('close', () => { this.fail(new Error('EOF')); });
  }

  private fail(e: Error): void {
    if (this.closedErr === null) this.closedErr = e;
    this.socket.destroy();
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Connects and reads the greeting (220). */
  static async dial(o: DialOptions): Promise<SMTPClient> {
    if (o.signal.aborted) throw new Error('context canceled');
    const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
      const s = o.tls !== null
        ? tlsConnect({ ...o.tls, host: o.host, port: o.port })
        : netConnect({ host: o.host, port: o.port });
      const done = (e?: Error): void => {
        o.signal.removeEventListener('abort', abort);
        s.removeListener('error', done);
        if (e !== undefined) reject(e);
        else resolve(s);
      };
      const abort = (): void => { s.destroy(); done(new Error('context canceled')); };
      o.signal.addEventListener('abort', abort, { once: true });
      s.once(o.tls !== null ? 'secureConnect' : 'connect', () => { done(); });
      s.once('error', done);
    });
    const c = new SMTPClient(socket, o.tls !== null, o.host, o.signal);
    try {
      await c.expect(220);
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  private async line(): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf('\n');
      if (i >= 0) {
        const l = this.buf.slice(0, i).replace(/\r$/, '');
        this.buf = this.buf.slice(i + 1);
        return Buffer.from(l, 'latin1').toString('utf8');
      }
      if (this.closedErr !== null) throw this.closedErr;
      await new Promise<void>((r) => { this.waiters.push(r); });
    }
  }

  /** Reads a (multi-line) reply; lines after the first are joined with `\n`. */
  private async reply(): Promise<Reply> {
    const lines: string[] = [];
    let code = 0;
    for (;;) {
      const l = await this.line();
      const m = /^(\d{3})([ -]?)(.*)$/.exec(l);
      if (m === null) throw new Error(`short response: ${l}`);
      code = Number(m[1]);
      lines.push(m[3]!);
      if (m[2] !== '-') break;
    }
    return { code, msg: lines.join('\n') };
  }

  private async expect(expected: number): Promise<Reply> {
    const r = await this.reply();
    // Go's textproto: a one-digit or two-digit expectation matches a class of codes.
    const ok = expected < 10 ? Math.floor(r.code / 100) === expected : expected < 100 ? Math.floor(r.code / 10) === expected : r.code === expected;
    if (expected !== 0 && !ok) throw new SMTPReplyError(r.code, r.msg);
    return r;
  }

  private write(s: string): void {
    if (this.closedErr !== null) throw this.closedErr;
    this.socket.write(Buffer.from(s, 'utf8'));
  }

  async cmd(expected: number, line: string): Promise<Reply> {
    this.write(line + '\r\n');
    return this.expect(expected);
  }

  /** EHLO, or HELO when EHLO is refused (Go's `Hello`). */
  async hello(name = this.localName): Promise<void> {
    this.localName = name;
    if (this.didHello) return;
    this.didHello = true;
    try {
      const r = await this.cmd(250, `EHLO ${name}`);
      const ext = new Map<string, string>();
      const lines = r.msg.split('\n');
      for (const l of lines.slice(1)) {
        const sp = l.indexOf(' ');
        ext.set((sp < 0 ? l : l.slice(0, sp)).toUpperCase(), sp < 0 ? '' : l.slice(sp + 1));
      }
      this.ext = ext;
    } catch (e) {
      if (!(e instanceof SMTPReplyError)) throw e;
      await this.cmd(250, `HELO ${name}`);
    }
  }

  /** Whether the server offers an extension, and its parameters (`AUTH` → `PLAIN LOGIN`). */
  async extension(name: string): Promise<{ ok: boolean; params: string }> {
    await this.hello();
    const p = this.ext?.get(name.toUpperCase());
    return p === undefined ? { ok: false, params: '' } : { ok: true, params: p };
  }

  /** STARTTLS, the handshake, and a new EHLO. */
  async startTLS(opts: ConnectionOptions): Promise<void> {
    await this.hello();
    await this.cmd(220, 'STARTTLS');
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('error');
    plain.removeAllListeners('close');
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const t = tlsConnect({ ...opts, socket: plain });
      t.once('secureConnect', () => { t.removeListener('error', reject); resolve(t); });
      t.once('error', reject);
    });
    this.socket = secure;
    this.isTLS = true;
    this.attach(secure);
    this.didHello = false;
    this.ext = null;
    await this.hello();
  }

  async auth(a: SMTPAuth): Promise<void> {
    await this.hello();
    let first: string;
    switch (a.mech) {
      case 'PLAIN':
        if (!this.isTLS && !['localhost', '127.0.0.1', '::1'].includes(this.serverName)) throw new Error('unencrypted connection');
        if (this.serverName !== a.host) throw new Error('wrong host name');
        first = `AUTH PLAIN ${Buffer.from(`${a.identity}\0${a.username}\0${a.password}`, 'utf8').toString('base64')}`;
        break;
      case 'LOGIN': first = 'AUTH LOGIN'; break;
      case 'CRAM-MD5': first = 'AUTH CRAM-MD5'; break;
    }
    let r = await this.cmd(0, first);
    for (;;) {
      if (r.code === 235) return;
      if (r.code !== 334) throw new SMTPReplyError(r.code, r.msg);
      const challenge = Buffer.from(r.msg, 'base64').toString('utf8');
      let resp: string;
      switch (a.mech) {
        case 'PLAIN': resp = ''; break;
        case 'LOGIN': {
          const q = challenge.toLowerCase();
          if (q === 'username:') resp = a.username;
          else if (q === 'password:') resp = a.password;
          else {
            await this.cmd(501, '*').catch(() => undefined);
            throw new Error('unexpected server challenge');
          }
          break;
        }
        case 'CRAM-MD5':
          resp = `${a.username} ${createHmac('md5', a.secret).update(Buffer.from(r.msg, 'base64')).digest('hex')}`;
          break;
      }
      r = await this.cmd(0, Buffer.from(resp, 'utf8').toString('base64'));
    }
  }

  async mail(from: string): Promise<void> {
    await this.hello();
    let line = `MAIL FROM:<${from}>`;
    if (this.ext !== null) {
      if (this.ext.has('8BITMIME')) line += ' BODY=8BITMIME';
      if (this.ext.has('SMTPUTF8')) line += ' SMTPUTF8';
    }
    await this.cmd(250, line);
  }

  async rcpt(to: string): Promise<void> {
    await this.cmd(25, `RCPT TO:<${to}>`);
  }

  /** DATA, the message dot-stuffed with CRLF line ends, and the final `.`. */
  async data(message: string): Promise<void> {
    await this.cmd(354, 'DATA');
    this.write(dotStuff(message));
    await this.expect(250);
  }

  async quit(): Promise<void> {
    try {
      await this.cmd(221, 'QUIT');
    } finally {
      this.close();
    }
  }

  close(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    if (this.closedErr === null) this.closedErr = new Error('use of closed connection');
    this.socket.destroy();
  }
}

/** textproto's DotWriter: LF becomes CRLF, a leading `.` is doubled, and `.` ends the data. */
export function dotStuff(msg: string): string {
  let out = msg.replace(/\r?\n/g, '\r\n').replace(/(?<=^|\r\n)\./g, "..");
  if (!out.endsWith('\r\n') && out !== '') out += '\r\n';
  return out + '.\r\n';
}
