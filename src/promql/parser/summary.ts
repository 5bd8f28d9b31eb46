/**
 * A compact one-line description of a syntax tree with every field that matters and every
 * position, used by the tests to compare trees with expectations (and handy when debugging):
 * `bin(+;novm;num(1)@0-1;num(2)@4-5)`.
 */
import { unreachable, type Node, type VectorMatching, type VectorSelector, type SubqueryExpr } from './ast.js';
import { formatFloatF } from './go-number.js';

function at(n: VectorSelector | SubqueryExpr): string {
  let s = '';
  if (n.timestamp !== null) s += `;ts=${formatFloatF(n.timestamp)}`;
  if (n.startOrEnd !== null) s += `;se=${n.startOrEnd}`;
  return s;
}

function off(n: VectorSelector | SubqueryExpr): string {
  let s = '';
  if (n.originalOffset !== 0) s += `;off=${n.originalOffset}`;
  if (n.originalOffsetExpr !== null) s += `;offx=${summarize(n.originalOffsetExpr)}`;
  return s;
}

function matching(vm: VectorMatching | null): string {
  if (vm === null) return 'novm';
  let s = `${vm.card};${vm.on ? 'on' : 'ign'}(${vm.matchingLabels.join(',')});inc(${vm.include.join(',')})`;
  if (vm.fillLHS !== null) s += `;fl=${formatFloatF(vm.fillLHS)}`;
  if (vm.fillRHS !== null) s += `;fr=${formatFloatF(vm.fillRHS)}`;
  return s;
}

/** `sortMatchers` lists matchers in printed order, for comparing trees across a print/parse round trip. */
export function summarize(n: Node, sortMatchers = false): string {
  const sum = (x: Node): string => summarize(x, sortMatchers);
  switch (n.kind) {
    case 'NumberLiteral': return `num(${formatFloatF(n.val)}${n.duration ? 'd' : ''})@${n.posRange.start}-${n.posRange.end}`;
    case 'StringLiteral': return `str(${JSON.stringify(n.val)})@${n.posRange.start}-${n.posRange.end}`;
    case 'VectorSelector': {
      const list = n.matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`);
      const ms = (sortMatchers ? list.sort() : list).join(' ');
      let s = `vs(${n.name};[${ms}]${off(n)}${at(n)}`;
      if (n.anchored) s += ';anchored';
      if (n.smoothed) s += ';smoothed';
      if (n.bypassEmptyMatcherCheck) s += ';bypass';
      return `${s})@${n.posRange.start}-${n.posRange.end}`;
    }
    case 'MatrixSelector': {
      let s = `mat(${sum(n.vectorSelector)};r=${n.range}`;
      if (n.rangeExpr !== null) s += `;rx=${sum(n.rangeExpr)}`;
      return `${s})@${n.endPos}`;
    }
    case 'SubqueryExpr': {
      let s = `sub(${sum(n.expr)};r=${n.range};s=${n.step}`;
      if (n.rangeExpr !== null) s += `;rx=${sum(n.rangeExpr)}`;
      if (n.stepExpr !== null) s += `;sx=${sum(n.stepExpr)}`;
      return `${s}${off(n)}${at(n)})@${n.endPos}`;
    }
    case 'ParenExpr': return `paren(${sum(n.expr)})@${n.posRange.start}-${n.posRange.end}`;
    case 'UnaryExpr': return `un(${n.op};${sum(n.expr)})@${n.startPos}`;
    case 'StepInvariantExpr': return `si(${sum(n.expr)})`;
    case 'BinaryExpr':
      return `bin(${n.op}${n.returnBool ? ' bool' : ''};${matching(n.vectorMatching)};${sum(n.lhs)};${sum(n.rhs)})`;
    case 'AggregateExpr': {
      let s = `agg(${n.op};${n.without ? 'without' : 'by'}(${n.grouping.join(',')})`;
      if (n.param !== null) s += `;${sum(n.param)}`;
      return `${s};${sum(n.expr)})@${n.posRange.start}-${n.posRange.end}`;
    }
    case 'Call': return `call(${n.func.name};${n.args.map(sum).join(' ')})@${n.posRange.start}-${n.posRange.end}`;
    case 'DurationExpr': {
      const l = n.lhs === null ? '-' : sum(n.lhs);
      const r = n.rhs === null ? '-' : sum(n.rhs);
      return `dur(${n.op};${l};${r}${n.wrapped ? ';w' : ''})@${n.startPos}-${n.endPos}`;
    }
    default: return unreachable(n);
  }
}

/** A summary without positions, to compare trees parsed from differently formatted text. */
export function stripPositions(summary: string): string {
  return summary.replace(/@-?\d+(?:--?\d+)?/g, '');
}
