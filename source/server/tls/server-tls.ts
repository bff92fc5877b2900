/**
 * The server's own TLS: its certificate and key, and optionally the CA its clients'
 * certificates must be signed by (mutual TLS). Read from files at start and again on a
 * reload (the CLI's SIGHUP); a reload only replaces the secure context, so connections and
 * channels already open are untouched and only new connections see the new certificate.
 */
import type {ServerOptions} from 'node:https';
import {createSecureContext, type SecureContextOptions} from 'node:tls';
import {TlsMaterialError} from '../../client/client-errors.js';
import {checkCertificate, readPemFile} from '../../client/tls-files.js';
import {messageOf} from '../../protocol/errors.js';

export interface ServerTlsOptions {
  /** The certificate chain (PEM). */
  cert: string | Buffer;
  /** Its private key (PEM). */
  key: string | Buffer;
  /** Clients must present a certificate signed by this CA (PEM); refused in the TLS handshake otherwise. */
  clientCa?: string | Buffer | undefined;
}

/** The files of `--tls-cert`, `--tls-key` and `--tls-client-ca`. */
export interface ServerTlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile?: string | undefined;
}

/** Reads the files and checks that they make a usable TLS setup (TlsMaterialError otherwise). */
export async function readServerTlsFiles(files: ServerTlsFiles): Promise<ServerTlsOptions> {
  const tls: ServerTlsOptions = {cert: await readPemFile(files.certFile, '--tls-cert'), key: await readPemFile(files.keyFile, '--tls-key')};
  if (files.clientCaFile !== undefined) {
    tls.clientCa = await readPemFile(files.clientCaFile, '--tls-client-ca');
    checkCertificate(tls.clientCa, '--tls-client-ca', files.clientCaFile);
  }
  secureContextOptions(tls);
  return tls;
}

/**
 * What https.Server#setSecureContext takes, checked first by building a context from it (a
 * key that does not match the certificate, or no PEM at all, throws TlsMaterialError), so
 * that a bad reload never replaces a good certificate.
 */
export function secureContextOptions(tls: ServerTlsOptions): SecureContextOptions {
  const options: SecureContextOptions = {cert: tls.cert, key: tls.key, ...(tls.clientCa === undefined ? {} : {ca: tls.clientCa})};
  try {
    createSecureContext(options);
  } catch (error) {
    throw new TlsMaterialError(`Invalid --tls-cert/--tls-key: ${messageOf(error)}`);
  }
  return options;
}

/** The options of the https server; with a client CA, a client without a valid certificate never gets past the handshake. */
export function httpsServerOptions(tls: ServerTlsOptions): ServerOptions {
  const options: ServerOptions = secureContextOptions(tls);
  if (tls.clientCa !== undefined) {
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  return options;
}
