/**
 * Go text/template (and a text-context html/template mode) for Prometheus rule annotations,
 * console templates and Alertmanager notifications. See template.ts for the API, types.ts for
 * how Go values are represented, prometheus/ for Prometheus's function set.
 */
export { Template, parseTemplate, type FuncMap, type TemplateOptions } from './template.js';
export { ExecError, DEFAULT_LIMITS, type ExecLimits, type MissingKey } from './exec.js';
export { ParseError } from './parse.js';
export {
  GoVal, GoFunc, T, go, goFunc, sig, sliceOf, arrayOf, mapOf, ptrTo, structType, namedType, funcType, typeOf, fromRaw, rawOf,
  STRING_MAP, ANY_MAP, ANY_SLICE,
  type Value, type GoType, type GoField, type GoMethod, type FuncSig, type Kind, type NativeFunction,
} from './types.js';
export { sprint, sprintf, sprintln, formatValue } from './fmt.js';
export { formatFloat } from './fmt-float.js';
export { htmlEscapeString, jsEscapeString, queryEscape, htmlTemplateEscape } from './escape.js';
export * from './prometheus/index.js';
