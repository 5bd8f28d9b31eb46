/** The `tracing` section: where Watchfire sends its own traces (OTLP over gRPC or HTTP). */
import { tlsConfig } from './http-client.js';
import { checkHeaders } from './remote.js';
import { bool, duration, enumOf, float, string } from './scalars.js';
import { dict, resetting, struct } from './schema.js';
import type { Kind } from './schema.js';
import type { TracingConfig } from './types.js';

const clientType = enumOf<TracingConfig['client_type']>('config.TracingClientType', ['http', 'grpc'],
  (s) => `expected tracing client type to be to be http or grpc, but got ${s}`);

export const tracingConfig = resetting(struct<TracingConfig>('config.TracingConfig', {
  client_type: { kind: clientType, default: () => 'grpc', omitempty: true },
  endpoint: { kind: string, omitempty: true },
  sampling_fraction: { kind: float, omitempty: true },
  insecure: { kind: bool, omitempty: true },
  tls_config: { kind: tlsConfig, omitempty: true },
  headers: { kind: dict(string), omitempty: true },
  compression: { kind: string as Kind<TracingConfig['compression']>, omitempty: true },
  timeout: { kind: duration, omitempty: true },
}, {
  validate(t, d) {
    const he = checkHeaders(t.headers, 'custom authorization header configuration is not yet supported');
    if (he !== null) d.fail(t, he, 'headers');
    if (t.endpoint === '') d.fail(t, 'tracing endpoint must be set');
    if ((t.compression as string) !== '' && t.compression !== 'gzip') d.fail(t, `invalid compression type ${t.compression} provided, valid options: gzip`, 'compression');
  },
}));

/** Tracing as it is when the file has no tracing section: off. */
export function noTracing(): TracingConfig {
  return { ...tracingConfig.zero(), tls_config: tlsConfig.zero() };
}
