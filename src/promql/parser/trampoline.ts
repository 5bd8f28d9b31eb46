/**
 * Recursion without the call stack, for tree passes over expressions of any nesting depth.
 *
 * Prometheus (Go, growable stacks) parses and evaluates 10,000 nested parentheses; a
 * recursive JavaScript pass overflows the fixed stack at a few thousand levels. A pass is
 * written as generators instead: where it would recurse into a child it writes
 * `const r = yield* sub(child(...))`, and `run` drives the generators from a heap stack, so
 * the native stack stays shallow whatever the depth. Exceptions thrown by a child reach the
 * parent at that `yield*`, exactly as with direct calls (try/finally works).
 *
 * Cost: two generator objects per `sub` call. Only edges that close a cycle of the
 * recursion need `sub`; the others may delegate with a plain `yield*` (a bounded chain).
 */

/** A computation that may run sub-computations (it yields them) and returns an R. */
export type Step<R> = Generator<Step<unknown>, R, unknown>;

/** Runs `child` on the trampoline and returns its result: `const x = yield* sub(child)`. */
export function* sub<R>(child: Step<R>): Generator<Step<unknown>, R, unknown> {
  // run() resumes this generator with the child's return value, which is an R.
  return (yield child) as R;
}

/** Steps of the trampoline between calls of `run`'s `every` callback. */
const STEPS_PER_CALLBACK = 4096;

/**
 * Drives `root` and every sub-computation it starts; returns its result or throws its error.
 * `every`, if given, is called every few thousand steps (outside any generator): a deadline
 * check may throw from it, which ends the run with that error.
 */
export function run<R>(root: Step<R>, every?: () => void): R {
  const stack: Step<unknown>[] = [root];
  let input: unknown = undefined;
  let failed = false;
  let error: unknown = undefined;
  let steps = 0;
  for (;;) {
    if (every !== undefined && ++steps === STEPS_PER_CALLBACK) {
      steps = 0;
      every();
    }
    const g = stack[stack.length - 1]!;
    let r: IteratorResult<Step<unknown>, unknown>;
    try {
      if (failed) {
        failed = false;
        r = g.throw(error);
      } else {
        r = g.next(input);
      }
    } catch (e) {
      stack.pop();
      if (stack.length === 0) throw e;
      failed = true;
      error = e;
      continue;
    }
    if (r.done === true) {
      stack.pop();
      if (stack.length === 0) return r.value as R;
      input = r.value;
    } else {
      stack.push(r.value);
      input = undefined;
    }
  }
}
