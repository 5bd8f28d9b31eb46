/** promtool's rule unit tests (`test rules`): file format, runner, output and JUnit XML. */
export { rulesUnitTest, ruleUnitTestFile, type UnitTestOptions } from './run.js';
export { decodeUnitTestFile, parseTime, type UnitTestFile, type TestGroup } from './test-file.js';
export { JUnitXML, JUnitSuite } from './junit.js';
