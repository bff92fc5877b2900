/**
 * Checks that an HTTP proxy works before the server adopts it (PROTOCOL.md 4.3): a GET of the
 * test URL through the proxy must end in 200. Redirects are followed (1.0.12's aiohttp does,
 * and its default test URL, https://google.com, redirects).
 *
 * An https test URL goes through a CONNECT tunnel (https-proxy-agent, as the tunnels to peers
 * do); an http one is asked of the proxy in absolute form, as any HTTP client does.
 */
import http from 'node:http';
import https from 'node:https';
import {HttpsProxyAgent} from 'https-proxy-agent';
import {proxyUrlWithCredentials, type ProxySettings} from '../../protocol/proxy-settings.js';
import {messageOf} from '../../protocol/errors.js';
import {ServerError} from '../server-errors.js';

/** The check failed: the proxy could not be reached or did not get the test URL. */
const checkFailed = (message: string) => new ServerError('NETUNNEL_ERR_PROXY_CHECK', message);

export interface ProxyCheckOptions {
  proxy: ProxySettings;
  testUrl: string;
  timeoutMs?: number;
}

const MAX_REDIRECTS = 10;
const DEFAULT_TIMEOUT_MS = 10_000;

export async function checkProxy(options: ProxyCheckOptions): Promise<void> {
  const proxyUrl = proxyUrlWithCredentials(options.proxy);
  const agent = new HttpsProxyAgent(proxyUrl, {keepAlive: false});
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    let target = new URL(options.testUrl);
    for (let redirects = 0; ; redirects += 1) {
      const {status, location} = await getThroughProxy(target, proxyUrl, agent, timeoutMs).catch((error: unknown) => {
        throw checkFailed(`Failed to reach ${target.href} through the proxy ${options.proxy.url}: ${messageOf(error)}`);
      });
      if (status >= 300 && status < 400 && location !== undefined && redirects < MAX_REDIRECTS) {
        target = new URL(location, target);
        continue;
      }
      // 1.0.12's words.
      if (status !== 200) throw checkFailed(`Invalid response from proxy: ${status}`);
      return;
    }
  } finally {
    agent.destroy();
  }
}

function getThroughProxy(
  target: URL,
  proxyUrl: URL,
  agent: http.Agent,
  timeoutMs: number,
): Promise<{status: number; location: string | undefined}> {
  return new Promise((resolve, reject) => {
    const onResponse = (response: http.IncomingMessage) => {
      response.resume();
      response.on('error', () => {});
      const location = response.headers.location;
      resolve({status: response.statusCode ?? 0, location: typeof location === 'string' ? location : undefined});
    };
    let request: http.ClientRequest;
    if (target.protocol === 'https:') {
      request = https.request(target, {method: 'GET', agent, timeout: timeoutMs}, onResponse);
    } else {
      const headers: Record<string, string> = {Host: target.host};
      if (proxyUrl.username !== '' || proxyUrl.password !== '') {
        const credentials = `${decodeURIComponent(proxyUrl.username)}:${decodeURIComponent(proxyUrl.password)}`;
        headers['Proxy-Authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
      }
      const send = proxyUrl.protocol === 'https:' ? https.request : http.request;
      request = send(
        {
          protocol: proxyUrl.protocol,
          hostname: proxyUrl.hostname.replace(/^\[|\]$/g, ''),
          port: proxyUrl.port === '' ? (proxyUrl.protocol === 'https:' ? 443 : 80) : Number(proxyUrl.port),
          method: 'GET',
          path: target.href,
          headers,
          timeout: timeoutMs,
          agent: false,
        },
        onResponse,
      );
    }
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end();
  });
}
