/**
 * Go's text/template language, for Prometheus rule labels and annotations, console templates
 * and Alertmanager notifications: same syntax, semantics, output and error texts as Go
 * (the Go 1.25 that Prometheus 3.14 builds with, including `range` over integers, `break`,
 * `continue` and `else with`).
 *
 *   const t = parseTemplate('name', text, { funcs, missingKey: 'zero' });
 *   const out = await t.execute(data, perRunFuncs);   // or t.executeSync(data) without async functions
 *
 * - Values: see types.ts for how Go's types are represented (number = float64, bigint = int,
 *   `GoVal` for everything else, e.g. `go.stringMap(labels)` for `map[string]string`).
 * - Functions: `GoFunc` (typed, checked as Go checks arguments) or plain JS functions
 *   (`func(...interface {}) interface {}`); they may return promises (see exec.ts for the
 *   replaying executor) and must be deterministic within one execution.
 * - Errors: `ParseError` / `ExecError` with Go's messages.
 * - Limits: steps, output size, template depth, asynchronous calls (`ExecLimits`).
 * - HTML mode (`html: true`): html/template's escaping of action output in text context.
 * - prometheus/: Prometheus 3.14's function set, Expander and alert rule expansion.
 */
export { Template, parseTemplate, type FuncMap, type TemplateOptions } from './template.js';
export { ExecError, DEFAULT_LIMITS, type ExecLimits, type MissingKey, type HTMLContextEscaper } from './exec.js';
export { ParseError } from './parse.js';
export {
  GoVal, GoFunc, T, go, goFunc, sig, sliceOf, arrayOf, mapOf, ptrTo, structType, namedType, funcType, addMethods, typeOf,
  fromRaw, rawOf, zeroOf, STRING_MAP, ANY_MAP, ANY_SLICE,
  type Value, type GoType, type GoField, type GoMethod, type FuncSig, type Kind, type NativeFunction,
} from './types.js';
export { sprint, sprintf, sprintln, formatValue } from './fmt.js';
export { formatFloat } from './fmt-float.js';
export { htmlEscapeString, jsEscapeString, queryEscape, htmlTemplateEscape } from './escape.js';
export { quote as goQuote, unquote as goUnquote } from './strconv.js';
export * from './prometheus/index.js';
