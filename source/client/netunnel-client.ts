/**
 * NetunnelClient: one channel to one server, and the tunnels opened on it
 * (PROTOCOL.md 3). Works against our server and against NETunnel 1.0.12.
 */
import {EventEmitter} from 'node:events';
import {formatSilence, heartbeatSilenceMs} from '../engine/heartbeat.js';
import {RequestChannel} from '../engine/request-channel.js';
import {silentLogger, type Logger} from '../engine/logger.js';
import type {FrameData} from '../protocol/channel-frames.js';
import type {CreateChannelBody, ForwardTunnelBody, ReverseTunnelBody} from '../protocol/bodies.js';
import {messageOf} from '../protocol/errors.js';
import {operations} from '../protocol/operations.js';
import {paths} from '../protocol/routes.js';
import type {SocketAddress} from '../protocol/socket-address.js';
import {PROTOCOL_VERSION} from '../protocol/version.js';
import {FEATURES, type Feature} from '../protocol/management.js';
import {IDLE_WEBSOCKETS_KEY, STREAM_FEATURE} from '../protocol/stream-frames.js';
import type {PoolSizing} from '../engine/pool-sizing.js';
import {ChannelCredentials} from './channel-credentials.js';
import {AlreadyConnectedError, NotConnectedError, TunnelNotOpenError} from './client-errors.js';
import {ClientTunnel, ForwardClientTunnel, ReverseClientTunnel} from './client-tunnel.js';
import {ManagementClient} from './management-client.js';
import {callOperation} from './operation-call.js';
import {ServerTransport, type TransportOptions} from './server-transport.js';
import {StreamSettings} from './stream-settings.js';

export interface NetunnelClientOptions extends TransportOptions {
  logger?: Logger;
  /**
   * What this client announces in `POST /channels` (default: every feature of FEATURES). An
   * extension is only used when both sides announce it; [] speaks exactly like a 1.0.12 client.
   */
  features?: readonly Feature[];
  /**
   * With the stream extension, the pool of ready websockets of each forward tunnel (default
   * minIdle 1, maxIdle 256, idleTimeoutMs 30 s), kept within the server's limit in any case.
   */
  websocketPool?: PoolSizing;
}

export interface ForwardTunnelOptions {
  /** Where the server connects for each connection (default 127.0.0.1). */
  exitAddress?: string;
  exitPort: number;
  /** Where this client listens (default 127.0.0.1, a free port). */
  localAddress?: string;
  localPort?: number | null;
}

export interface ReverseTunnelOptions {
  /** Where this client connects for each connection (default 127.0.0.1). */
  exitAddress?: string;
  exitPort: number;
  /** Where the server listens (default 127.0.0.1; port null: a free one). */
  entranceAddress?: string;
  entrancePort?: number | null;
}

export interface NetunnelClientEvents {
  /**
   * The channel ended without close() being called: the server went away, dropped us, or
   * stopped answering the heartbeat's pings (within 1.5 heartbeat intervals: 30 s by default).
   */
  disconnected: [string];
}

function tunnelIdOf(data: FrameData): number {
  const tunnelId = data.tunnel_id;
  if (typeof tunnelId !== 'number') throw new Error('Message data has no integer `tunnel_id`');
  return tunnelId;
}

export class NetunnelClient extends EventEmitter<NetunnelClientEvents> {
  readonly transport: ServerTransport;
  /** The server's REST routes that need no channel (version, peers, proxy, ...), on this client's transport. */
  readonly api: ManagementClient;
  private readonly logger: Logger;
  private control: RequestChannel | undefined;
  private channel: number | undefined;
  private remoteVersion: string | undefined;
  /** What the server announced ([] for 1.0.12): extensions are only used when announced. */
  private remoteFeatures: string[] = [];
  private readonly ownFeatures: readonly Feature[];
  /** The channel's websocket-tokens secret (none against 1.0.12). */
  private credentials = ChannelCredentials.NONE;
  /** The stream extension's settings, when both sides announced it. */
  private streams: StreamSettings | undefined;
  private readonly poolSizing: PoolSizing | undefined;
  private readonly openTunnels = new Map<number, ClientTunnel>();
  /** Reverse tunnels being created: the server may ask for websockets before its POST answers. */
  private reverseUnderConstruction: Promise<unknown> = Promise.resolve();
  private closing = false;

  constructor(options: NetunnelClientOptions) {
    super();
    this.transport = new ServerTransport(options);
    this.api = new ManagementClient(this.transport);
    this.logger = options.logger ?? silentLogger;
    this.ownFeatures = options.features ?? FEATURES;
    this.poolSizing = options.websocketPool;
  }

  get serverUrl(): string {
    return this.transport.serverUrl;
  }

  get connected(): boolean {
    return this.control?.isOpen ?? false;
  }

  get channelId(): number {
    if (this.channel === undefined) throw new NotConnectedError();
    return this.channel;
  }

  /** The version the server announced when the channel was created. */
  get serverVersion(): string | undefined {
    return this.remoteVersion;
  }

  /** Features the server announced when the channel was created ([] for a 1.0.12 server). */
  get serverFeatures(): readonly string[] {
    return this.remoteFeatures;
  }

  serverHas(feature: Feature): boolean {
    return this.remoteFeatures.includes(feature);
  }

  /** An extension is used only when both sides announced it. */
  private uses(feature: Feature): boolean {
    return this.ownFeatures.includes(feature) && this.serverHas(feature);
  }

  get tunnels(): ClientTunnel[] {
    return [...this.openTunnels.values()];
  }

  /** Creates the channel and opens its control websocket. */
  async connect(): Promise<void> {
    if (this.closing) throw new NotConnectedError('The client is closed');
    if (this.control) throw new AlreadyConnectedError(this.serverUrl);
    // `features` is our extension: 1.0.12 servers ignore it; ours answer with their own.
    const body: CreateChannelBody = {version: PROTOCOL_VERSION};
    if (this.ownFeatures.length > 0) body.features = [...this.ownFeatures];
    const answer = await callOperation(this.transport, operations.createChannel, [], body);
    this.remoteFeatures = answer.features ?? [];
    this.channel = answer.channel_id;
    this.remoteVersion = answer.version;
    this.credentials = ChannelCredentials.fromAnswer(answer.channel_secret, this.uses('websocket-tokens'));
    this.streams = StreamSettings.fromAnswer(answer[IDLE_WEBSOCKETS_KEY], this.uses(STREAM_FEATURE), this.poolSizing);
    const websocket = await this.transport.openWebsocket(paths.channelConnect(this.channel), this.credentials.headers());
    if (this.closing) {
      // close() was called while connecting: the channel must not outlive it. (The websocket is
      // paused, so a closing handshake could not complete: cut it.)
      websocket.terminate();
      throw new NotConnectedError('The client was closed while connecting');
    }
    this.control = new RequestChannel(websocket, (name, data) => this.handleServerMessage(name, data));
    this.control.on('warning', (warning) => this.logger.warn(warning));
    this.control.once('close', () => void this.onChannelClosed());
    this.logger.debug(`Channel ${this.channel} open on ${this.serverUrl} (server version ${this.remoteVersion ?? 'unknown'})`);
  }

  /** A tunnel from a local entrance to an exit reached by the server. */
  async openTunnelToServer(options: ForwardTunnelOptions): Promise<ForwardClientTunnel> {
    const control = this.requireChannel();
    const exit = {address: options.exitAddress ?? '127.0.0.1', port: options.exitPort};
    let registered: number | undefined;
    let tunnel: ForwardClientTunnel;
    try {
      tunnel = await ForwardClientTunnel.open(
        {address: options.localAddress ?? '127.0.0.1', port: options.localPort ?? null},
        exit,
        async (entrance) => {
          const body: ForwardTunnelBody = {exit_address: exit.address, exit_port: exit.port, reverse: false};
          if (this.uses('endpoint-report')) body.entrance = entrance;
          registered = (await callOperation(this.transport, operations.createTunnel, [this.channelId], body)).tunnel_id;
          return registered;
        },
        (tunnelId) => this.transport.openWebsocket(paths.tunnelConnect(this.channelId, tunnelId), this.credentials.headers()),
        this.streams?.forwardPool,
      );
    } catch (error) {
      // The server's half may exist already: take it down again so nothing is left behind.
      if (registered !== undefined) await this.deleteOnServer(registered, true);
      throw error;
    }
    const tunnelId = tunnel.id;
    if (!control.isOpen) {
      await tunnel.stopLocally(true);
      throw new NotConnectedError('The channel closed while the tunnel was opening');
    }
    this.openTunnels.set(tunnelId, tunnel);
    return tunnel;
  }

  /** A tunnel from an entrance on the server to an exit reached by this client. */
  async openTunnelToClient(options: ReverseTunnelOptions): Promise<ReverseClientTunnel> {
    this.requireChannel();
    const exit = {address: options.exitAddress ?? '127.0.0.1', port: options.exitPort};
    const entranceAddress = options.entranceAddress ?? '127.0.0.1';
    const creation = (async () => {
      const body: ReverseTunnelBody = {entrance_address: entranceAddress, entrance_port: options.entrancePort ?? null, reverse: true};
      if (this.uses('endpoint-report')) body.exit = exit;
      const answer = await callOperation(this.transport, operations.createTunnel, [this.channelId], body);
      // Our server says which port it listens on; 1.0.12 does not, so the asked one is shown.
      const entrance: SocketAddress = {address: entranceAddress, port: answer.entrance_port ?? options.entrancePort ?? 0};
      const tunnel = new ReverseClientTunnel(answer.tunnel_id, entrance, exit, {streams: this.streams !== undefined});
      this.openTunnels.set(tunnel.id, tunnel);
      return tunnel;
    })();
    this.reverseUnderConstruction = Promise.allSettled([this.reverseUnderConstruction, creation]);
    return creation;
  }

  /** Stops a tunnel here and on the server. */
  async closeTunnel(tunnelId: number, options: {force?: boolean} = {}): Promise<void> {
    const tunnel = this.openTunnels.get(tunnelId);
    if (!tunnel) throw new TunnelNotOpenError(tunnelId);
    this.openTunnels.delete(tunnelId);
    const force = options.force ?? false;
    await Promise.all([tunnel.stopLocally(force), this.deleteOnServer(tunnelId, force)]);
  }

  /**
   * Closes every tunnel and the channel; the server then stops its halves. `timeoutMs` bounds
   * the wait for the server's side of the websocket closing handshake (a server that stopped
   * answering would otherwise hold it for ws's 30 s); the websocket is cut after it.
   */
  async close(options: {timeoutMs?: number} = {}): Promise<void> {
    this.closing = true;
    const tunnels = [...this.openTunnels.values()];
    this.openTunnels.clear();
    await Promise.all(tunnels.map((tunnel) => tunnel.stopLocally(true)));
    const control = this.control;
    if (control && !control.isClosed) {
      const closed = new Promise<void>((resolve) => control.once('close', () => resolve()));
      control.close();
      const cut = options.timeoutMs === undefined ? undefined : setTimeout(() => control.websocket.terminate(), options.timeoutMs);
      await closed;
      clearTimeout(cut);
    }
    this.transport.close();
  }

  private requireChannel(): RequestChannel {
    if (!this.control?.isOpen) throw new NotConnectedError();
    return this.control;
  }

  private async deleteOnServer(tunnelId: number, force: boolean): Promise<void> {
    if (!this.connected) return;
    try {
      await callOperation(this.transport, operations.deleteTunnel, [this.channelId, tunnelId], {force});
    } catch (error) {
      this.logger.warn(`Failed to delete remote tunnel ${tunnelId}: ${messageOf(error)}`);
    }
  }

  private async handleServerMessage(name: string, data: FrameData): Promise<FrameData> {
    if (name === 'TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION') {
      const tunnelId = tunnelIdOf(data);
      await this.reverseUnderConstruction;
      const tunnel = this.openTunnels.get(tunnelId);
      if (!(tunnel instanceof ReverseClientTunnel)) throw new Error(`tunnel_id \`${tunnelId}\` is not registered on this client`);
      // The request's token (websocket-tokens) goes back with the websocket that answers it.
      this.transport.openWebsocket(paths.tunnelConnect(this.channelId, tunnelId), this.credentials.headers(data)).then(
        (websocket) => tunnel.acceptWebsocket(websocket),
        (error: unknown) => this.logger.warn(`Tunnel ${tunnelId}: cannot open a websocket: ${messageOf(error)}`),
      );
      return {};
    }
    if (name === 'DELETE_TUNNEL') {
      const tunnelId = tunnelIdOf(data);
      const tunnel = this.openTunnels.get(tunnelId);
      if (!tunnel) throw new Error(`tunnel_id \`${tunnelId}\` is not registered on this client`);
      this.openTunnels.delete(tunnelId);
      // The server asked, so the server is not called back.
      void tunnel.stopLocally(data.force === true);
      return {};
    }
    throw new Error(`Unknown message_type ${name}`);
  }

  private async onChannelClosed(): Promise<void> {
    // Told before the tunnels stop, so that whoever waits on a tunnel knows why it stopped.
    if (!this.closing) {
      const silence = this.control && heartbeatSilenceMs(this.control.websocket);
      const reason =
        silence === undefined
          ? `The connection to ${this.serverUrl} was lost`
          : `Lost the server ${this.serverUrl}: no answer to pings for ${formatSilence(silence)}`;
      // The reason goes with the event: whoever listens says it (the CLI in its one line).
      this.logger.debug(`Channel ${this.channel} to ${this.serverUrl} closed: ${reason}`);
      this.emit('disconnected', reason);
    }
    const tunnels = [...this.openTunnels.values()];
    this.openTunnels.clear();
    await Promise.all(tunnels.map((tunnel) => tunnel.stopLocally(true)));
  }
}
