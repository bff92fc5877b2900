/**
 * The server's half of one tunnel.
 * - forward (client-to-server): the server is the exit; each tunnel websocket from the client
 *   waits for its marker, then the server connects to the exit address.
 * - reverse (server-to-client): the server is the entrance; it asks the client for each
 *   websocket with TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION, keeps one ready, and takes a tunnel
 *   websocket only in answer to one of its requests (websocket-requests.ts).
 * Idle websockets (forward: waiting for their marker; reverse: ready in the supply) are pinged,
 * and dropped once they stop answering (engine/idle-liveness.ts).
 * With the stream extension (both sides announced it: docs/stream-extension.md), the forward
 * exit takes start frames and waits for the next one after each connection (pinged meanwhile),
 * and the reverse entrance takes its websockets from a pool fed by the same requests.
 */
import type WebSocket from 'ws';
import {SupplyStoppedError} from '../../engine/engine-errors.js';
import {Entrance} from '../../engine/entrance.js';
import {ExitPoint} from '../../engine/exit.js';
import {DEFAULT_HEARTBEAT_MS} from '../../engine/heartbeat.js';
import {IdleLiveness} from '../../engine/idle-liveness.js';
import type {RequestChannel} from '../../engine/request-channel.js';
import type {TunnelTraffic} from '../../engine/traffic.js';
import type {TunnelConnections} from '../../engine/tunnel-connections.js';
import {WebsocketPool, type WebsocketPoolOptions} from '../../engine/websocket-pool.js';
import {WebsocketSupply} from '../../engine/websocket-supply.js';
import type {FrameData} from '../../protocol/channel-frames.js';
import type {TunnelDirection} from '../../protocol/management.js';
import type {SocketAddress} from '../../protocol/socket-address.js';
import {REQUEST_TOKEN_KEY} from '../../protocol/websocket-tokens.js';
import {WebsocketRequests} from './websocket-requests.js';

export interface ServerTunnel {
  readonly id: number;
  readonly direction: TunnelDirection;
  readonly createdAt: Date;
  /** Where the tunnel is entered, when this side knows it. */
  readonly entrance: SocketAddress | null;
  /** Where the tunnel leads, when this side knows it. */
  readonly exit: SocketAddress | null;
  readonly traffic: TunnelTraffic;
  /** This side's open connections, each with its live record. */
  readonly connections: TunnelConnections;
  /**
   * Before the upgrade of a tunnel websocket from the channel's owner: refuses it (an HttpError)
   * unless this tunnel takes it now, and returns what to do with it once open. `token`: the
   * request token it brought (websocket-tokens), if any.
   */
  admitWebsocket(token: string | undefined): (websocket: WebSocket) => void;
  /**
   * Websockets of this tunnel that carry no connection: forward, those before their start
   * marker (or connecting to the exit); reverse, the ready ones waiting in the supply.
   */
  readonly waitingWebsockets: number;
  /** True when the next websocket is one the server asked for (reverse tunnels). */
  readonly awaitsWebsocket: boolean;
  stop(force: boolean): Promise<void>;
}

export class ForwardServerTunnel implements ServerTunnel {
  readonly direction = 'forward';
  readonly createdAt = new Date();
  private readonly exitPoint: ExitPoint;
  private readonly idleLiveness: IdleLiveness;

  constructor(
    readonly id: number,
    readonly exit: SocketAddress,
    /** As reported by our client; unknown for a 1.0.12 client. */
    readonly entrance: SocketAddress | null = null,
    heartbeatMs = DEFAULT_HEARTBEAT_MS,
    /** The stream extension is on (both sides announced it). */
    streams = false,
  ) {
    this.idleLiveness = new IdleLiveness(heartbeatMs);
    this.exitPoint = new ExitPoint(exit, streams ? {streams, watchIdle: this.idleLiveness.watch} : {});
  }

  get traffic(): TunnelTraffic {
    return this.exitPoint.connections.traffic;
  }

  get connections(): TunnelConnections {
    return this.exitPoint.connections;
  }

  get waitingWebsockets(): number {
    return this.exitPoint.unpipedCount;
  }

  readonly awaitsWebsocket = false;

  /** The client opens these on its own initiative: the owner checks made by the route suffice. */
  admitWebsocket(): (websocket: WebSocket) => void {
    return (websocket) => {
      // Idle until its first frame (the marker); from then on a slow reader may rightly stop answering.
      const unwatch = this.idleLiveness.watch(websocket);
      websocket.once('message', unwatch);
      this.exitPoint.accept(websocket);
    };
  }

  stop(force: boolean): Promise<void> {
    return this.exitPoint.stop(force);
  }
}

export class ReverseServerTunnel implements ServerTunnel {
  readonly direction = 'reverse';
  readonly createdAt = new Date();
  private readonly supply: WebsocketSupply | WebsocketPool;
  private readonly entrancePoint: Entrance;
  private readonly requests: WebsocketRequests;

  constructor(
    readonly id: number,
    control: RequestChannel,
    /** As reported by our client; unknown for a 1.0.12 client. */
    readonly exit: SocketAddress | null = null,
    /** `pool`: the stream extension is on, ready websockets are pooled so. */
    options: {channelId: number; withTokens: boolean; heartbeatMs?: number; pool?: WebsocketPoolOptions | undefined},
  ) {
    this.requests = new WebsocketRequests(options.channelId, id, options.withTokens);
    const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    // Each websocket is asked for with a request of its own (and its own token); a pool under a
    // burst sends several at once.
    const requester = () => {
      const request = this.requests.open();
      const data: FrameData = {tunnel_id: id};
      if (request.token !== undefined) data[REQUEST_TOKEN_KEY] = request.token;
      control.request('TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION', data).catch((error: Error) => request.fail(error));
      return request.websocket;
    };
    const watchIdle = new IdleLiveness(heartbeatMs).watch;
    this.supply = options.pool ? new WebsocketPool(requester, {...options.pool, watchIdle}) : new WebsocketSupply(requester, 1, watchIdle);
    this.entrancePoint = new Entrance(this.supply);
  }

  /** Listens; the chosen port is known after this. Websockets are asked for once start() is called. */
  listen(address: string, port: number | null): Promise<SocketAddress> {
    return this.entrancePoint.listen(address, port);
  }

  /**
   * Starts asking the client for websockets. Called once the answer to its `POST` is written,
   * as 1.0.12 does: 1.0.12's client library fails on a request that comes before that answer.
   */
  start(): void {
    this.supply.start();
  }

  /** The stream extension's pool of ready websockets (undefined on the classic wire), for status displays. */
  get websocketPool(): WebsocketPool | undefined {
    return this.supply instanceof WebsocketPool ? this.supply : undefined;
  }

  get entrance(): SocketAddress | null {
    return this.entrancePoint.address ?? null;
  }

  get traffic(): TunnelTraffic {
    return this.entrancePoint.connections.traffic;
  }

  get connections(): TunnelConnections {
    return this.entrancePoint.connections;
  }

  /** Requests for a websocket the client has not answered with one yet. */
  get outstandingRequests(): number {
    return this.requests.outstandingCount;
  }

  /** Only in answer to an outstanding request: one request, one websocket. */
  admitWebsocket(token: string | undefined): (websocket: WebSocket) => void {
    return this.requests.claim(token);
  }

  get waitingWebsockets(): number {
    return this.supply.idleCount;
  }

  get awaitsWebsocket(): boolean {
    return this.requests.outstandingCount > 0;
  }

  /** At most `max` connections to the entrance at once; those above are closed as they arrive. */
  limitConnections(max: number, onRefused: (remoteAddress: string | undefined) => void): void {
    this.entrancePoint.limitConnections(max, onRefused);
  }

  async stop(force: boolean): Promise<void> {
    this.requests.rejectAll(new SupplyStoppedError());
    await this.entrancePoint.stop(force);
  }
}
