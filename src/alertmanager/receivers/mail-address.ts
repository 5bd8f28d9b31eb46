/**
 * Address lists as Go's net/mail.ParseAddressList reads the common forms: comma-separated
 * `addr@host`, `Name <addr@host>` and `"Quoted, Name" <addr@host>`. Returns the bare
 * addresses (what SMTP's MAIL and RCPT take); throws a permanent failure naming the field.
 */
import { NotifyFailure } from './common.js';

function splitList(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      cur += c;
      if (c === '\\' && i + 1 < s.length) cur += s[++i]!;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') comment++;
    else if (c === ')' && comment > 0) comment--;
    else if (c === '<') angle++;
    else if (c === '>' && angle > 0) angle--;
    else if (c === ',' && angle === 0 && comment === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

function addrSpec(a: string, what: string): string {
  const at = a.lastIndexOf('@');
  if (at < 0) throw new NotifyFailure(`${what}: mail: missing @ in addr-spec`, false);
  if (at === 0 || at === a.length - 1 || /[\s<>,;"]/.test(a)) throw new NotifyFailure(`${what}: mail: invalid string`, false);
  return a;
}

export function parseAddressList(s: string, what: string): string[] {
  if (s.trim() === '') throw new NotifyFailure(`${what}: mail: no address`, false);
  const out: string[] = [];
  for (const raw of splitList(s)) {
    const part = raw.replace(/\([^()]*\)/g, '').trim();
    if (part === '') throw new NotifyFailure(`${what}: mail: no address`, false);
    const lt = part.lastIndexOf('<');
    if (lt >= 0) {
      const gt = part.indexOf('>', lt);
      if (gt < 0) throw new NotifyFailure(`${what}: mail: unclosed angle-addr`, false);
      out.push(addrSpec(part.slice(lt + 1, gt).trim(), what));
    } else {
      out.push(addrSpec(part, what));
    }
  }
  return out;
}
