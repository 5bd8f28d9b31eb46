/**
 * Writes a `YOut` tree as Prometheus's YAML library (go-yaml v2) writes it, so that
 * `/api/v1/status/config` reads the same: 2-space indentation, sequences under a key not
 * indented, strings plain when safe, double-quoted when they would read back as another
 * type (`"y"`, `"1"`, `""`), single-quoted when YAML syntax demands, literal blocks for
 * multi-line text, and long lines folded at spaces past column 80.
 */
import { resolvePlain } from './yaml-node.js';
import type { YOut } from './schema.js';

const BEST_WIDTH = 80;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

const isBlankz = (c: string | undefined): boolean => c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBreak = (c: string): boolean => c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';

function isPrintable(c: string): boolean {
  const u = c.codePointAt(0)!;
  return u === 0x0a || (u >= 0x20 && u <= 0x7e) || u === 0x85 || (u >= 0xa0 && u <= 0xd7ff) || (u >= 0xe000 && u <= 0xfffd && u !== 0xfeff) || (u >= 0x10000 && u <= 0x10ffff);
}

/** libyaml's scalar analysis: which styles can represent `value`. */
function analyze(value: string): Analysis {
  if (value.length === 0) return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  let blockInd = false;
  let flowInd = false;
  if (value.startsWith('---') || value.startsWith('...')) { blockInd = true; flowInd = true; }
  let precededByWs = true;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, prevSpace = false, prevBreak = false;
  const chars = Array.from(value);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const followedByWs = isBlankz(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) { flowInd = true; blockInd = true; }
      else if (c === '?' || c === ':') { flowInd = true; if (followedByWs) blockInd = true; }
      else if (c === '-' && followedByWs) { flowInd = true; blockInd = true; }
    } else {
      if (',?[]{}'.includes(c)) flowInd = true;
      else if (c === ':') { flowInd = true; if (followedByWs) blockInd = true; }
      else if (c === '#' && precededByWs) { flowInd = true; blockInd = true; }
    }
    if (!isPrintable(c)) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true; prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevBreak = true; prevSpace = false;
    } else {
      prevSpace = false; prevBreak = false;
    }
    precededByWs = isBlankz(c);
  }
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) { a.flowPlain = false; a.blockPlain = false; }
  if (trailingSpace) a.block = false;
  if (breakSpace) { a.flowPlain = false; a.blockPlain = false; a.singleQuoted = false; }
  if (spaceBreak || special) { a.flowPlain = false; a.blockPlain = false; a.singleQuoted = false; a.block = false; }
  if (lineBreaks) { a.flowPlain = false; a.blockPlain = false; }
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** The style go-yaml v2 picks for a string in the given context. */
export function scalarStyle(value: string, flow: boolean, simpleKey: boolean): Style {
  let style: Style;
  if (value.includes('\n')) style = 'literal';
  else if (resolvePlain(value).tag === 'str' && !BASE60.test(value)) style = 'plain';
  else style = 'double';
  const a = analyze(value);
  if (style === 'plain') {
    if ((flow && !a.flowPlain) || (!flow && !a.blockPlain)) style = 'single';
    if (value.length === 0 && (flow || simpleKey)) style = 'single';
  }
  if (style === 'literal' && (!a.block || flow || simpleKey)) style = 'double';
  if (style === 'single' && !a.singleQuoted) style = 'double';
  return style;
}

const ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\x0b': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e',
  '"': '"', '\\': '\\', '\u0085': 'N', '\u00a0': '_', '\u2028': 'L', '\u2029': 'P',
};

class Writer {
  out = '';
  column = 0;
  /** True when the last thing written was whitespace (or the start of a line). */
  ws = true;

  write(s: string): void {
    this.out += s;
    this.column += Array.from(s).length;
    this.ws = false;
  }
  newline(indent: number): void {
    this.out += '\n' + ' '.repeat(indent);
    this.column = indent;
    this.ws = true;
  }
  space(): void {
    if (!this.ws) this.write(' ');
    this.ws = true;
  }

  scalar(value: string, indent: number, flow: boolean, simpleKey: boolean): void {
    const style = scalarStyle(value, flow, simpleKey);
    const breaks = !simpleKey;
    const chars = Array.from(value);
    switch (style) {
      case 'plain': {
        this.space();
        let spaces = false;
        for (let i = 0; i < chars.length; i++) {
          const c = chars[i]!;
          if (c === ' ') {
            if (breaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.newline(indent);
            else this.write(c);
            spaces = true;
          } else { this.write(c); spaces = false; }
        }
        return;
      }
      case 'single': {
        this.space();
        this.write("'");
        let spaces = false;
        for (let i = 0; i < chars.length; i++) {
          const c = chars[i]!;
          if (c === ' ') {
            if (breaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ') this.newline(indent);
            else this.write(c);
            spaces = true;
          } else { this.write(c === "'" ? "''" : c); spaces = false; }
        }
        this.write("'");
        return;
      }
      case 'double': {
        this.space();
        this.write('"');
        let spaces = false;
        for (let i = 0; i < chars.length; i++) {
          const c = chars[i]!;
          const esc = ESCAPES[c];
          if (!isPrintable(c) || esc !== undefined && c !== ' ') {
            if (esc !== undefined) this.write('\\' + esc);
            else {
              const u = c.codePointAt(0)!;
              this.write(u <= 0xff ? '\\x' + u.toString(16).toUpperCase().padStart(2, '0') : u <= 0xffff ? '\\u' + u.toString(16).toUpperCase().padStart(4, '0') : '\\U' + u.toString(16).toUpperCase().padStart(8, '0'));
            }
            spaces = false;
          } else if (c === ' ') {
            if (breaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
              this.newline(indent);
              if (chars[i + 1] === ' ') this.write('\\');
            } else this.write(c);
            spaces = true;
          } else { this.write(c); spaces = false; }
        }
        this.write('"');
        return;
      }
      case 'literal': {
        this.space();
        let hint = '|';
        if (value.startsWith(' ') || value.startsWith('\n')) hint += '2';
        if (!value.endsWith('\n')) hint += '-';
        else if (value.length === 1 || value.endsWith('\n\n')) hint += '+';
        this.write(hint);
        const lines = value.split('\n');
        if (value.endsWith('\n')) lines.pop();
        for (const line of lines) {
          if (line === '') { this.out += '\n'; this.column = 0; this.ws = true; continue; }
          this.newline(indent);
          this.write(line);
        }
        return;
      }
    }
  }
}

/** Writes a value that follows `key:` or `- ` on the current line or below it. */
function writeValue(w: Writer, v: YOut, indent: number, inSeqItem: boolean): void {
  switch (v.t) {
    case 'raw': w.space(); w.write(v.v); return;
    case 'str': w.scalar(v.v, indent + 2, false, false); return;
    case 'map':
      if (v.entries.length === 0) { w.space(); w.write('{}'); return; }
      if (inSeqItem) { w.space(); writeMapEntries(w, v.entries, indent + 2, true); return; }
      w.newline(indent + 2);
      writeMapEntries(w, v.entries, indent + 2, true);
      return;
    case 'seq':
      if (v.items.length === 0) { w.space(); w.write('[]'); return; }
      if (v.flow) { writeFlowSeq(w, v.items, indent + 2); return; }
      if (inSeqItem) { w.space(); writeSeqItems(w, v.items, indent + 2, true); return; }
      // A sequence under a mapping key is not indented, as go-yaml writes it.
      w.newline(indent);
      writeSeqItems(w, v.items, indent, true);
      return;
  }
}

function writeFlowSeq(w: Writer, items: YOut[], indent: number): void {
  w.space();
  w.write('[');
  w.ws = true;
  items.forEach((it, i) => {
    if (i > 0) w.write(',');
    if (w.column > BEST_WIDTH) w.newline(indent);
    if (it.t === 'str') w.scalar(it.v, indent, true, false);
    else if (it.t === 'raw') { w.space(); w.write(it.v); }
    else { w.space(); w.write(it.t === 'map' ? '{}' : '[]'); }
  });
  w.write(']');
}

function writeMapEntries(w: Writer, entries: [string, YOut][], indent: number, firstOnLine: boolean): void {
  entries.forEach(([k, v], i) => {
    if (i > 0 || !firstOnLine) w.newline(indent);
    w.scalar(k, indent, false, true);
    w.write(':');
    writeValue(w, v, indent, false);
  });
}

function writeSeqItems(w: Writer, items: YOut[], indent: number, firstOnLine: boolean): void {
  items.forEach((it, i) => {
    if (i > 0 || !firstOnLine) w.newline(indent);
    w.write('-');
    writeValue(w, it, indent, true);
  });
}

/** The YAML text of a document whose root is a mapping. Ends with a newline. */
export function emitYAML(root: [string, YOut][]): string {
  if (root.length === 0) return '{}\n';
  const w = new Writer();
  writeMapEntries(w, root, 0, true);
  return w.out + '\n';
}
