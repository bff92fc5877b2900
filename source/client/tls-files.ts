/**
 * TLS material named by path (command-line flags, the console's saved servers): read and
 * checked at once, so that a wrong path or a file that is no certificate is one line naming
 * the flag and the file, before anything connects.
 */
import {X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {createSecureContext} from 'node:tls';
import {messageOf} from '../protocol/errors.js';
import {TlsMaterialError} from './client-errors.js';
import type {ClientTlsOptions} from './server-transport.js';

/** Paths of a client's TLS material: a private CA to trust, and a client certificate with its key. */
export interface ClientTlsFiles {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}

/** The flags the files come from, for the messages. */
export type ClientTlsFlags = Record<keyof ClientTlsFiles, string>;

/** The clients' flags (the console's saved servers name their files the same). */
export const CLIENT_TLS_FLAGS: ClientTlsFlags = {caFile: '--ca-file', certFile: '--tls-cert', keyFile: '--tls-key'};

/** The file's bytes; a file that cannot be read is a TlsMaterialError naming `flag`. */
export async function readPemFile(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new TlsMaterialError(`Cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`);
  }
}

/** Throws unless `pem` holds a certificate (OpenSSL itself ignores a CA file without one). */
export function checkCertificate(pem: Buffer, flag: string, path: string): void {
  try {
    new X509Certificate(pem);
  } catch {
    throw new TlsMaterialError(`${flag} ${path} holds no PEM certificate`);
  }
}

/** Reads the files given (none: undefined); a certificate goes with its key. */
export async function readClientTlsFiles(files: ClientTlsFiles, flags: ClientTlsFlags = CLIENT_TLS_FLAGS): Promise<ClientTlsOptions | undefined> {
  const {caFile, certFile, keyFile} = files;
  if ((certFile === undefined) !== (keyFile === undefined)) throw new TlsMaterialError(`${flags.certFile} and ${flags.keyFile} go together`);
  if (caFile === undefined && certFile === undefined) return undefined;
  const tls: ClientTlsOptions = {};
  if (caFile !== undefined) {
    tls.ca = await readPemFile(caFile, flags.caFile);
    checkCertificate(tls.ca, flags.caFile, caFile);
  }
  if (certFile !== undefined && keyFile !== undefined) {
    tls.cert = await readPemFile(certFile, flags.certFile);
    tls.key = await readPemFile(keyFile, flags.keyFile);
    try {
      createSecureContext({cert: tls.cert, key: tls.key});
    } catch (error) {
      throw new TlsMaterialError(`Invalid ${flags.certFile}/${flags.keyFile} (${certFile}, ${keyFile}): ${messageOf(error)}`);
    }
  }
  return tls;
}
