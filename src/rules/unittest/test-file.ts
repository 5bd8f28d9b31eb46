/**
 * promtool's rule unit-test files, decoded strictly (unknown fields are errors, with the Go
 * type names promtool reports): `rule_files`, `evaluation_interval`, `group_eval_order`,
 * `fuzzy_compare` and `tests` of `interval`, `input_series`, `alert_rule_test`,
 * `promql_expr_test`, `external_labels`, `external_url`, `name`, `start_timestamp`.
 */
import type { Millis } from '../../model/index.js';
import {
  DecodeState, YAMLUnmarshalErrors, YAMLValueError, decodeDuration, decodeFloat, decodeList, decodeString, decodeStringMap, decodeStruct,
} from '../yaml-decode.js';
import { YAMLSyntaxError, parseYAMLDocument, type YNode } from '../yaml-tree.js';

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExpAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

export interface AlertTestCase {
  eval_time: Millis;
  alertname: string;
  exp_alerts: ExpAlert[];
}

export interface ExpSample {
  labels: string;
  value: number;
  /** A histogram literal (`{{...}}`); when set, `value` is ignored. */
  histogram: string;
}

export interface PromQLTestCase {
  expr: string;
  eval_time: Millis;
  exp_samples: ExpSample[];
}

export interface TestGroup {
  /** 0 when absent: the file's evaluation interval. */
  interval: Millis;
  input_series: InputSeries[];
  alert_rule_test: AlertTestCase[];
  promql_expr_test: PromQLTestCase[];
  external_labels: Record<string, string>;
  external_url: string;
  name: string;
  /** Unix ms the test's time 0 maps to (0 by default). */
  start_timestamp: number;
}

export interface UnitTestFile {
  rule_files: string[];
  /** 0 when absent (one minute applies). */
  evaluation_interval: Millis;
  group_eval_order: string[];
  tests: TestGroup[];
  fuzzy_compare: boolean;
}

/** promtool's reading of a time: Unix seconds (fractions allowed) or RFC 3339. */
export function parseTime(s: string): number {
  const f = Number(s);
  if (s.trim() !== '' && Number.isFinite(f)) return Math.round(f * 1000);
  if (/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new YAMLValueError(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
}

function decodeBool(n: YNode, st: DecodeState): boolean {
  if (n.kind === 'scalar') {
    if (n.tag === 'null') return false;
    // go-yaml v2 reads YAML 1.1 booleans.
    if (/^(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(n.text) && n.tag !== 'str') return true;
    if (/^(n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(n.text) && n.tag !== 'str') return false;
  }
  st.typeError(n, 'bool');
  return false;
}

function dur(n: YNode, st: DecodeState): Millis {
  return decodeDuration(n, st) ?? (0 as Millis);
}

function decodeGroup(n: YNode, st: DecodeState): TestGroup {
  const g: TestGroup = {
    interval: 0 as Millis, input_series: [], alert_rule_test: [], promql_expr_test: [], external_labels: {}, external_url: '', name: '', start_timestamp: 0,
  };
  decodeStruct(n, st, 'main.testGroup', {
    interval: (v) => { g.interval = dur(v, st); },
    input_series: (v) => {
      g.input_series = decodeList(v, st, '[]main.series', (x) => {
        const s: InputSeries = { series: '', values: '' };
        decodeStruct(x, st, 'main.series', { series: (y) => { s.series = decodeString(y, st); }, values: (y) => { s.values = decodeString(y, st); } });
        return s;
      });
    },
    alert_rule_test: (v) => {
      g.alert_rule_test = decodeList(v, st, '[]main.alertTestCase', (x) => {
        const t: AlertTestCase = { eval_time: 0 as Millis, alertname: '', exp_alerts: [] };
        decodeStruct(x, st, 'main.alertTestCase', {
          eval_time: (y) => { t.eval_time = dur(y, st); },
          alertname: (y) => { t.alertname = decodeString(y, st); },
          exp_alerts: (y) => {
            t.exp_alerts = decodeList(y, st, '[]main.alert', (z) => {
              const a: ExpAlert = { exp_labels: {}, exp_annotations: {} };
              decodeStruct(z, st, 'main.alert', {
                exp_labels: (w) => { a.exp_labels = decodeStringMap(w, st); },
                exp_annotations: (w) => { a.exp_annotations = decodeStringMap(w, st); },
              });
              return a;
            });
          },
        });
        return t;
      });
    },
    promql_expr_test: (v) => {
      g.promql_expr_test = decodeList(v, st, '[]main.promqlTestCase', (x) => {
        const t: PromQLTestCase = { expr: '', eval_time: 0 as Millis, exp_samples: [] };
        decodeStruct(x, st, 'main.promqlTestCase', {
          expr: (y) => { t.expr = decodeString(y, st); },
          eval_time: (y) => { t.eval_time = dur(y, st); },
          exp_samples: (y) => {
            t.exp_samples = decodeList(y, st, '[]main.sample', (z) => {
              const s: ExpSample = { labels: '', value: 0, histogram: '' };
              decodeStruct(z, st, 'main.sample', {
                labels: (w) => { s.labels = decodeString(w, st); },
                value: (w) => { s.value = decodeFloat(w, st); },
                histogram: (w) => { s.histogram = decodeString(w, st); },
              });
              return s;
            });
          },
        });
        return t;
      });
    },
    external_labels: (v) => { g.external_labels = decodeStringMap(v, st); },
    external_url: (v) => { g.external_url = decodeString(v, st); },
    name: (v) => { g.name = decodeString(v, st); },
    start_timestamp: (v) => { g.start_timestamp = v.kind === 'scalar' && v.tag === 'null' ? 0 : parseTime(decodeString(v, st)); },
  });
  return g;
}

/** Decodes a unit-test file; throws an Error with go-yaml's text on any problem. */
export function decodeUnitTestFile(text: string): UnitTestFile {
  const out: UnitTestFile = { rule_files: [], evaluation_interval: 0 as Millis, group_eval_order: [], tests: [], fuzzy_compare: false };
  let root: YNode | null;
  try {
    root = parseYAMLDocument(text).root;
    if (root === null) return out;
    const st = new DecodeState(true);
    decodeStruct(root, st, 'main.unitTestFile', {
      rule_files: (v) => { out.rule_files = decodeList(v, st, '[]string', (x) => decodeString(x, st)); },
      evaluation_interval: (v) => { out.evaluation_interval = dur(v, st); },
      group_eval_order: (v) => { out.group_eval_order = decodeList(v, st, '[]string', (x) => decodeString(x, st)); },
      tests: (v) => { out.tests = decodeList(v, st, '[]main.testGroup', (x) => decodeGroup(x, st)); },
      fuzzy_compare: (v) => { out.fuzzy_compare = decodeBool(v, st); },
    });
    st.finish();
  } catch (e) {
    if (e instanceof YAMLSyntaxError || e instanceof YAMLUnmarshalErrors || e instanceof YAMLValueError) throw new Error(e.message, { cause: e });
    throw e;
  }
  return out;
}
