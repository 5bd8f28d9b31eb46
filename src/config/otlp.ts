/** The `otlp` section: how OTLP metrics received are translated into Prometheus series. */
import { bool, enumOf } from './scalars.js';
import { list, resetting, struct } from './schema.js';
import { string } from './scalars.js';
import type { DecodeContext } from './schema.js';
import type { NameValidationScheme, OTLPConfig, OTLPTranslationStrategy } from './types.js';

const STRATEGIES: readonly OTLPTranslationStrategy[] = [
  '', 'UnderscoreEscapingWithSuffixes', 'UnderscoreEscapingWithoutSuffixes', 'NoUTF8EscapingWithSuffixes', 'NoTranslation',
];
const strategy = enumOf<OTLPTranslationStrategy>('otlptranslator.TranslationStrategyOption', STRATEGIES,
  (s) => `unsupported OTLP translation strategy ${JSON.stringify(s)}`);

/** Trims attributes in place; returns the joined errors (Prometheus reports them all). */
function sanitize(attrs: string[], adjective: string): string | null {
  const seen = new Set<string>();
  const errs: string[] = [];
  attrs.forEach((a, i) => {
    const t = a.trim();
    if (t === '') { errs.push(`empty ${adjective} OTel resource attribute`); return; }
    if (seen.has(t)) { errs.push(`duplicated ${adjective} OTel resource attribute ${JSON.stringify(t)}`); return; }
    seen.add(t);
    attrs[i] = t;
  });
  return errs.length > 0 ? errs.join('\n') : null;
}

export const otlpConfig = resetting(struct<OTLPConfig>('config.OTLPConfig', {
  promote_all_resource_attributes: { kind: bool, omitempty: true },
  promote_resource_attributes: { kind: list(string), omitempty: true },
  ignore_resource_attributes: { kind: list(string), omitempty: true },
  translation_strategy: { kind: strategy, default: () => 'UnderscoreEscapingWithSuffixes', omitempty: true },
  keep_identifying_resource_attributes: { kind: bool, omitempty: true },
  convert_histograms_to_nhcb: { kind: bool, omitempty: true },
  promote_scope_metadata: { kind: bool, omitempty: true },
  // Written even when false (Prometheus omits false, which reads back as the default true).
  label_name_underscore_sanitization: { kind: bool, default: () => true },
  label_name_preserve_multiple_underscores: { kind: bool, default: () => true },
}, {
  validate(c, d) {
    if (c.promote_all_resource_attributes) {
      if (c.promote_resource_attributes.length > 0) d.fail(c, "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously");
      const e = sanitize(c.ignore_resource_attributes, 'ignored');
      if (e !== null) d.fail(c, `invalid 'ignore_resource_attributes': ${e}`, 'ignore_resource_attributes');
    } else {
      if (c.ignore_resource_attributes.length > 0) d.fail(c, "'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true");
      const e = sanitize(c.promote_resource_attributes, 'promoted');
      if (e !== null) d.fail(c, `invalid 'promote_resource_attributes': ${e}`, 'promote_resource_attributes');
    }
  },
}));

/** The strategy check that needs the global name validation scheme. */
export function validateOTLP(c: OTLPConfig, scheme: NameValidationScheme, d: DecodeContext): void {
  if ((c.translation_strategy === 'NoTranslation' || c.translation_strategy === 'NoUTF8EscapingWithSuffixes') && scheme === 'legacy') {
    d.fail(c, `OTLP translation strategy ${JSON.stringify(c.translation_strategy)} is not allowed when UTF8 is disabled`, 'translation_strategy');
  }
}
