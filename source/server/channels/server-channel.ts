/**
 * One client's channel on the server: its owner, its control websocket and its tunnels
 * (PROTOCOL.md 3.1, 3.2). Closing the control websocket stops every tunnel of the channel,
 * and so does a client that stops answering the server's pings (a stopped process, a silent
 * network partition): its entrance ports and memory are not held forever.
 */
import {EventEmitter} from 'node:events';
import type WebSocket from 'ws';
import {DEFAULT_HEARTBEAT_MS, formatSilence, watchLiveness} from '../../engine/heartbeat.js';
import {RequestChannel} from '../../engine/request-channel.js';
import type {Logger} from '../../engine/logger.js';
import type {ForwardTunnelBody, ReverseTunnelBody} from '../../protocol/bodies.js';
import {messageOf} from '../../protocol/errors.js';
import {ServerError} from '../server-errors.js';
import {ChannelOwner} from './channel-owner.js';
import type {ChannelStreams} from './channel-streams.js';
import {ForwardServerTunnel, ReverseServerTunnel, type ServerTunnel} from './server-tunnel.js';

export interface ServerChannelInfo {
  id: number;
  clientVersion: string;
  clientFeatures: string[];
  remoteAddress: string | undefined;
  /** Who may open this channel's websockets (default: whoever comes from remoteAddress). */
  owner?: ChannelOwner;
  /** The stream extension, when both sides announced it. */
  streams?: ChannelStreams | undefined;
}

export interface ServerChannelEvents {
  connected: [];
  closed: [];
  tunnelCreated: [ServerTunnel];
  /** A graceful stop began: the tunnel takes no new connection, and stays listed until its last one ended. */
  tunnelDraining: [ServerTunnel];
  tunnelDeleted: [ServerTunnel];
}

export class ServerChannel extends EventEmitter<ServerChannelEvents> {
  readonly id: number;
  readonly clientVersion: string;
  readonly clientFeatures: string[];
  readonly remoteAddress: string | undefined;
  readonly owner: ChannelOwner;
  readonly streams: ChannelStreams | undefined;
  readonly createdAt = new Date();
  connectedAt: Date | undefined;
  lastSeenAt = new Date();
  /** The heartbeat's last ping-to-pong time on the control websocket (ms), and the last pong. */
  heartbeatRttMs: number | undefined;
  lastPongAt: Date | undefined;
  readonly tunnels = new Map<number, ServerTunnel>();
  /** Ids of the tunnels draining (still in `tunnels` until their connections ended). */
  readonly draining = new Set<number>();
  private control: RequestChannel | undefined;
  private nextTunnelId = 1;
  private closed = false;

  constructor(
    info: ServerChannelInfo,
    private readonly logger: Logger,
    /** The server's heartbeat on the control websocket and idle tunnel websockets (ms). */
    private readonly heartbeatMs = DEFAULT_HEARTBEAT_MS,
  ) {
    super();
    this.id = info.id;
    this.clientVersion = info.clientVersion;
    this.clientFeatures = info.clientFeatures;
    this.remoteAddress = info.remoteAddress;
    this.owner = info.owner ?? new ChannelOwner(info.remoteAddress, undefined, undefined);
    this.streams = info.streams;
  }

  get connected(): boolean {
    return this.control?.isOpen ?? false;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Takes the control websocket; the channel lives as long as it does. */
  attach(websocket: WebSocket): void {
    if (this.control || this.closed) throw new ServerError('NETUNNEL_ERR_CHANNEL_STATE', `Channel \`${this.id}\` is already connected`);
    this.connectedAt = new Date();
    this.lastSeenAt = this.connectedAt;
    websocket.on('message', () => (this.lastSeenAt = new Date()));
    websocket.on('ping', () => (this.lastSeenAt = new Date()));
    websocket.on('pong', () => {
      this.lastSeenAt = new Date();
      this.lastPongAt = this.lastSeenAt;
    });
    watchLiveness(
      websocket,
      this.heartbeatMs,
      (silentMs) =>
        this.logger.warn(`Channel ${this.id} (${this.remoteAddress ?? 'unknown address'}): no answer to pings for ${formatSilence(silentMs)}; closing it`),
      (rttMs) => (this.heartbeatRttMs = rttMs),
    );
    // Clients of 1.0.12 send no requests; anything they might send is answered with an error.
    this.control = new RequestChannel(websocket, (messageName) => {
      throw new Error(`Unknown message_type ${messageName}`);
    });
    this.control.on('warning', (warning) => this.logger.warn(`Channel ${this.id}: ${warning}`));
    this.control.once('close', () => void this.close());
    this.emit('connected');
  }

  /** The control channel, for tunnels that must talk to the client. */
  private requireControl(): RequestChannel {
    if (!this.control || !this.control.isOpen) {
      throw new ServerError('NETUNNEL_ERR_CHANNEL_STATE', `Channel \`${this.id}\` is not connected yet: open its websocket (/channels/${this.id}/connect) first`);
    }
    return this.control;
  }

  createForwardTunnel(body: ForwardTunnelBody): ServerTunnel {
    this.requireControl();
    const exit = {address: body.exit_address, port: body.exit_port};
    const tunnel = new ForwardServerTunnel(this.nextTunnelId++, exit, body.entrance ?? null, this.heartbeatMs, this.streams !== undefined);
    this.register(tunnel);
    return tunnel;
  }

  /** The tunnel listens; whoever answers its `POST` starts it (tunnel.start()) once the answer is written. */
  async createReverseTunnel(body: ReverseTunnelBody): Promise<ReverseServerTunnel> {
    const control = this.requireControl();
    const tunnel = new ReverseServerTunnel(this.nextTunnelId++, control, body.exit ?? null, {
      channelId: this.id,
      // Our client answers each request with its token; a 1.0.12 client knows nothing of them.
      withTokens: this.owner.secret !== undefined,
      heartbeatMs: this.heartbeatMs,
      pool: this.streams?.reversePool,
    });
    try {
      await tunnel.listen(body.entrance_address, body.entrance_port);
    } catch (error) {
      await tunnel.stop(true);
      const code = (error as NodeJS.ErrnoException).code;
      const where = `${body.entrance_address}:${body.entrance_port ?? 0}`;
      if (code === 'EADDRINUSE') throw new ServerError('NETUNNEL_ERR_ENTRANCE_UNAVAILABLE', `Cannot listen on ${where}: the address is already in use`);
      throw new ServerError('NETUNNEL_ERR_ENTRANCE_UNAVAILABLE', `Cannot listen on ${where}: ${messageOf(error)}`);
    }
    this.register(tunnel);
    return tunnel;
  }

  getTunnel(tunnelId: number): ServerTunnel {
    const tunnel = this.tunnels.get(tunnelId);
    if (!tunnel) throw new ServerError('NETUNNEL_ERR_UNKNOWN_TUNNEL', `Tunnel \`${tunnelId}\` was not found on channel \`${this.id}\``);
    return tunnel;
  }

  /**
   * Stops the server's half. The answer does not wait for graceful connections to drain:
   * the tunnel is gone from the channel at once, its connections end on their own.
   * `notifyClient`: the server stops it on its own, so the client is told (DELETE_TUNNEL).
   */
  deleteTunnel(tunnelId: number, force: boolean, notifyClient: boolean): ServerTunnel {
    const tunnel = this.getTunnel(tunnelId);
    this.tunnels.delete(tunnelId);
    void tunnel.stop(force);
    // A draining tunnel's client was told when the drain began (and forgot the tunnel then).
    if (notifyClient && !this.draining.has(tunnelId)) this.tellClientToStop(tunnelId, force);
    this.emit('tunnelDeleted', tunnel);
    return tunnel;
  }

  /**
   * Stops a tunnel gracefully: the client is told (DELETE_TUNNEL, force false: its entrance
   * stops accepting, a 1.0.12 client's too), this side takes no new connection, and the open
   * ones run to their end; then the tunnel goes (tunnelDeleted). Resolves then, or when the
   * tunnel went another way meanwhile (a forced close, the channel's end).
   */
  drainTunnel(tunnelId: number): Promise<void> {
    const tunnel = this.getTunnel(tunnelId);
    if (this.draining.has(tunnelId)) throw new ServerError('NETUNNEL_ERR_TUNNEL_STATE', `Tunnel \`${tunnelId}\` of channel \`${this.id}\` is already draining`);
    this.draining.add(tunnelId);
    this.tellClientToStop(tunnelId, false);
    this.emit('tunnelDraining', tunnel);
    return tunnel
      .stop(false)
      .finally(() => this.draining.delete(tunnelId))
      .then(() => {
        if (this.tunnels.get(tunnelId) !== tunnel) return;
        this.tunnels.delete(tunnelId);
        this.emit('tunnelDeleted', tunnel);
      });
  }

  private tellClientToStop(tunnelId: number, force: boolean): void {
    if (!this.control?.isOpen) return;
    this.control
      .request('DELETE_TUNNEL', {tunnel_id: tunnelId, force})
      .catch((error: Error) => this.logger.warn(`Channel ${this.id}: the client did not stop tunnel ${tunnelId}: ${error.message}`));
  }

  /** Ends the channel: its tunnels stop (cut), its control websocket closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const tunnels = [...this.tunnels.values()];
    this.tunnels.clear();
    this.control?.close();
    for (const tunnel of tunnels) this.emit('tunnelDeleted', tunnel);
    await Promise.all(tunnels.map((tunnel) => tunnel.stop(true)));
    this.emit('closed');
  }

  private register(tunnel: ServerTunnel): void {
    this.tunnels.set(tunnel.id, tunnel);
    this.emit('tunnelCreated', tunnel);
  }
}
