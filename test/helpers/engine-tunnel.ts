/**
 * Engine-level tunnels for tests: an Entrance and an ExitPoint in this process joined by real
 * websockets on 127.0.0.1 (a ws server feeding the exit, a requester opening websockets to it),
 * without the client and server layers.
 */
import {Entrance} from '../../source/engine/entrance.js';
import {ExitPoint} from '../../source/engine/exit.js';
import {WebsocketPool, type WebsocketPoolOptions} from '../../source/engine/websocket-pool.js';
import {WebsocketSupply} from '../../source/engine/websocket-supply.js';
import type {Defer} from './cleanup.js';
import {startWebsocketServer, type WebsocketServerUnderTest} from './websocket-server.js';

export interface EngineTunnel {
  entrancePort: number;
  entrance: Entrance;
  exit: ExitPoint;
  /** The stream extension's pool (undefined for a classic tunnel). */
  pool: WebsocketPool | undefined;
  websockets: WebsocketServerUnderTest;
}

/** An engine tunnel to 127.0.0.1:exitPort: with the stream extension unless `classic`. */
export async function startEngineTunnel(
  defer: Defer,
  exitPort: number,
  options: {classic?: boolean; pool?: WebsocketPoolOptions} = {},
): Promise<EngineTunnel> {
  const websockets = await startWebsocketServer(defer);
  const exit = new ExitPoint({address: '127.0.0.1', port: exitPort}, {streams: !options.classic});
  websockets.onAccept((websocket) => exit.accept(websocket));
  defer(() => exit.stop(true));
  let entrance: Entrance;
  let pool: WebsocketPool | undefined;
  let ready: Promise<void>;
  if (options.classic) {
    const supply = new WebsocketSupply(() => websockets.requester());
    entrance = new Entrance(supply);
    supply.start();
    ready = supply.whenReady();
  } else {
    pool = new WebsocketPool(() => websockets.requester(), options.pool);
    entrance = new Entrance(pool);
    pool.start();
    ready = pool.whenReady();
  }
  defer(() => entrance.stop(true));
  const {port} = await entrance.listen('127.0.0.1', 0);
  await ready;
  return {entrancePort: port, entrance, exit, pool, websockets};
}
