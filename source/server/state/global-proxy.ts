/**
 * The server's global HTTP proxy (PROTOCOL.md 4.3) as the config stores it: the username and
 * password are Fernet tokens made with the secret key (section 5), shown as `******`.
 */
import type {ProxySettings} from '../../protocol/proxy-settings.js';
import {fernetDecrypt, fernetEncrypt} from '../../protocol/fernet.js';
import {SECRET_STRING, type HttpProxyInfo} from '../../protocol/server-objects.js';
import type {DeepReadonly, HttpProxyConfig} from './config-store.js';
import {ServerError} from '../server-errors.js';

export const UNDECRYPTABLE_PROXY_MESSAGE =
  'The HTTP proxy credentials in the config cannot be decrypted with the current secret key: set the proxy again';

/** What the config stores for a proxy; credentials are encrypted, absent ones are null. */
export function proxyToStore(proxyUrl: string, username: string | null, password: string | null, secretKey: string): HttpProxyConfig {
  return {
    proxy_url: proxyUrl,
    username: username === null ? null : fernetEncrypt(secretKey, username),
    password: password === null ? null : fernetEncrypt(secretKey, password),
  };
}

/** The proxy to connect through, credentials decrypted; undefined when there is none. */
export function proxyToUse(stored: DeepReadonly<HttpProxyConfig> | null, secretKey: string): ProxySettings | undefined {
  if (stored === null) return undefined;
  try {
    // As 1.0.12: an empty token is no credential.
    const username = stored.username ? fernetDecrypt(secretKey, stored.username) : undefined;
    const password = stored.password ? fernetDecrypt(secretKey, stored.password) : undefined;
    return {url: stored.proxy_url, username, password};
  } catch {
    throw new ServerError('NETUNNEL_ERR_PROXY_CREDENTIALS', UNDECRYPTABLE_PROXY_MESSAGE);
  }
}

/** The answer of `GET /config/http-proxy`: `{}`, or the proxy with its credentials masked. */
export function proxyAnswer(stored: DeepReadonly<HttpProxyConfig> | null): HttpProxyInfo {
  if (stored === null) return {};
  const answer: HttpProxyInfo = {...stored};
  // 1.0.12 masks both as soon as there is a username.
  if (answer.username) {
    answer.username = SECRET_STRING;
    answer.password = SECRET_STRING;
  }
  return answer;
}
