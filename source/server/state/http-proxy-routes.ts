/**
 * `GET/POST /config/http-proxy` (PROTOCOL.md 4.3): the global proxy every connection to a peer
 * goes through. A new proxy is checked first (unless `check_proxy` is false), stored with its
 * credentials encrypted, and every static tunnel reconnects through it.
 */
import {operations} from '../../protocol/operations.js';
import type {HttpProxyInfo, SetHttpProxyBody} from '../../protocol/server-objects.js';
import type {Logger} from '../../engine/logger.js';
import {proxyAnswer, proxyToStore} from './global-proxy.js';
import {BodyError} from '../../protocol/errors.js';
import {checkProxy} from './proxy-check.js';
import {serve} from '../http/operation-routes.js';
import {mergeRouteTables, type RouteTable} from '../http/route-table.js';
import type {ServerState} from './server-state.js';

export interface HttpProxyRoutesSettings {
  /** How long the proxy check may take (ms). */
  checkTimeoutMs: number;
  logger: Logger;
}

export function httpProxyRoutes(state: () => ServerState, settings: HttpProxyRoutesSettings): RouteTable {
  return mergeRouteTables(
    serve(operations.getHttpProxy, () => proxyAnswer(state().store.get().http_proxy)),
    serve(operations.setHttpProxy, async ({input}) => setHttpProxy(state(), await input(), settings)),
  );
}

export async function setHttpProxy(state: ServerState, body: SetHttpProxyBody, settings: HttpProxyRoutesSettings): Promise<HttpProxyInfo> {
  const proxyUrl = body.proxy_url;
  // As 1.0.12: an empty username or password is none.
  const username = body.username || null;
  const password = body.password || null;
  if (proxyUrl !== null) {
    if ((username === null) !== (password === null)) {
      throw new BodyError('HTTP proxy authentication should include both username and password');
    }
    if (body.check_proxy !== false) {
      const testUrl = body.test_url ?? state.store.get().http_proxy_test_url;
      await checkProxy({
        proxy: {url: proxyUrl, username: username ?? undefined, password: password ?? undefined},
        testUrl,
        timeoutMs: settings.checkTimeoutMs,
      });
    }
  }
  return state.peers.exclusive(async () => {
    const stored = proxyUrl === null ? null : proxyToStore(proxyUrl, username, password, state.secretKey);
    await state.store.update((draft) => {
      draft.http_proxy = stored;
    });
    settings.logger.info(proxyUrl === null ? 'Setting empty default proxy url' : `Setting default proxy url to \`${proxyUrl}\``);
    state.peers.restartAll();
    return proxyAnswer(state.store.get().http_proxy);
  });
}
