/**
 * Canonical PromQL text of a syntax tree, exactly as Prometheus's `String()` methods print
 * it: `sum by (a) (x)`, `a + on (b) group_left () c`, sorted matchers, durations as `1h30m`,
 * numbers in shortest plain notation, strings and non-legacy names with Go quoting.
 * Parsing the output yields the same tree.
 */
import { formatDuration, METRIC_NAME, type Matcher } from '../../model/index.js';
import {
  unreachable,
  type AggregateExpr, type BinaryExpr, type DurationExpr, type MatrixSelector, type Node,
  type NumberLiteral, type SubqueryExpr, type VectorSelector,
} from './ast.js';
import { formatSecondsDuration } from './duration.js';
import { formatFloatF, formatFloatFixed, formatFloatV } from './go-number.js';
import { aggregateHasParam } from './grammar.js';
import { goQuote } from './quote.js';
import { run, sub, type Step } from './trampoline.js';
import { compareUtf8 } from '../../util/utf8-order.js';

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Labels of grouping clauses, quoted unless they are legacy label names. */
function labelList(ls: readonly string[]): string {
  let s = '';
  for (let i = 0; i < ls.length; i++) {
    if (i > 0) s += ', ';
    s += LEGACY_NAME.test(ls[i]!) ? ls[i]! : goQuote(ls[i]!);
  }
  return s;
}

/** A matcher as Prometheus prints it: `name="value"`, the name quoted if it is not a legacy name. */
export function matcherString(m: Matcher): string {
  const name = LEGACY_NAME.test(m.name) ? m.name : goQuote(m.name);
  return `${name}${m.type}${goQuote(m.value)}`;
}

export function exprToString(n: Node): string {
  return run(print(n));
}

/** The printer on a trampoline (see trampoline.ts): trees of any depth print. */
function* print(n: Node): Step<string> {
  switch (n.kind) {
    case 'AggregateExpr': {
      let s = aggregatePrefix(n) + '(';
      if (aggregateHasParam(n.op) && n.param !== null) s += (yield* sub(print(n.param))) + ', ';
      return s + (yield* sub(print(n.expr))) + ')';
    }
    case 'BinaryExpr': return yield* binaryToString(n);
    case 'Call': {
      let s = n.func.name + '(';
      for (let i = 0; i < n.args.length; i++) {
        if (i > 0) s += ', ';
        s += yield* sub(print(n.args[i]!));
      }
      return s + ')';
    }
    case 'MatrixSelector': return matrixToString(n);
    case 'SubqueryExpr': return (yield* sub(print(n.expr))) + subquerySuffix(n);
    case 'NumberLiteral': return numberToString(n);
    case 'ParenExpr': return `(${yield* sub(print(n.expr))})`;
    case 'StringLiteral': return goQuote(n.val);
    case 'UnaryExpr': return n.op + (yield* sub(print(n.expr)));
    case 'VectorSelector': return vectorSelectorToString(n, true);
    case 'StepInvariantExpr': return yield* sub(print(n.expr));
    case 'DurationExpr': return durationToString(n);
    default: return unreachable(n);
  }
}

/** `sum`, `sum by (a) `, `sum without () ` — the part before the parenthesised arguments. */
export function aggregatePrefix(n: AggregateExpr): string {
  if (n.without) return `${n.op} without (${labelList(n.grouping)}) `;
  if (n.grouping.length > 0) return `${n.op} by (${labelList(n.grouping)}) `;
  return n.op;
}

/** Operator with its modifiers: `+`, `> bool`, `* on (a) group_left (b) fill (0)`. */
export function binaryOperatorString(n: BinaryExpr): string {
  let s: string = n.op;
  if (n.returnBool) s += ' bool';
  const vm = n.vectorMatching;
  if (vm === null) return s;
  const grouped = vm.card === 'many-to-one' || vm.card === 'one-to-many';
  if (vm.matchingLabels.length > 0 || vm.on || grouped) {
    s += ` ${vm.on ? 'on' : 'ignoring'} (${labelList(vm.matchingLabels)})`;
  }
  if (grouped) s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${labelList(vm.include)})`;
  if (vm.fillLHS !== null && vm.fillRHS !== null && vm.fillLHS === vm.fillRHS) {
    s += ` fill (${formatFloatV(vm.fillLHS)})`;
  } else {
    if (vm.fillLHS !== null) s += ` fill_left (${formatFloatV(vm.fillLHS)})`;
    if (vm.fillRHS !== null) s += ` fill_right (${formatFloatV(vm.fillRHS)})`;
  }
  return s;
}

/** Left-deep chains (`a + b + c + ...`) are printed along their left spine. */
function* binaryToString(root: BinaryExpr): Step<string> {
  const spine: BinaryExpr[] = [root];
  let l = root.lhs;
  while (l.kind === 'BinaryExpr') { spine.push(l); l = l.lhs; }
  let s = yield* sub(print(l));
  for (let i = spine.length - 1; i >= 0; i--) {
    const b = spine[i]!;
    s += ` ${binaryOperatorString(b)} ${yield* sub(print(b.rhs))}`;
  }
  return s;
}

function durationToString(n: DurationExpr): string {
  let s: string;
  switch (n.op) {
    case 'step': s = 'step()'; break;
    case 'range': s = 'range()'; break;
    case 'min_of': case 'max_of': s = `${n.op}(${exprToString(n.lhs!)}, ${exprToString(n.rhs!)})`; break;
    default:
      if (n.lhs === null) s = n.op === '-' ? `-${exprToString(n.rhs!)}` : exprToString(n.rhs!);
      else s = `${exprToString(n.lhs)} ${n.op} ${exprToString(n.rhs!)}`;
  }
  return n.wrapped ? `(${s})` : s;
}

function numberToString(n: NumberLiteral): string {
  return n.duration ? formatSecondsDuration(n.val) : formatFloatF(n.val);
}

function offsetString(ms: number, expr: DurationExpr | null): string {
  if (expr !== null) return ` offset ${durationToString(expr)}`;
  if (ms > 0) return ` offset ${formatDuration(ms)}`;
  if (ms < 0) return ` offset -${formatDuration(-ms)}`;
  return '';
}

function atString(ts: number | null, startOrEnd: 'start' | 'end' | null): string {
  if (ts !== null) return ` @ ${formatFloatFixed(ts / 1000, 3)}`;
  if (startOrEnd !== null) return ` @ ${startOrEnd}()`;
  return '';
}

function vectorSelectorToString(n: VectorSelector, modifiers: boolean): string {
  const parts: string[] = [];
  for (const m of n.matchers) {
    // The name matcher is implied by the name written before the braces.
    if (m.name === METRIC_NAME && m.type === '=' && m.value === n.name && m.value !== '') continue;
    parts.push(matcherString(m));
  }
  let s = n.name;
  if (parts.length > 0) s += `{${parts.sort(compareUtf8).join(',')}}`;
  if (!modifiers) return s;
  s += atString(n.timestamp, n.startOrEnd);
  if (n.anchored) s += ' anchored';
  else if (n.smoothed) s += ' smoothed';
  return s + offsetString(n.originalOffset, n.originalOffsetExpr);
}

function rangeString(ms: number, expr: DurationExpr | null): string {
  return expr !== null ? durationToString(expr) : formatDuration(ms);
}

function matrixToString(n: MatrixSelector): string {
  const vs = n.vectorSelector;
  const ext = vs.anchored ? ' anchored' : vs.smoothed ? ' smoothed' : '';
  return `${vectorSelectorToString(vs, false)}[${rangeString(n.range, n.rangeExpr)}]${ext}` +
    atString(vs.timestamp, vs.startOrEnd) + offsetString(vs.originalOffset, vs.originalOffsetExpr);
}

/** `[range:step] @ t offset d` of a subquery. */
export function subquerySuffix(n: SubqueryExpr): string {
  const step = n.step !== 0 ? formatDuration(n.step) : n.stepExpr !== null ? durationToString(n.stepExpr) : '';
  return `[${rangeString(n.range, n.rangeExpr)}:${step}]` + atString(n.timestamp, n.startOrEnd) +
    offsetString(n.originalOffset, n.originalOffsetExpr);
}
