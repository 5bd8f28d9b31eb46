/**
 * The parser's token stream (three-token lookahead over the lexer) and its error forms
 * (`template: NAME:LINE: ...`, `unexpected X in Y`), as Go's parse.Tree has them.
 */
import type { ListNode, TreeRef } from './ast.js';
import { type Item, It, type Lexer, itemString } from './lex.js';
import type { Tree } from './parse.js';

/** A template parse failure; the message is Go's (`template: x:1: unexpected EOF`). */
export class ParseError extends Error {
  override readonly name = 'ParseError';
}

export interface ParseOptions {
  readonly leftDelim: string;
  readonly rightDelim: string;
  /** Whether an identifier names a function (user function or builtin). */
  readonly hasFunction: (name: string) => boolean;
  /** Go's `SkipFuncCheck` mode. */
  readonly skipFuncCheck?: boolean;
  readonly parseComments?: boolean;
}

/** One parsed template: its name and root list. */

const EOF_ITEM: Item = { typ: It.EOF, pos: 0, val: 'EOF', line: 1 };

/** A template tree under construction: name, text, root, and the parser's lookahead. */
export abstract class TreeBase implements TreeRef {
  name: string;
  parseName: string;
  root: ListNode | null = null;
  text: string;

  // Parsing state, cleared when parsing ends.
  protected lex: Lexer | null = null;
  protected readonly token: Item[] = [EOF_ITEM, EOF_ITEM, EOF_ITEM];
  protected peekCount = 0;
  protected vars: string[] = [];
  protected treeSet: Map<string, Tree> | null = null;
  protected actionLine = 0;
  protected rangeDepth = 0;
  protected stackDepth = 0;
  protected opts: ParseOptions | null = null;

  constructor(name: string, text: string, parseName: string) {
    this.name = name;
    this.text = text;
    this.parseName = parseName;
  }

  // --- token stream -------------------------------------------------------------------

  protected lexer(): Lexer {
    return this.lex!;
  }

  protected next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lexer().nextItem();
    return this.token[this.peekCount]!;
  }

  protected backup(): void {
    this.peekCount++;
  }

  protected backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  protected backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  protected peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.lexer().nextItem();
    return this.token[0];
  }

  protected nextNonSpace(): Item {
    for (;;) {
      const t = this.next();
      if (t.typ !== It.Space) return t;
    }
  }

  protected peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  // --- errors ---------------------------------------------------------------------------

  errorf(msg: string): never {
    this.root = null;
    throw new ParseError(`template: ${this.parseName}:${this.token[0]!.line}: ${msg}`);
  }

  protected expect(expected: It, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }

  protected expectOneOf(e1: It, e2: It, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== e1 && token.typ !== e2) this.unexpected(token, context);
    return token;
  }

  protected unexpected(token: Item, context: string): never {
    if (token.typ === It.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

}
