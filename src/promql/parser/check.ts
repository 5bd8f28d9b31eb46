/**
 * Type checking of a parsed expression, with Prometheus's rules, messages and positions
 * (its `checkAST`). It also normalises the tree as Prometheus does: set operators get
 * many-to-many matching, and vector matching is dropped when an operand is a scalar.
 * The passes are generators on a trampoline (see trampoline.ts), for trees of any depth.
 */
import { METRIC_NAME } from '../../model/index.js';
import {
  documentedType, positionRange, typeOf, unreachable,
  type AggregateExpr, type BinaryExpr, type Call, type Expr, type PositionRange, type ValueType,
} from './ast.js';
import { isComparisonOp, isSetOp } from './grammar.js';
import { goQuote } from './quote.js';
import type { RawError } from './parser-state.js';
import { run, sub, type Step } from './trampoline.js';

export class Checker {
  /** `every`: called every few thousand steps (a deadline check that may throw). */
  constructor(private readonly input: string, private readonly errors: RawError[], private readonly every?: () => void) {}

  #err(r: PositionRange, msg: string): void {
    this.errors.push({ start: r.start, end: r.end, msg });
  }

  *#expectType(e: Expr, want: ValueType, context: string): Step<void> {
    const t = yield* sub(this.#check(e));
    if (t !== want) this.#err(positionRange(e), `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`);
  }

  /** Checks `e` and its children; returns its type. */
  check(e: Expr): ValueType {
    return run(this.#check(e), this.every);
  }

  *#check(e: Expr): Step<ValueType> {
    switch (e.kind) {
      case 'AggregateExpr': yield* this.#checkAggregate(e); return 'vector';
      case 'BinaryExpr': return yield* this.#checkBinaryChain(e);
      case 'Call': yield* this.#checkCall(e); return e.func.returnType;
      case 'ParenExpr': return yield* sub(this.#check(e.expr));
      case 'StepInvariantExpr': return yield* sub(this.#check(e.expr));
      case 'UnaryExpr': {
        const t = yield* sub(this.#check(e.expr));
        if (t !== 'scalar' && t !== 'vector') {
          this.#err(positionRange(e), `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(documentedType(t))}`);
        }
        return t;
      }
      case 'SubqueryExpr': {
        const t = yield* sub(this.#check(e.expr));
        if (t !== 'vector') this.#err(positionRange(e), `subquery is only allowed on instant vector, got ${t} instead`);
        return 'matrix';
      }
      case 'MatrixSelector': yield* this.#check(e.vectorSelector); return 'matrix';
      case 'VectorSelector': {
        if (e.name !== '') {
          // The last matcher is the one for the name written before the braces.
          for (let i = 0; i < e.matchers.length - 1; i++) {
            const m = e.matchers[i]!;
            if (m.name === METRIC_NAME) {
              this.#err(e.posRange, `metric name must not be set twice: ${goQuote(e.name)} or ${goQuote(m.value)}`);
            }
          }
          return 'vector';
        }
        // A selector must not select every series by accident (e.g. a typo in a name).
        if (!e.bypassEmptyMatcherCheck && !e.matchers.some((m) => !m.matchesEmpty())) {
          this.#err(e.posRange, 'vector selector must contain at least one non-empty matcher');
        }
        return 'vector';
      }
      case 'NumberLiteral': return 'scalar';
      case 'StringLiteral': return 'string';
      default: return unreachable(e);
    }
  }

  *#checkAggregate(e: AggregateExpr): Step<void> {
    yield* this.#expectType(e.expr, 'vector', 'aggregation expression');
    if (e.op === 'topk' || e.op === 'bottomk' || e.op === 'quantile' || e.op === 'limitk' || e.op === 'limit_ratio') {
      yield* this.#expectType(e.param!, 'scalar', 'aggregation parameter');
    }
    if (e.op === 'count_values') yield* this.#expectType(e.param!, 'string', 'aggregation parameter');
  }

  /** Long `a + b + c + ...` chains are walked along their left spine; returns the chain's type. */
  *#checkBinaryChain(root: BinaryExpr): Step<ValueType> {
    const spine: BinaryExpr[] = [root];
    let n = root.lhs;
    while (n.kind === 'BinaryExpr') { spine.push(n); n = n.lhs; }
    let lt = yield* sub(this.#check(n));
    for (let i = spine.length - 1; i >= 0; i--) {
      const b = spine[i]!;
      const rt = yield* sub(this.#check(b.rhs));
      this.#checkBinary(b, lt, rt);
      lt = lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
    }
    return lt;
  }

  /** The operator's position: the text between the operands, trimmed of whitespace. */
  #opRange(b: BinaryExpr): PositionRange {
    const s = this.input;
    let start = positionRange(b.lhs).end;
    while (isSpace(s.charCodeAt(start))) start++;
    let end = positionRange(b.rhs).start - 1;
    while (isSpace(s.charCodeAt(end))) end--;
    return { start, end };
  }

  #checkBinary(b: BinaryExpr, lt: ValueType, rt: ValueType): void {
    const vm = b.vectorMatching;
    if (b.returnBool && !isComparisonOp(b.op)) this.#err(this.#opRange(b), 'bool modifier can only be used on comparison operators');
    if (isComparisonOp(b.op) && !b.returnBool && rt === 'scalar' && lt === 'scalar') {
      this.#err(this.#opRange(b), 'comparisons between scalars must use BOOL modifier');
    }
    if (vm !== null) {
      if (isSetOp(b.op) && vm.card === 'one-to-one') vm.card = 'many-to-many';
      for (const l1 of vm.matchingLabels) {
        for (const l2 of vm.include) {
          if (l1 === l2 && vm.on) this.#err(this.#opRange(b), `label ${goQuote(l1)} must not occur in ON and GROUP clause at once`);
        }
      }
    }
    if (lt !== 'scalar' && lt !== 'vector') this.#err(positionRange(b.lhs), 'binary expression must contain only scalar and instant vector types');
    if (rt !== 'scalar' && rt !== 'vector') this.#err(positionRange(b.rhs), 'binary expression must contain only scalar and instant vector types');
    // Computed only when needed: it walks the operand chain.
    const r = (): PositionRange => positionRange(b);
    if (vm !== null) {
      const fill = vm.fillLHS !== null || vm.fillRHS !== null;
      if (lt !== 'vector' || rt !== 'vector') {
        if (vm.matchingLabels.length > 0) this.#err(r(), 'vector matching only allowed between instant vectors');
        if (fill) this.#err(r(), 'filling in missing series only allowed between instant vectors');
        b.vectorMatching = null;
      } else if (isSetOp(b.op)) {
        if (vm.card === 'one-to-many' || vm.card === 'many-to-one') this.#err(r(), `no grouping allowed for ${goQuote(b.op)} operation`);
        if (vm.card !== 'many-to-many') this.#err(r(), 'set operations must always be many-to-many');
        if (fill) this.#err(r(), 'filling in missing series not allowed for set operators');
      }
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSetOp(b.op)) {
      this.#err(r(), `set operator ${goQuote(b.op)} not allowed in binary scalar expression`);
    }
  }

  *#checkCall(c: Call): Step<void> {
    const f = c.func;
    const nargs = f.argTypes.length;
    const name = goQuote(f.name);
    if (f.variadic === 0) {
      if (nargs !== c.args.length) this.#err(c.posRange, `expected ${nargs} argument(s) in call to ${name}, got ${c.args.length}`);
    } else {
      const na = nargs - 1;
      if (na > c.args.length) {
        this.#err(c.posRange, `expected at least ${na} argument(s) in call to ${name}, got ${c.args.length}`);
      } else if (f.variadic > 0 && na + f.variadic < c.args.length) {
        this.#err(c.posRange, `expected at most ${na + f.variadic} argument(s) in call to ${name}, got ${c.args.length}`);
      }
    }
    if (f.name === 'info' && c.args.length > 1) {
      const sel = c.args[1]!;
      const t = typeOf(sel);
      if (t !== 'vector') this.#err(c.posRange, `expected type instant vector in call to function "info", got ${documentedType(t)}`);
      if (sel.kind === 'VectorSelector' && sel.name !== '') {
        this.#err(sel.posRange, 'expected label selectors only, got vector selector instead');
      } else if (sel.kind === 'VectorSelector') {
        // The selector of info() may match every series; the empty-matcher rule does not apply.
        sel.bypassEmptyMatcherCheck = true;
      } else {
        this.#err(positionRange(sel), 'expected label selectors only');
      }
    }
    for (let i = 0; i < c.args.length; i++) {
      let ti = i;
      if (i >= nargs) {
        // Extra arguments of non-variadic functions are not checked at all.
        if (f.variadic === 0) break;
        ti = nargs - 1;
      }
      const arg = c.args[i]!;
      const t = yield* sub(this.#check(arg));
      const want = f.argTypes[ti]!;
      if (t !== want) this.#err(positionRange(arg), `expected type ${documentedType(want)} in call to function ${name}, got ${documentedType(t)}`);
    }
  }
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
