/**
 * Prometheus's template expansion: the Expander (text and HTML mode, with Prometheus's default
 * `missingkey=zero`), the alert template data with its `$labels`/`$externalLabels`/
 * `$externalURL`/`$value` preamble, and the `<error expanding template: ...>` result that
 * alerting rules show when a template fails.
 */
import type { FloatHistogram } from '../../model/index.js';
import type { Registry } from '../../instrument/index.js';
import { ExecError } from '../exec.js';
import { Template, type FuncMap } from '../template.js';
import { type GoType, type Value, GoFunc, GoVal, STRING_MAP, T, structType } from '../types.js';
import { HTML, type QueryFunc, histogramValue, prometheusFuncNames, prometheusFuncs } from './funcs.js';

/** The variables Prometheus defines before every alert label and annotation template. */
export const ALERT_TEMPLATE_PREAMBLE =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/** The anonymous struct Prometheus passes as alert template data. */
export const ALERT_TEMPLATE_DATA: GoType = structType(
  'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }',
  [
    { name: 'Labels', type: STRING_MAP }, { name: 'ExternalLabels', type: STRING_MAP },
    { name: 'ExternalURL', type: T.string }, { name: 'Value', type: T.any },
  ],
);

export interface AlertTemplateInput {
  /** The alert's labels (the sample's labels without `__name__`, as Prometheus passes them). */
  readonly labels: Readonly<Record<string, string>>;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly externalURL: string;
  /** The sample value (`float64`), or a native histogram. */
  readonly value: number;
  readonly histogram?: FloatHistogram | null;
}

/** Prometheus's `AlertTemplateData`. */
export function alertTemplateData(input: AlertTemplateInput): GoVal {
  const value: Value = input.histogram !== undefined && input.histogram !== null ? histogramValue(input.histogram) : input.value;
  return new GoVal(ALERT_TEMPLATE_DATA, {
    Labels: input.labels, ExternalLabels: input.externalLabels, ExternalURL: input.externalURL, Value: value,
  });
}

/** Counters behind `prometheus_template_text_expansions_total` and `..._failures_total`. */
export const expansionStats = { total: 0, failures: 0 };

/** Registers Prometheus's two template expansion counters. */
export function registerTemplateMetrics(reg: Registry): void {
  reg.collector('prometheus_template_text_expansion_failures_total', 'The total number of template text expansion failures.', 'counter',
    () => [{ suffix: '', labels: [], value: expansionStats.failures }]);
  reg.collector('prometheus_template_text_expansions_total', 'The total number of template text expansions.', 'counter',
    () => [{ suffix: '', labels: [], value: expansionStats.total }]);
}

export interface ExpanderOptions {
  readonly text: string;
  readonly name: string;
  readonly data: Value;
  /** Evaluation time in milliseconds. */
  readonly timestampMs: number;
  readonly query?: QueryFunc;
  readonly externalURL: string;
  /** Go template options; Prometheus's default is `missingkey=zero`. */
  readonly options?: readonly string[];
  /** Extra functions, overriding Prometheus's on conflict (Expander.Funcs). */
  readonly funcs?: FuncMap;
}

const CACHE_MAX = 1024;
const parseCache = new Map<string, Template>();

function cached(key: string, make: () => Template): Template {
  const hit = parseCache.get(key);
  if (hit !== undefined) {
    parseCache.delete(key);
    parseCache.set(key, hit);
    return hit;
  }
  const t = make();
  if (parseCache.size >= CACHE_MAX) parseCache.delete(parseCache.keys().next().value!);
  parseCache.set(key, t);
  return t;
}

/** Prometheus's template Expander. Parsed templates are cached by text; execution binds the functions. */
export class Expander {
  private readonly o: ExpanderOptions;
  private readonly funcs: Record<string, GoFunc | FuncMap[string]>;

  constructor(o: ExpanderOptions) {
    this.o = o;
    this.funcs = { ...prometheusFuncs({ timestampMs: o.timestampMs, externalURL: o.externalURL, ...(o.query ? { query: o.query } : {}) }), ...o.funcs };
  }

  private options(): readonly string[] {
    return this.o.options ?? ['missingkey=zero'];
  }

  private parse(html: boolean): Template {
    const opts = this.options();
    const extra = Object.keys(this.o.funcs ?? {}).sort().join(',');
    const key = `${html ? 'h' : 't'}\0${this.o.name}\0${opts.join(',')}\0${extra}\0${this.o.text}`;
    return cached(key, () => {
      const names: Record<string, GoFunc | FuncMap[string]> = { ...prometheusFuncNames(), ...this.o.funcs };
      if (html) names['tmpl'] = TMPL_PLACEHOLDER;
      return Template.create(this.o.name, { funcs: names, html }).option(...opts).parse(this.o.text);
    });
  }

  /** Text mode; throws with Prometheus's `error parsing/executing template NAME: ...` texts. */
  async expand(): Promise<string> {
    expansionStats.total++;
    try {
      let t: Template;
      try {
        t = this.parse(false);
      } catch (e) {
        throw new Error(`error parsing template ${this.o.name}: ${errText(e)}`, { cause: e });
      }
      try {
        return await t.execute(this.o.data, this.funcs);
      } catch (e) {
        throw new Error(`error executing template ${this.o.name}: ${errText(e)}`, { cause: e });
      }
    } catch (e) {
      expansionStats.failures++;
      throw e;
    }
  }

  /** HTML mode (console templates): output is escaped unless marked with `safeHtml`; `tmpl` runs a named template. */
  async expandHTML(libraries: readonly { name: string; text: string }[] = []): Promise<string> {
    let t: Template;
    try {
      t = this.parse(true);
    } catch (e) {
      throw new Error(`error parsing template ${this.o.name}: ${errText(e)}`, { cause: e });
    }
    if (libraries.length > 0) {
      // Libraries add definitions: parse into a fresh set so the cached one stays clean.
      t = Template.create(this.o.name, { funcs: { ...prometheusFuncNames(), ...this.o.funcs, tmpl: TMPL_PLACEHOLDER }, html: true })
        .option(...this.options()).parse(this.o.text);
      try {
        for (const lib of libraries) (lib.name === t.name ? t : t.new(lib.name)).parse(lib.text);
      } catch (e) {
        throw new Error(`error parsing template files for ${this.o.name}: ${errText(e)}`, { cause: e });
      }
    }
    const set = t;
    const funcs: FuncMap = {
      ...this.funcs,
      tmpl: new GoFunc(TMPL_PLACEHOLDER.sig, (name, data) => {
        const n = name as string;
        try {
          return new GoVal(HTML, set.executeTemplateSync(n, data, funcs));
        } catch (e) {
          if (e instanceof ExecError && e.asyncRequired) return set.executeTemplate(n, data, funcs).then((s) => new GoVal(HTML, s));
          throw e;
        }
      }),
    };
    try {
      return await t.execute(this.o.data, funcs);
    } catch (e) {
      throw new Error(`error executing template ${this.o.name}: ${errText(e)}`, { cause: e });
    }
  }

  /** Prometheus's ParseTest: parse errors only (as rule loading reports them). */
  parseTest(): void {
    Template.create(this.o.name, { funcs: { ...prometheusFuncNames(), ...this.o.funcs } }).option('missingkey=zero').parse(this.o.text);
  }
}

const TMPL_PLACEHOLDER = new GoFunc(
  { params: [T.string, T.any], variadic: null, result: HTML, name: 'func(string, interface {}) (template.HTML, error)' },
  () => { throw new Error('tmpl is only available in console templates'); },
);

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface RuleTemplateOptions {
  /** The alerting rule's name; the template is named `__alert_<name>` as in Prometheus. */
  readonly ruleName: string;
  readonly data: AlertTemplateInput;
  readonly timestampMs: number;
  readonly query?: QueryFunc;
  /** Passed to `externalURL`/`pathPrefix` (may differ from `data.externalURL` only in tests). */
  readonly externalURL?: string;
}

/**
 * Expands one alert label or annotation template as Prometheus's alerting rule does: the
 * preamble is prepended, and a failure yields `<error expanding template: ...>`.
 */
export async function expandRuleTemplate(text: string, o: RuleTemplateOptions): Promise<string> {
  const ex = new Expander({
    text: ALERT_TEMPLATE_PREAMBLE + text,
    name: `__alert_${o.ruleName}`,
    data: alertTemplateData(o.data),
    timestampMs: o.timestampMs,
    externalURL: o.externalURL ?? o.data.externalURL,
    ...(o.query !== undefined ? { query: o.query } : {}),
  });
  try {
    return await ex.expand();
  } catch (e) {
    return `<error expanding template: ${errText(e)}>`;
  }
}
