/**
 * Evaluation errors. Inside the evaluator, failures are thrown as `EvalError` (with the
 * annotations collected so far) or as the limit errors below; the query turns them into
 * `QueryError`s with the API error type Prometheus maps them to.
 */
import { QueryError } from '../value.js';
import type { Annotations } from './annotations.js';

/**
 * Where a limit or cancellation struck, as Prometheus names it in its messages; 'query
 * preparation' (parsing) is Watchfire's own, since Prometheus's clock starts after parsing.
 */
export type ErrorEnv = 'query execution' | 'expression evaluation' | 'query queue' | 'query preparation';

/** An evaluation failure ("execution" error): bad parameters, duplicate series, many-to-many matches. */
export class EvalError extends Error {
  override readonly name = 'EvalError';
  readonly annotations: Annotations | null;
  constructor(message: string, annotations: Annotations | null = null) {
    super(message);
    this.annotations = annotations;
  }
}

export function timeoutError(env: ErrorEnv): QueryError {
  return new QueryError('timeout', `query timed out in ${env}`);
}

export function canceledError(env: ErrorEnv): QueryError {
  return new QueryError('canceled', `query was canceled in ${env}`);
}

/** The max-samples limit; Prometheus reports it as happening in "query execution". */
export function tooManySamplesError(): QueryError {
  return new QueryError('execution', 'query processing would load too many samples into memory in query execution');
}

export const DUPLICATE_LABELSET = 'vector cannot contain metrics with the same labelset';

/** Converts anything thrown during evaluation into a QueryError. */
export function toQueryError(e: unknown): QueryError {
  if (e instanceof QueryError) return e;
  if (e instanceof EvalError) return new QueryError('execution', e.message, { cause: e });
  if (e instanceof RangeError) return new QueryError('execution', `unexpected error: ${e.message}`, { cause: e });
  const msg = e instanceof Error ? e.message : String(e);
  return new QueryError('execution', msg, { cause: e });
}
