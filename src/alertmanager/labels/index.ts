export * from './label-set.js';
export * from './matcher.js';
export { parseMatchers, parseMatcher, sortMatchers, MatcherParseError } from './parse.js';
export { parseClassicMatchers, parseClassicMatcher } from './parse-classic.js';
export { parseUTF8Matchers } from './parse-utf8.js';
