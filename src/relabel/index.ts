/**
 * Relabeling: Prometheus 3's relabel actions over label sets (`relabel`) and in place on a
 * label builder (`processBuilder`, the scrape loop's path), rule construction with
 * Prometheus's defaults and rule validation with its error texts.
 */
export { relabel, processBuilder } from './relabel.js';
export {
  newRelabelConfig, validateRelabelConfig, relabelConfigProblem, compileRelabelRegex, isLegacyTemplateName,
  RELABEL_ACTIONS, DEFAULT_RELABEL_REGEX, DEFAULT_RELABEL_SEPARATOR, DEFAULT_RELABEL_REPLACEMENT,
  type RelabelFieldsWritten, type RelabelProblem,
} from './config.js';
export { hashMod } from './hashmod.js';
export { goToLower, goToUpper } from '../util/go-case.js';
export { parseTemplate, expand, type Template } from './expand.js';
