/**
 * The template parser: a faithful port of Go's text/template/parse recursive descent, with
 * its three-token lookahead, variable scoping, `{{define}}`/`{{block}}` handling and error
 * texts (`template: NAME:LINE: ...`). Parsing yields one tree per defined template name.
 */
import type {
  ArgNode, BranchNode, CommandNode, ElseNode, EndNode, ListNode, Node, NumberNode, PipeNode, VariableNode,
} from './ast.js';
import { isEmptyTree, nodeString } from './ast.js';
import { type Item, It, Lexer } from './lex.js';
import { parseNumber } from './number.js';
import { ParseError, type ParseOptions, TreeBase } from './parse-base.js';
import { quote, unquote } from './strconv.js';

export { ParseError, type ParseOptions } from './parse-base.js';

/** One parsed template: its name and root list. */
export class Tree extends TreeBase {
  // --- entry points ---------------------------------------------------------------------

  startParse(opts: ParseOptions, lex: Lexer, treeSet: Map<string, Tree>): void {
    this.root = null;
    this.lex = lex;
    this.vars = ['$'];
    this.opts = opts;
    this.treeSet = treeSet;
    this.stackDepth = 0;
    lex.options = {
      emitComment: opts.parseComments === true,
      breakOK: !opts.hasFunction('break'),
      continueOK: !opts.hasFunction('continue'),
    };
  }

  private stopParse(): void {
    this.lex = null;
    this.vars = [];
    this.treeSet = null;
    this.opts = null;
  }

  /** Parses `text` into this tree, adding defined templates to `treeSet`. */
  parse(opts: ParseOptions, treeSet: Map<string, Tree>): void {
    this.parseName = this.name;
    const lex = new Lexer(this.text, opts.leftDelim, opts.rightDelim);
    this.startParse(opts, lex, treeSet);
    try {
      this.parseTop();
      this.add();
    } catch (e) {
      if (e instanceof RangeError) {
        throw new ParseError(`template: ${this.parseName}:${this.token[0]!.line}: max expression depth exceeded`, { cause: e });
      }
      throw e;
    } finally {
      this.stopParse();
    }
  }

  private add(): void {
    const set = this.treeSet!;
    const existing = set.get(this.name);
    if (existing === undefined || isEmptyTree(existing.root)) {
      set.set(this.name, this);
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template ${quote(this.name)}`);
  }

  private parseTop(): void {
    this.root = this.newList(this.peek().pos);
    while (this.peek().typ !== It.EOF) {
      if (this.peek().typ === It.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === It.Define) {
          const nt = new Tree('definition', this.text, this.parseName);
          nt.startParse(this.opts!, this.lexer(), this.treeSet!);
          nt.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      this.root.nodes.push(n);
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(It.String, It.RawString, context);
    this.name = this.unquote(name.val);
    this.expect(It.RightDelim, context);
    const { list, next } = this.itemList();
    this.root = list;
    if (next.type !== 'end') this.errorf(`unexpected ${nodeString(next)} in ${context}`);
    this.add();
    this.stopParse();
  }

  private unquote(s: string): string {
    try {
      return unquote(s);
    } catch (e) {
      return this.errorf(e instanceof Error ? e.message : String(e));
    }
  }

  private itemList(): { list: ListNode; next: EndNode | ElseNode } {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().typ !== It.EOF) {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return { list, next: n };
      list.nodes.push(n);
    }
    return this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case It.Text: return { type: 'text', pos: token.pos, tree: this, text: token.val };
      case It.LeftDelim:
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      case It.Comment: return { type: 'comment', pos: token.pos, tree: this, text: token.val };
      default: return this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case It.Block: return this.blockControl();
      case It.Break: return this.breakControl(token.pos, token.line);
      case It.Continue: return this.continueControl(token.pos, token.line);
      case It.Else: return this.elseControl();
      case It.End: return this.endControl();
      case It.If: return this.newBranch('if', this.parseControl('if'));
      case It.Range: return this.newBranch('range', this.parseControl('range'));
      case It.Template: return this.templateControl();
      case It.With: return this.newBranch('with', this.parseControl('with'));
      default: break;
    }
    this.backup();
    const t = this.peek();
    return { type: 'action', pos: t.pos, tree: this, line: t.line, pipe: this.pipeline('command', It.RightDelim) };
  }

  private breakControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== It.RightDelim) this.unexpected(token, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return { type: 'break', pos, tree: this, line };
  }

  private continueControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== It.RightDelim) this.unexpected(token, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return { type: 'continue', pos, tree: this, line };
  }

  private pipeline(context: string, end: It): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: token.pos, tree: this, line: token.line, isAssign: false, decl: [], cmds: [] };
    for (let again = true; again;) {
      again = false;
      const v = this.peekNonSpace();
      if (v.typ !== It.Variable) break;
      this.next();
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.typ === It.Assign || next.typ === It.Declare) {
        pipe.isAssign = next.typ === It.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.typ === It.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().typ;
          if (p === It.Variable || p === It.RightDelim || p === It.RightParen) {
            again = true;
            continue;
          }
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.typ === It.Space) {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case It.Bool: case It.CharConstant: case It.Complex: case It.Dot: case It.Field: case It.Identifier:
        case It.Number: case It.Nil: case It.RawString: case It.String: case It.Variable: case It.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const t = pipe.cmds[i]!.args[0]!.type;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  private parseControl(context: 'if' | 'range' | 'with'): { pos: number; line: number; pipe: PipeNode; list: ListNode; elseList: ListNode | null } {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, It.RightDelim);
      if (context === 'range') this.rangeDepth++;
      let r: { list: ListNode; next: EndNode | ElseNode };
      try {
        r = this.itemList();
      } finally {
        if (context === 'range') this.rangeDepth--;
      }
      let elseList: ListNode | null = null;
      if (r.next.type === 'else') {
        // `{{else if x}}` and `{{else with x}}` nest a new control that ends at the shared {{end}}.
        if (context === 'if' && this.peek().typ === It.If) {
          this.next();
          elseList = this.newList(r.next.pos);
          elseList.nodes.push(this.newBranch('if', this.parseControl('if')));
        } else if (context === 'with' && this.peek().typ === It.With) {
          this.next();
          elseList = this.newList(r.next.pos);
          elseList.nodes.push(this.newBranch('with', this.parseControl('with')));
        } else {
          const e = this.itemList();
          elseList = e.list;
          if (e.next.type !== 'end') this.errorf(`expected end; found ${nodeString(e.next)}`);
        }
      }
      return { pos: pipe.pos, line: pipe.line, pipe, list: r.list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private newBranch(type: 'if' | 'range' | 'with', c: { pos: number; line: number; pipe: PipeNode; list: ListNode; elseList: ListNode | null }): BranchNode {
    return { type, pos: c.pos, tree: this, line: c.line, pipe: c.pipe, list: c.list, elseList: c.elseList };
  }

  private endControl(): Node {
    return { type: 'end', pos: this.expect(It.RightDelim, 'end').pos, tree: this };
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.typ === It.If || peek.typ === It.With) return { type: 'else', pos: peek.pos, tree: this, line: peek.line };
    const token = this.expect(It.RightDelim, 'else');
    return { type: 'else', pos: token.pos, tree: this, line: token.line };
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, It.RightDelim);
    const block = new Tree(name, this.text, this.parseName);
    block.startParse(this.opts!, this.lexer(), this.treeSet!);
    const { list, next } = block.itemList();
    block.root = list;
    if (next.type !== 'end') this.errorf(`unexpected ${nodeString(next)} in ${context}`);
    block.add();
    block.stopParse();
    return { type: 'template', pos: token.pos, tree: this, line: token.line, name, pipe };
  }

  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== It.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, It.RightDelim);
    }
    return { type: 'template', pos: token.pos, tree: this, line: token.line, name, pipe };
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.typ === It.String || token.typ === It.RawString) return this.unquote(token.val);
    return this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, tree: this, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === It.Space) continue;
      if (token.typ === It.RightDelim || token.typ === It.RightParen) this.backup();
      else if (token.typ !== It.Pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (node === null) return null;
    if (this.peek().typ !== It.Field) return node;
    const chainPos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().typ === It.Field) fields.push(this.next().val.slice(1));
    switch (node.type) {
      case 'field': return { type: 'field', pos: chainPos, tree: this, ident: [...node.ident, ...fields] };
      case 'variable': return { type: 'variable', pos: chainPos, tree: this, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        return this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
      default: return { type: 'chain', pos: chainPos, tree: this, node, field: fields };
    }
  }

  private term(): ArgNode | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case It.Identifier:
        if (this.opts!.skipFuncCheck !== true && !this.opts!.hasFunction(token.val)) {
          this.errorf(`function ${quote(token.val)} not defined`);
        }
        return { type: 'identifier', pos: token.pos, tree: this, ident: token.val };
      case It.Dot: return { type: 'dot', pos: token.pos, tree: this };
      case It.Nil: return { type: 'nil', pos: token.pos, tree: this };
      case It.Variable: return this.useVar(token.pos, token.val);
      case It.Field: return { type: 'field', pos: token.pos, tree: this, ident: token.val.slice(1).split('.') };
      case It.Bool: return { type: 'bool', pos: token.pos, tree: this, value: token.val === 'true' };
      case It.CharConstant: case It.Complex: case It.Number: return this.newNumber(token);
      case It.LeftParen: {
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded');
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', It.RightParen);
        } finally {
          this.stackDepth--;
        }
      }
      case It.String: case It.RawString:
        return { type: 'string', pos: token.pos, tree: this, quoted: token.val, text: this.unquote(token.val) };
      default:
        this.backup();
        return null;
    }
  }

  private newNumber(token: Item): NumberNode {
    try {
      const kind = token.typ === It.CharConstant ? 'char' : token.typ === It.Complex ? 'complex' : 'number';
      return { type: 'number', pos: token.pos, tree: this, text: token.val, ...parseNumber(token.val, kind) };
    } catch (e) {
      return this.errorf(e instanceof Error ? e.message : String(e));
    }
  }

  private newList(pos: number): ListNode {
    return { type: 'list', pos, tree: this, nodes: [] };
  }

  private newVariable(pos: number, ident: string): VariableNode {
    return { type: 'variable', pos, tree: this, ident: ident.split('.') };
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${quote(v.ident[0]!)}`);
    return v;
  }
}


/**
 * Go's maximum nesting of parenthesized expressions is 10000; JavaScript's stack holds less,
 * so the limit here is lower (deeper input fails with Go's message instead of a stack overflow).
 */
const MAX_STACK_DEPTH = 1000;

/** Parses `text` as template `name`; returns every tree it defines (including `name` itself). */
export function parseTrees(name: string, text: string, opts: ParseOptions): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const t = new Tree(name, text, name);
  t.parse(opts, treeSet);
  return treeSet;
}
