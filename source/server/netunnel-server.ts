/**
 * NetunnelServer: the HTTP server, its routing (REST and websocket upgrades), auth on every
 * route but /authenticate, the channel registry, and the server's state (config file, secret
 * key, peers and static tunnels, global proxy). Bad input never reaches a 500: every
 * refusal is a 4xx with `{"error": ...}`, and an unexpected failure is logged and answered 500
 * without taking the process down (http/http-dispatcher.ts). What clients may take of the
 * server is bounded by its limits (limits/server-limits.ts).
 */
import {createServer, type Server} from 'node:http';
import {Server as HttpsServer, createServer as createHttpsServer} from 'node:https';
import {once} from 'node:events';
import {hostname} from 'node:os';
import type {AuthRequest, ServerAuth} from '../auth/contract.js';
import {NoAuthServer} from '../auth/no-auth.js';
import {LISTEN_BACKLOG} from '../engine/entrance.js';
import {DEFAULT_HEARTBEAT_MS} from '../engine/heartbeat.js';
import {silentLogger, type Logger} from '../engine/logger.js';
import {FEATURES, type ServerInfo} from '../protocol/management.js';
import {IMPLEMENTATION, IMPLEMENTATION_VERSION, PROTOCOL_VERSION} from '../protocol/version.js';
import type {SocketAddress} from '../protocol/socket-address.js';
import {EventHub} from './management/event-hub.js';
import {exposureWarning, isLoopbackAddress} from './management/exposure.js';
import {WebsocketDrain} from './lifecycle/websocket-drain.js';
import {managementRoutes} from './management/management-routes.js';
import {ConnectionRegistry} from './management/connection-registry.js';
import {connectionRoutes} from './management/connection-routes.js';
import {drainRoutes} from './management/drain-routes.js';
import {RefusalEvents} from './management/refusal-events.js';
import {reportTunnelRefusals} from './management/tunnel-refusals.js';
import {RegistryPeerSource} from './peers/registry-peer-source.js';
import {ChannelRegistry} from './channels/channel-registry.js';
import {identifyClient} from './channels/channel-owner.js';
import {channelRoutes} from './channels/channel-routes.js';
import {channelStreams} from './channels/channel-streams.js';
import {DEFAULT_ALLOWED_DESTINATIONS, DEFAULT_ALLOWED_ENTRANCES, type AllowedDestinations} from './channels/destinations.js';
import {HttpDispatcher} from './http/http-dispatcher.js';
import {WebsocketAcceptor} from './http/websocket-acceptor.js';
import {Admission} from './limits/admission.js';
import {ownerCheck} from './channels/owner-check.js';
import {LimitRefusals} from './limits/limit-refusals.js';
import {LimitSettings, type ServerLimits} from './limits/server-limits.js';
import {ServerError} from './server-errors.js';
import {factoryResetRoutes} from './state/factory-reset.js';
import {httpProxyRoutes} from './state/http-proxy-routes.js';
import {DEFAULT_STATIC_TUNNEL_PORTS} from './peers/local-ports.js';
import type {PeerRegistry} from './peers/peer-registry.js';
import {peerRoutes} from './peers/peer-routes.js';
import {mergeRouteTables} from './http/route-table.js';
import {ServerState} from './state/server-state.js';
import {DEFAULT_STATIC_TUNNEL_TIMING, type StaticTunnelTiming} from './peers/static-tunnel.js';
import type {ConfigStore} from './state/config-store.js';
import {httpsServerOptions, secureContextOptions, type ServerTlsOptions} from './tls/server-tls.js';
import type {NetunnelServerOptions} from './server-options.js';

export type {NetunnelServerOptions};

export class NetunnelServer {
  readonly channels: ChannelRegistry;
  private readonly http: Server;
  private readonly websockets: WebsocketAcceptor;
  private readonly limits: LimitSettings;
  /** How often each limit refused something (`netunnel_limit_refusals_total`). */
  readonly refusals = new LimitRefusals();
  private readonly auth: ServerAuth;
  private readonly logger: Logger;
  private bound: SocketAddress | undefined;
  private readonly startedAt = new Date();
  private readonly extensions: boolean;
  readonly events: EventHub;
  /** Every open tunnelled connection (tracked with extensions only). */
  readonly connections: ConnectionRegistry;
  /** Where the server's refusals are reported, for the event stream. */
  private readonly refusalEvents = new RefusalEvents();
  private readonly peerSource = new RegistryPeerSource();
  private opened: ServerState | undefined;
  private readonly timing: StaticTunnelTiming;
  /** Listening beyond loopback without an auth plugin (known once started). */
  private exposed = false;
  private readonly drain: WebsocketDrain;

  constructor(private readonly options: NetunnelServerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.auth = options.auth ?? new NoAuthServer();
    this.timing = {...DEFAULT_STATIC_TUNNEL_TIMING, ...options.staticTunnelTiming};
    this.limits = new LimitSettings(options.limits);
    const limits = () => this.limits.current;
    this.channels = new ChannelRegistry(this.logger, () => limits().unconnected_channel_timeout_ms, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.extensions = options.extensions ?? true;
    const serverInfo = () => this.serverInfo();
    const peerSource = this.peerSource;
    this.connections = new ConnectionRegistry(options.events?.statsIntervalMs);
    if (this.extensions) {
      this.connections.watchChannels(this.channels);
      this.refusalEvents.watchLimits(this.refusals);
    }
    this.events = new EventHub(
      {channels: this.channels, serverInfo, peers: peerSource, connections: this.connections, refusals: this.refusalEvents},
      options.events,
    );
    const state = () => this.state;
    const clientIdentity = (request: AuthRequest) => identifyClient(this.auth, request, this.logger);
    const checkOwner = ownerCheck(this.channels, {
      clientIdentity,
      refused: this.extensions ? (channelId, request, kind, error) => this.refusalEvents.ownerRefused(channelId, request, kind, error.message) : undefined,
    });
    const admission = new Admission({channels: this.channels, peerCount: () => this.opened?.peers.list().length ?? 0, limits, refusals: this.refusals, checkOwner});
    const channelTable = channelRoutes(this.channels, {
      extensions: this.extensions,
      allowedTunnelDestinations: () => this.allowedDestinations(),
      allowedTunnelEntrances: () => this.allowedEntrances(),
      clientIdentity,
      checkOwner,
      admitTunnelWebsocket: (channelId, tunnel) => admission.admitTunnelWebsocket(channelId, tunnel),
      ownerAddressCheck: options.ownerAddressCheck ?? true,
      streams: () => channelStreams(limits().waiting_websockets_per_tunnel, options.websocketPool),
    });
    const tables = [
      this.extensions ? reportTunnelRefusals(channelTable, this.refusalEvents) : channelTable,
      peerRoutes(() => state().peers),
      httpProxyRoutes(state, {checkTimeoutMs: this.timing.requestTimeoutMs, logger: this.logger}),
      factoryResetRoutes(state, this.channels, this.logger),
    ];
    if (this.extensions) {
      tables.push(
        managementRoutes(this.channels, this.events, serverInfo, peerSource, this.refusals),
        connectionRoutes(this.channels, this.connections),
        drainRoutes(this.channels),
      );
    }
    this.websockets = new WebsocketAcceptor({limits, refusals: this.refusals, logger: this.logger, extensions: this.extensions});
    this.drain = new WebsocketDrain(() => this.websockets.clients, this.logger);
    const dispatcher = new HttpDispatcher({
      routes: admission.guard(this.drain.track(mergeRouteTables(...tables))),
      auth: this.auth,
      logger: this.logger,
      extensions: this.extensions,
      limits,
      refusals: this.refusals,
      websockets: this.websockets,
      authRefused: (request) => this.refusalEvents.authRefused(request),
    });
    const onRequest = dispatcher.onRequest;
    // TLS in the server itself (1.0.12 needs a reverse proxy in front for https).
    this.http = options.tls ? createHttpsServer(httpsServerOptions(options.tls), onRequest) : createServer(onRequest);
    this.http.on('tlsClientError', () => {});
    dispatcher.attach(this.http);
  }

  /**
   * Opens the config (throws ConfigError for a file it cannot use, leaving it untouched) and
   * the secret key (SecretKeyError), listens, then starts the static tunnels of the config
   * without waiting for their peers.
   */
  async start(): Promise<SocketAddress> {
    if (this.opened) throw new Error('The server was already started');
    const state = await ServerState.open({
      configPath: this.options.configPath,
      secretKey: this.options.secretKey,
      env: this.options.env ?? {},
      auth: this.auth,
      logger: this.logger,
      timing: this.timing,
      peerTls: this.options.peerTls,
      portRange: this.options.staticTunnelPorts ?? DEFAULT_STATIC_TUNNEL_PORTS,
      allowedEntrances: () => this.allowedEntrances(),
    });
    this.limits.useConfig(state.store.get().limits);
    applyHttpLimits(this.http, this.limits.current);
    const host = this.options.host ?? '127.0.0.1';
    this.http.listen({host, port: this.options.port ?? 4040, backlog: LISTEN_BACKLOG});
    // once() rejects with the server's 'error' (a port taken) instead of waiting on.
    await once(this.http, 'listening');
    const address = this.http.address();
    if (address === null || typeof address === 'string') throw new Error('The server has no TCP address');
    this.bound = {address: address.address, port: address.port};
    this.logger.info(`Starting server on ${host}:${address.port}`);
    this.exposed = this.auth instanceof NoAuthServer && !isLoopbackAddress(address.address);
    if (this.exposed) this.logger.warn(exposureWarning(address.address, address.port));
    this.opened = state;
    this.peerSource.bind(state.peers);
    state.start();
    return this.bound;
  }

  get address(): SocketAddress | undefined {
    return this.bound;
  }

  /**
   * Serves new connections with another certificate (and client CA), e.g. a renewed one;
   * open connections and channels keep theirs. Throws TlsMaterialError, changing nothing,
   * when the new material is unusable. Whether client certificates are required is fixed at
   * construction.
   */
  reloadTls(tls: ServerTlsOptions): void {
    if (!(this.http instanceof HttpsServer)) throw new Error('The server does not serve https');
    this.http.setSecureContext(secureContextOptions(tls));
  }

  serverInfo(): ServerInfo {
    return {
      implementation: IMPLEMENTATION,
      version: IMPLEMENTATION_VERSION,
      protocol: PROTOCOL_VERSION,
      features: [...FEATURES],
      started_at: this.startedAt.toISOString(),
      hostname: hostname(),
      exposed_without_auth: this.exposed,
    };
  }

  /** True without a config path: nothing is saved (the CLI says so). */
  get stateless(): boolean {
    return this.options.configPath === undefined;
  }

  /**
   * True when the secret key in use was generated (at start() or by a factory reset). The server
   * itself logs `Generating default secret-key` (info) when it happens, and `Starting server on
   * HOST:PORT` once listening, so the CLI need not.
   */
  get secretKeyGenerated(): boolean {
    return this.state.secretKeyGenerated;
  }

  /** The config store (once started). */
  get config(): ConfigStore {
    return this.state.store;
  }

  /** Peers and their live static tunnels (once started); its events say what changes. */
  get peers(): PeerRegistry {
    return this.state.peers;
  }

  private get state(): ServerState {
    if (!this.opened) throw new ServerError('NETUNNEL_ERR_NOT_STARTED', 'The server is not started');
    return this.opened;
  }

  private allowedDestinations(): Readonly<AllowedDestinations> {
    return this.options.allowedTunnelDestinations ?? this.opened?.store.get().allowed_tunnel_destinations ?? DEFAULT_ALLOWED_DESTINATIONS;
  }

  private allowedEntrances(): readonly string[] {
    return this.options.allowedTunnelEntrances ?? this.opened?.store.get().allowed_tunnel_entrances ?? DEFAULT_ALLOWED_ENTRANCES;
  }

  /**
   * Stops everything. The listening port closes first (nothing new is accepted); then, with
   * `graceMs`, every websocket is closed normally (1000) after what it still has to send:
   * tunnel connections first, so that their bytes are through before their channel ends,
   * then control channels; whatever has not finished its closing handshake after `graceMs`
   * in all is cut. Static tunnels stop meanwhile; the config is flushed last. Without
   * `graceMs` (0) websockets are cut at once.
   */
  async close(options: {graceMs?: number} = {}): Promise<void> {
    const graceMs = options.graceMs ?? 0;
    const stoppedListening = new Promise<void>((resolve) => (this.http.listening ? this.http.close(() => resolve()) : resolve()));
    this.http.closeIdleConnections();
    this.events.close();
    this.connections.close();
    await Promise.all([this.opened?.close(), this.drain.closeWithin(graceMs)]);
    await this.channels.closeAll();
    for (const websocket of this.websockets.clients) websocket.terminate();
    await this.opened?.store.flush();
    this.http.closeAllConnections();
    await stoppedListening;
  }
}

/**
 * Node's own limits on what a client sends before a request reaches a route. maxHeaderSize and
 * connectionsCheckingInterval are read per connection and at 'listening', so they can be set
 * here, once the config (and its limits) is known.
 */
function applyHttpLimits(http: Server, limits: ServerLimits): void {
  http.headersTimeout = limits.headers_timeout_ms;
  http.requestTimeout = limits.request_timeout_ms;
  http.maxConnections = limits.connections;
  // Node checks the timeouts every 30 s by default: a slow-loris would get up to 30 s more.
  const connectionsCheckingInterval = Math.max(50, Math.min(1000, Math.floor(limits.headers_timeout_ms / 4)));
  Object.assign(http, {maxHeaderSize: limits.header_bytes, connectionsCheckingInterval});
}
