export { newHTTPClient } from './client.js';
export type { HTTPClient, HTTPClientOptions, HTTPRequest, HTTPResponse } from './client.js';
export { Cancel } from './cancel.js';
export { HTTPClientError } from './errors.js';
export type { HTTPErrorKind } from './errors.js';
export { defaultHTTPClientConfig, defaultTLSConfig } from './defaults.js';
export { TLSSettings, type TLSConnectOptions } from './tls.js';
