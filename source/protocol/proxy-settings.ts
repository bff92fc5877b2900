/**
 * An HTTP proxy to reach a server through (PROTOCOL.md 4.3): by CONNECT, with Basic proxy
 * authentication when a username and password are given. A client's `--proxy-*` flags and
 * a server's global proxy toward its peers are both one of these.
 */
import {z} from 'zod';
import {httpUrlSchema} from './fields.js';

export const proxySettingsSchema = z.object({
  url: httpUrlSchema(),
  username: z.string().optional(),
  password: z.string().optional(),
});

export type ProxySettings = z.input<typeof proxySettingsSchema>;

/** The proxy URL with its Basic credentials in it, as https-proxy-agent takes them. */
export function proxyUrlWithCredentials(proxy: ProxySettings): URL {
  const url = new URL(proxy.url);
  if (proxy.username !== undefined && proxy.password !== undefined) {
    url.username = encodeURIComponent(proxy.username);
    url.password = encodeURIComponent(proxy.password);
  }
  return url;
}
