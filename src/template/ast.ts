/**
 * Parse tree nodes, one per Go text/template/parse node type, and their canonical string forms
 * (Go's `Node.String()`), which appear in execution errors as `at <...>`.
 */
import { quote } from './strconv.js';

/** The per-tree facts a node needs for error messages. */
export interface TreeRef {
  readonly parseName: string;
  readonly text: string;
}

interface Base { readonly pos: number; readonly tree: TreeRef }

export interface ListNode extends Base { readonly type: 'list'; readonly nodes: Node[] }
export interface TextNode extends Base { readonly type: 'text'; readonly text: string }
export interface CommentNode extends Base { readonly type: 'comment'; readonly text: string }
export interface PipeNode extends Base {
  readonly type: 'pipe';
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface ActionNode extends Base { readonly type: 'action'; readonly line: number; readonly pipe: PipeNode }
export interface CommandNode extends Base { readonly type: 'command'; readonly args: ArgNode[] }
export interface IdentifierNode extends Base { readonly type: 'identifier'; readonly ident: string }
export interface VariableNode extends Base { readonly type: 'variable'; readonly ident: readonly string[] }
export interface DotNode extends Base { readonly type: 'dot' }
export interface NilNode extends Base { readonly type: 'nil' }
export interface FieldNode extends Base { readonly type: 'field'; readonly ident: readonly string[] }
export interface ChainNode extends Base { readonly type: 'chain'; readonly node: ArgNode; readonly field: string[] }
export interface BoolNode extends Base { readonly type: 'bool'; readonly value: boolean }
export interface NumberNode extends Base {
  readonly type: 'number';
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  complex: { re: number; im: number };
  readonly text: string;
}
export interface StringNode extends Base { readonly type: 'string'; readonly quoted: string; readonly text: string }
export interface EndNode extends Base { readonly type: 'end' }
export interface ElseNode extends Base { readonly type: 'else'; readonly line: number }
export interface BranchNode extends Base {
  readonly type: 'if' | 'range' | 'with';
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export interface TemplateNode extends Base {
  readonly type: 'template';
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}
export interface BreakNode extends Base { readonly type: 'break'; readonly line: number }
export interface ContinueNode extends Base { readonly type: 'continue'; readonly line: number }

/** Operands of a command. */
export type ArgNode =
  | IdentifierNode | VariableNode | DotNode | NilNode | FieldNode | ChainNode
  | BoolNode | NumberNode | StringNode | PipeNode;

export type Node =
  | ListNode | TextNode | CommentNode | ActionNode | CommandNode | EndNode | ElseNode
  | BranchNode | TemplateNode | BreakNode | ContinueNode | ArgNode;

/** Go's `Node.String()`. */
export function nodeString(n: Node): string {
  const parts: string[] = [];
  writeNode(n, parts);
  return parts.join('');
}

function writeNode(n: Node, out: string[]): void {
  switch (n.type) {
    case 'list':
      for (const c of n.nodes) writeNode(c, out);
      return;
    case 'text':
      out.push(quote(n.text));
      return;
    case 'comment':
      out.push('{{', n.text, '}}');
      return;
    case 'pipe':
      if (n.decl.length > 0) {
        n.decl.forEach((v, i) => {
          if (i > 0) out.push(', ');
          writeNode(v, out);
        });
        out.push(' := ');
      }
      n.cmds.forEach((c, i) => {
        if (i > 0) out.push(' | ');
        writeNode(c, out);
      });
      return;
    case 'action':
      out.push('{{');
      writeNode(n.pipe, out);
      out.push('}}');
      return;
    case 'command':
      n.args.forEach((a, i) => {
        if (i > 0) out.push(' ');
        if (a.type === 'pipe') {
          out.push('(');
          writeNode(a, out);
          out.push(')');
        } else {
          writeNode(a, out);
        }
      });
      return;
    case 'identifier': out.push(n.ident); return;
    case 'variable': out.push(n.ident.join('.')); return;
    case 'dot': out.push('.'); return;
    case 'nil': out.push('nil'); return;
    case 'field':
      for (const id of n.ident) out.push('.', id);
      return;
    case 'chain':
      if (n.node.type === 'pipe') {
        out.push('(');
        writeNode(n.node, out);
        out.push(')');
      } else {
        writeNode(n.node, out);
      }
      for (const f of n.field) out.push('.', f);
      return;
    case 'bool': out.push(n.value ? 'true' : 'false'); return;
    case 'number': out.push(n.text); return;
    case 'string': out.push(n.quoted); return;
    case 'end': out.push('{{end}}'); return;
    case 'else': out.push('{{else}}'); return;
    case 'if': case 'range': case 'with':
      out.push('{{', n.type, ' ');
      writeNode(n.pipe, out);
      out.push('}}');
      writeNode(n.list, out);
      if (n.elseList !== null) {
        out.push('{{else}}');
        writeNode(n.elseList, out);
      }
      out.push('{{end}}');
      return;
    case 'template':
      out.push('{{template ', quote(n.name));
      if (n.pipe !== null) {
        out.push(' ');
        writeNode(n.pipe, out);
      }
      out.push('}}');
      return;
    case 'break': out.push('{{break}}'); return;
    case 'continue': out.push('{{continue}}'); return;
  }
}

/**
 * Go's `Tree.ErrorContext`: `name:line:col` (col counted in bytes from the line start, as Go
 * does) and the node's string.
 */
export function errorContext(n: Node): { location: string; context: string } {
  const text = n.tree.text.slice(0, n.pos);
  const nl = text.lastIndexOf('\n');
  const lineStart = nl + 1;
  let lineNum = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineNum++;
  const col = nl === -1 ? Buffer.byteLength(text, 'utf8') : Buffer.byteLength(text.slice(lineStart), 'utf8');
  return { location: `${n.tree.parseName}:${lineNum}:${col}`, context: nodeString(n) };
}

/** Text made only of `unicode.IsSpace` characters. */
const GO_SPACE_ONLY = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** Go's `parse.IsEmptyTree`: only whitespace text and comments. */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.type) {
    case 'comment': return true;
    case 'list': return n.nodes.every(isEmptyTree);
    case 'text': return GO_SPACE_ONLY.test(n.text);
    default: return false;
  }
}
