/**
 * Test support: a throw-away CA with a server and a client certificate, made with the
 * `openssl` CLI in a temporary directory. Not used by production code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPKI {
  dir: string;
  caFile: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A second, unrelated CA (for "wrong CA" cases). */
  otherCaFile: string;
  cleanup(): void;
}

function ossl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

function newKey(dir: string, name: string): void {
  ossl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', name]);
}

/** Makes the PKI. The server certificate is valid for 127.0.0.1, localhost and target.example. */
export function makeTestPKI(): TestPKI {
  const dir = mkdtempSync(join(tmpdir(), 'wf-pki-'));
  for (const ca of ['ca', 'other']) {
    newKey(dir, `${ca}.key`);
    ossl(dir, ['req', '-x509', '-new', '-key', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=${ca}-test-ca`]);
  }
  writeFileSync(join(dir, 'srv.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:target.example\n');
  writeFileSync(join(dir, 'cli.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, ext] of [['srv', 'srv.ext'], ['cli', 'cli.ext']] as const) {
    newKey(dir, `${name}.key`);
    ossl(dir, ['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    ossl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', ext]);
  }
  const f = (n: string): string => join(dir, n);
  return {
    dir,
    caFile: f('ca.crt'),
    ca: readFileSync(f('ca.crt'), 'utf8'),
    serverCert: readFileSync(f('srv.crt'), 'utf8'),
    serverKey: readFileSync(f('srv.key'), 'utf8'),
    clientCertFile: f('cli.crt'),
    clientKeyFile: f('cli.key'),
    otherCaFile: f('other.crt'),
    cleanup: () => { rmSync(dir, { recursive: true, force: true }); },
  };
}
