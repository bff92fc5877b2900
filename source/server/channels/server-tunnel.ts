/**
 * The server's half of one tunnel.
 * - forward (client-to-server): the server is the exit; each tunnel websocket from the client
 *   waits for its marker, then the server connects to the exit address.
 * - reverse (server-to-client): the server is the entrance; it asks the client for each
 *   websocket with TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION and keeps one ready.
 */
import type WebSocket from 'ws';
import {Entrance, type SocketAddress} from '../../engine/entrance.js';
import {ExitPoint} from '../../engine/exit.js';
import type {RequestChannel} from '../../engine/request-channel.js';
import type {TunnelTraffic} from '../../engine/traffic.js';
import {WebsocketSupply} from '../../engine/websocket-supply.js';
import {NetunnelError} from '../../protocol/errors.js';

export type TunnelDirection = 'forward' | 'reverse';

/** 1.0.12 asks again when no websocket arrives within 10 s of a request. */
const WEBSOCKET_ARRIVAL_TIMEOUT_MS = 10_000;

export interface ServerTunnel {
  readonly id: number;
  readonly direction: TunnelDirection;
  readonly createdAt: Date;
  /** Where the tunnel is entered, when this side knows it. */
  readonly entrance: SocketAddress | null;
  /** Where the tunnel leads, when this side knows it. */
  readonly exit: SocketAddress | null;
  readonly traffic: TunnelTraffic;
  /**
   * Websockets of this tunnel that carry no connection: forward, those before their start
   * marker (or connecting to the exit); reverse, the ready ones the client sent unasked.
   */
  readonly waitingWebsockets: number;
  /** True when the next websocket is one the server asked for (reverse tunnels). */
  readonly awaitsWebsocket: boolean;
  /** A tunnel websocket opened by the client for this tunnel. */
  acceptWebsocket(websocket: WebSocket): void;
  stop(force: boolean): Promise<void>;
}

export class ForwardServerTunnel implements ServerTunnel {
  readonly direction = 'forward';
  readonly createdAt = new Date();
  private readonly exitPoint: ExitPoint;

  constructor(
    readonly id: number,
    readonly exit: SocketAddress,
    /** As reported by our client; unknown for a 1.0.12 client. */
    readonly entrance: SocketAddress | null = null,
  ) {
    this.exitPoint = new ExitPoint(exit);
  }

  get traffic(): TunnelTraffic {
    return this.exitPoint.connections.traffic;
  }

  get waitingWebsockets(): number {
    return this.exitPoint.unpipedCount;
  }

  readonly awaitsWebsocket = false;

  acceptWebsocket(websocket: WebSocket): void {
    this.exitPoint.accept(websocket);
  }

  stop(force: boolean): Promise<void> {
    return this.exitPoint.stop(force);
  }
}

class WebsocketArrivalTimeout extends NetunnelError {
  constructor(tunnelId: number) {
    super('NETUNNEL_ERR_NO_WEBSOCKET', `The client sent no websocket for tunnel ${tunnelId} within ${WEBSOCKET_ARRIVAL_TIMEOUT_MS} ms`);
  }
}

interface Arrival {
  resolve(websocket: WebSocket): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class ReverseServerTunnel implements ServerTunnel {
  readonly direction = 'reverse';
  readonly createdAt = new Date();
  private readonly supply: WebsocketSupply;
  private readonly entrancePoint: Entrance;
  private readonly arrivals: Arrival[] = [];

  constructor(
    readonly id: number,
    control: RequestChannel,
    /** As reported by our client; unknown for a 1.0.12 client. */
    readonly exit: SocketAddress | null = null,
  ) {
    this.supply = new WebsocketSupply(
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const arrival: Arrival = {
            resolve,
            reject,
            timer: setTimeout(() => {
              this.forget(arrival);
              reject(new WebsocketArrivalTimeout(id));
            }, WEBSOCKET_ARRIVAL_TIMEOUT_MS),
          };
          arrival.timer.unref();
          this.arrivals.push(arrival);
          control.request('TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION', {tunnel_id: id}).catch((error: Error) => {
            this.forget(arrival);
            reject(error);
          });
        }),
    );
    this.entrancePoint = new Entrance(this.supply);
  }

  /** Listens; the chosen port is known after this. */
  async listen(address: string, port: number | null): Promise<SocketAddress> {
    const bound = await this.entrancePoint.listen(address, port);
    this.supply.start();
    return bound;
  }

  get entrance(): SocketAddress | null {
    return this.entrancePoint.address ?? null;
  }

  get traffic(): TunnelTraffic {
    return this.entrancePoint.connections.traffic;
  }

  get waitingWebsockets(): number {
    return this.supply.idleCount;
  }

  get awaitsWebsocket(): boolean {
    return this.arrivals.length > 0;
  }

  /** At most `max` connections to the entrance at once; those above are closed as they arrive. */
  limitConnections(max: number, onRefused: () => void): void {
    this.entrancePoint.limitConnections(max, onRefused);
  }

  acceptWebsocket(websocket: WebSocket): void {
    const arrival = this.arrivals.shift();
    if (!arrival) {
      this.supply.offer(websocket);
      return;
    }
    clearTimeout(arrival.timer);
    arrival.resolve(websocket);
  }

  async stop(force: boolean): Promise<void> {
    for (const arrival of this.arrivals.splice(0)) {
      clearTimeout(arrival.timer);
      arrival.reject(new NetunnelError('NETUNNEL_ERR_TUNNEL_STOPPED', 'The tunnel is stopped'));
    }
    await this.entrancePoint.stop(force);
  }

  private forget(arrival: Arrival): void {
    const index = this.arrivals.indexOf(arrival);
    if (index !== -1) this.arrivals.splice(index, 1);
    clearTimeout(arrival.timer);
  }
}
