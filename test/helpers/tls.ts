/** The TLS fixtures (test/fixtures/tls: a private CA and what it signed) and looking at what a server presents. */
import {X509Certificate} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {connect} from 'node:tls';
import {once} from 'node:events';
import {fileURLToPath} from 'node:url';

export type TlsFixture =
  | 'ca.crt'
  | 'other-ca.crt'
  | 'server.crt'
  | 'server.key'
  | 'server-renewed.crt'
  | 'server-renewed.key'
  | 'client.crt'
  | 'client.key'
  | 'other-client.crt'
  | 'other-client.key'
  | 'self-signed.crt'
  | 'self-signed.key'
  | 'README.md';

export function tlsFixturePath(name: TlsFixture): string {
  return fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
}

export function readTlsFixture(name: TlsFixture): Buffer {
  return readFileSync(tlsFixturePath(name));
}

/** The server certificate of `server.crt` (or another), with its key, as NetunnelServer's `tls` option takes it. */
export function serverTls(name: 'server' | 'server-renewed' | 'self-signed' = 'server') {
  return {cert: readTlsFixture(`${name}.crt`), key: readTlsFixture(`${name}.key`)};
}

export function fingerprintOf(certificate: Buffer): string {
  return new X509Certificate(certificate).fingerprint256;
}

/** The SHA-256 fingerprint of the certificate a TLS server presents to a new connection. */
export async function presentedFingerprint(port: number, clientCertificate?: {cert: Buffer; key: Buffer}): Promise<string> {
  const socket = connect({host: '127.0.0.1', port, rejectUnauthorized: false, ...clientCertificate});
  try {
    await once(socket, 'secureConnect');
    return socket.getPeerCertificate().fingerprint256;
  } finally {
    socket.destroy();
  }
}
