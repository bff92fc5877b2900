/**
 * The server's websockets at shutdown. Each is closed normally (1000) after what it still has
 * to send: tunnel connections first, so that their bytes are through before their channel
 * ends (a channel's end cuts its tunnels), then the rest (control channels); whatever has
 * not finished its closing handshake within the grace period is cut.
 */
import type {WebSocket} from 'ws';
import type {Logger} from '../../engine/logger.js';
import {closeWebsocketsWithin} from '../../engine/websocket-close.js';
import type {RouteTable, UpgradeHandler} from '../http/route-table.js';

export class WebsocketDrain {
  /** The open websockets of tunnel connections. */
  private readonly tunnelWebsockets = new Set<WebSocket>();

  constructor(
    /** Every open websocket of the server (ws's client tracking), read at shutdown. */
    private readonly all: () => Iterable<WebSocket>,
    private readonly logger: Logger,
  ) {}

  /** The route table, with each tunnel-connection websocket remembered while it is open. */
  track(routes: RouteTable): RouteTable {
    const accept = routes.upgrade.tunnelConnect;
    if (!accept) return routes;
    const tracked = this.tunnelWebsockets;
    const tunnelConnect: UpgradeHandler = async (context) => {
      const onOpen = await accept(context);
      return (websocket) => {
        tracked.add(websocket);
        websocket.once('close', () => tracked.delete(websocket));
        onOpen(websocket);
      };
    };
    return {rest: routes.rest, upgrade: {...routes.upgrade, tunnelConnect}};
  }

  /** Closes every websocket within `graceMs` in all (see above); 0: nothing is waited for. */
  async closeWithin(graceMs: number): Promise<void> {
    if (graceMs <= 0) return;
    const deadline = Date.now() + graceMs;
    let cut = await closeWebsocketsWithin(this.tunnelWebsockets, graceMs);
    cut += await closeWebsocketsWithin(this.all(), Math.max(0, deadline - Date.now()));
    if (cut > 0) this.logger.info(`Cut ${cut} websocket(s) still closing after the ${graceMs / 1000} s grace period`);
  }
}
