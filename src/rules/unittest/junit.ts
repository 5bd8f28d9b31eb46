/** JUnit XML results of rule unit tests, in the layout promtool's `--junit` writes. */

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;')
    .replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
}

interface TestCase {
  name: string;
  failures: string[];
  error: string;
}

export class JUnitSuite {
  timestamp = '';
  errors = 0;
  failures = 0;
  readonly cases: TestCase[] = [];
  constructor(readonly name: string) {}

  case(name: string): void {
    this.cases.push({ name, failures: [], error: '' });
  }

  #last(): TestCase {
    if (this.cases.length === 0) this.case('unknown');
    return this.cases[this.cases.length - 1]!;
  }

  fail(msg: string): void {
    this.failures++;
    this.#last().failures.push(msg);
  }

  abort(msg: string): void {
    this.errors++;
    this.#last().error = msg;
  }

  xml(): string {
    let s = `<testsuite name="${esc(this.name)}" tests="${this.cases.length}" failures="${this.failures}" errors="${this.errors}" skipped="0" timestamp="${esc(this.timestamp)}">`;
    for (const c of this.cases) {
      s += `<testcase name="${esc(c.name)}">`;
      for (const f of c.failures) s += `<failure>${esc(f)}</failure>`;
      if (c.error !== '') s += `<error>${esc(c.error)}</error>`;
      s += '</testcase>';
    }
    return s + '</testsuite>';
  }
}

export class JUnitXML {
  readonly suites: JUnitSuite[] = [];
  suite(name: string): JUnitSuite {
    const s = new JUnitSuite(name);
    this.suites.push(s);
    return s;
  }
  xml(): string {
    return `<testsuites>${this.suites.map((s) => s.xml()).join('')}</testsuites>`;
  }
}
