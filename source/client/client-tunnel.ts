/**
 * The client's half of one tunnel.
 * - forward (to the server): the client is the entrance; it listens locally and opens a
 *   tunnel websocket per connection (one kept ready ahead of time), or with the stream
 *   extension takes them from a pool of reused ones.
 * - reverse (to the client): the client is the exit; it opens a tunnel websocket each time
 *   the server asks and connects to its local exit when the start marker (or, with the stream
 *   extension, each start frame) comes.
 */
import type WebSocket from 'ws';
import {Entrance} from '../engine/entrance.js';
import {ExitPoint} from '../engine/exit.js';
import type {TunnelTraffic} from '../engine/traffic.js';
import {WebsocketPool, type WebsocketPoolOptions} from '../engine/websocket-pool.js';
import {WebsocketSupply} from '../engine/websocket-supply.js';
import type {TunnelDirection} from '../protocol/management.js';
import type {SocketAddress} from '../protocol/socket-address.js';


export abstract class ClientTunnel {
  abstract readonly direction: TunnelDirection;
  readonly createdAt = new Date();
  private resolveClosed!: () => void;
  /** Resolves when the tunnel has stopped, for whatever reason (the 1.0.12 `join`). */
  readonly closed = new Promise<void>((resolve) => {
    this.resolveClosed = resolve;
  });
  private stopping: Promise<void> | undefined;

  constructor(
    readonly id: number,
    readonly entrance: SocketAddress,
    readonly exit: SocketAddress,
  ) {}

  abstract get traffic(): TunnelTraffic;

  /** Stops this side only (the caller deals with the server). */
  stopLocally(force: boolean): Promise<void> {
    this.stopping ??= this.stopSide(force).finally(() => this.resolveClosed());
    return this.stopping;
  }

  protected abstract stopSide(force: boolean): Promise<void>;
}

export class ForwardClientTunnel extends ClientTunnel {
  readonly direction = 'forward';

  constructor(
    id: number,
    private readonly entrancePoint: Entrance,
    private readonly supply: WebsocketSupply | WebsocketPool,
    exit: SocketAddress,
  ) {
    super(id, entrancePoint.address!, exit);
  }

  /**
   * Listens on the local entrance first (a taken port fails before the server is bothered),
   * then registers the tunnel on the server, then waits until a first websocket is ready.
   * `pool`: the stream extension is on, websockets come from a pool sized so.
   */
  static async open(
    local: {address: string; port: number | null},
    exit: SocketAddress,
    register: (entrance: SocketAddress) => Promise<number>,
    openWebsocket: (tunnelId: number) => Promise<WebSocket>,
    pool?: WebsocketPoolOptions,
  ): Promise<ForwardClientTunnel> {
    let tunnelId: number | undefined;
    const requester = () => openWebsocket(tunnelId!);
    const supply = pool ? new WebsocketPool(requester, pool) : new WebsocketSupply(requester);
    const entrance = new Entrance(supply);
    const bound = await entrance.listen(local.address, local.port);
    try {
      tunnelId = await register(bound);
    } catch (error) {
      await entrance.stop(true);
      throw error;
    }
    const tunnel = new ForwardClientTunnel(tunnelId, entrance, supply, exit);
    supply.start();
    try {
      await supply.whenReady();
    } catch (error) {
      await tunnel.stopLocally(true);
      throw error;
    }
    return tunnel;
  }

  get traffic(): TunnelTraffic {
    return this.entrancePoint.connections.traffic;
  }

  /** The stream extension's pool of websockets (undefined on the classic wire), for status displays. */
  get websocketPool(): WebsocketPool | undefined {
    return this.supply instanceof WebsocketPool ? this.supply : undefined;
  }

  /** Why the last tunnel websocket could not be opened, if it could not. */
  get lastError(): string | undefined {
    return this.supply.lastError;
  }

  protected stopSide(force: boolean): Promise<void> {
    return this.entrancePoint.stop(force);
  }
}

export class ReverseClientTunnel extends ClientTunnel {
  readonly direction = 'reverse';
  private readonly exitPoint: ExitPoint;

  /** `streams`: the stream extension is on (both sides announced it). */
  constructor(id: number, entrance: SocketAddress, exit: SocketAddress, options: {streams?: boolean} = {}) {
    super(id, entrance, exit);
    this.exitPoint = new ExitPoint(exit, {streams: options.streams});
  }

  get traffic(): TunnelTraffic {
    return this.exitPoint.connections.traffic;
  }

  acceptWebsocket(websocket: WebSocket): void {
    this.exitPoint.accept(websocket);
  }

  protected stopSide(force: boolean): Promise<void> {
    return this.exitPoint.stop(force);
  }
}
