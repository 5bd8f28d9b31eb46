/**
 * Notification templates as Alertmanager holds them: a text set and an HTML set (html/template
 * escaping), each made of the default templates and the configuration's template files (each
 * file a template named by its base name, as Go's ParseGlob names them), with Alertmanager's
 * functions and `missingkey=zero`. A configured string (`title: '{{ template "x" . }}'`) is
 * rendered as Go's ExecuteTextString does: parsed as the anonymous template `""` into a copy of
 * the set, so that `define`s in it stay private to it; an empty string renders as empty.
 */
import { basename } from 'node:path';
import { type FuncMap, Template, type TemplateOptions } from '../../template/index.js';
import { templateFiles } from '../config/index.js';
import { dataValue, type TemplateData } from './data.js';
import { DEFAULT_TEMPLATES } from './default-tmpl.js';
import { EMAIL_TEMPLATES } from './email-tmpl.js';
import { alertmanagerFuncs } from './funcs.js';
import { newHTMLContextEscaper } from './html-context.js';

export interface TemplateSource {
  /** The file's path; the template it defines at top level is named by its base name. */
  readonly path: string;
  readonly text: string;
}

export interface NotificationTemplateOptions {
  /** The clock of `now` and `since` (Unix ms); default Date.now. */
  readonly now?: () => number;
}

/** Sets built for configured strings are kept (configurations hold a bounded set of them). */
const MAX_CACHED = 512;
const BLANK = /^[ \t\r\n]+$/;

export class NotificationTemplate {
  readonly files: readonly TemplateSource[];
  private readonly funcs: FuncMap;
  private readonly cache = new Map<string, Template>();

  /** Parses the defaults and `files`; throws `ParseError` (Go's wording) on a bad file. */
  constructor(files: readonly TemplateSource[] = [], opts: NotificationTemplateOptions = {}) {
    this.files = files;
    this.funcs = alertmanagerFuncs(opts.now);
    // Parse once up front so that a bad file fails here, not at the first notification.
    this.build(false);
    this.build(true);
  }

  /** Reads the template files named by `templates:` globs. Throws on an unreadable file or bad glob. */
  static fromGlobs(globs: readonly string[], opts: NotificationTemplateOptions = {}): NotificationTemplate {
    const files = templateFiles(globs);
    if (typeof files === 'string') throw new Error(files);
    return new NotificationTemplate(files, opts);
  }

  private build(html: boolean): Template {
    const o: TemplateOptions = html
      ? { funcs: this.funcs, missingKey: 'zero', html: true, htmlContext: newHTMLContextEscaper }
      : { funcs: this.funcs, missingKey: 'zero' };
    const t = Template.create('', o);
    t.parse(DEFAULT_TEMPLATES);
    t.parse(EMAIL_TEMPLATES);
    for (const f of this.files) {
      const name = basename(f.path);
      (name === '' ? t : t.new(name)).parse(f.text);
    }
    return t;
  }

  private setFor(text: string, html: boolean): Template {
    const key = (html ? 'h' : 't') + text;
    let t = this.cache.get(key);
    if (t === undefined) {
      t = this.build(html);
      t.parse(text);
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(key, t);
    }
    return t;
  }

  /** Renders `text` against the data (Go's ExecuteTextString). Throws `ParseError`/`ExecError`. */
  executeText(text: string, data: TemplateData): string {
    if (text === '') return '';
    // Go executes a blank text as itself (the set's anonymous template is not replaced by it).
    if (BLANK.test(text)) return text;
    return this.setFor(text, false).executeSync(dataValue(data));
  }

  /** Renders `text` with html/template's contextual escaping (Go's ExecuteHTMLString). */
  executeHTML(text: string, data: TemplateData): string {
    if (text === '') return '';
    if (BLANK.test(text)) return text;
    return this.setFor(text, true).executeSync(dataValue(data));
  }

  /** The names of the templates defined by the defaults and the files, sorted. */
  templateNames(): string[] {
    return this.build(false).templateNames().filter((n) => n !== '');
  }
}

/**
 * Alertmanager's `TmplText`: renders strings one after another and remembers the first
 * failure; once a render failed, later ones return '' without running. Check `error` after
 * the last use.
 */
export class TextRenderer {
  error: Error | null = null;
  constructor(private readonly tmpl: NotificationTemplate, private readonly data: TemplateData, private readonly html = false) {}

  render(text: string): string {
    if (this.error !== null) return '';
    try {
      return this.html ? this.tmpl.executeHTML(text, this.data) : this.tmpl.executeText(text, this.data);
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      return '';
    }
  }
}

/** Checks template files as a configuration load does; the reason they are bad, or null. */
export function checkTemplateFiles(files: readonly TemplateSource[]): string | null {
  try {
    new NotificationTemplate(files);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
