/**
 * What a client of a server's REST routes offers, grouped by what it acts on: 1.0.12's routes
 * and our management API alike (ManagementClient is the one over the network). The console
 * and its tests take any object of this shape. Inputs and answers are the wire's shapes
 * (protocol/operations.ts); a 1.0.12 server answers without our live fields, which are optional.
 */
import type {CloseTunnelInput, DeleteTunnelInput} from '../protocol/bodies.js';
import type {ConnectionInfo, DrainAnswer, DrainBody} from '../protocol/connections.js';
import type {ChannelDetails, ChannelInfo, ServerInfo, TunnelInfo} from '../protocol/management.js';
import type {ServerEvent} from '../protocol/server-events.js';
import type {
  CreateStaticTunnelInput,
  FactoryResetInput,
  HttpProxyInfo,
  PeerInfo,
  RegisterPeerInput,
  SetHttpProxyInput,
  StaticTunnelInfo,
  UpdatePeerInput,
} from '../protocol/server-objects.js';
import type {SubscriptionOptions, SubscriptionState} from './event-subscription.js';

export interface ServerOperations {
  /** `GET /version` (every server has it; also the console's round-trip probe); NotNetunnelServerError when what answers is not one. */
  version(): Promise<string>;
  /**
   * Our server's description, or null when the server has no management API (1.0.12, or ours
   * with --no-extensions); NotNetunnelServerError when what answers is not a NETunnel server.
   */
  info(): Promise<ServerInfo | null>;
  /** The Prometheus text of `GET /metrics` (ours). */
  metrics(): Promise<string>;
  /** Erases the server's configuration (peers, static tunnels, proxy); cannot be undone. */
  factoryReset(input?: FactoryResetInput): Promise<void>;
}

/** Ours: the clients connected to the server. */
export interface ChannelOperations {
  list(): Promise<ChannelInfo[]>;
  get(channelId: number): Promise<ChannelDetails>;
  /** Disconnects a client: its channel closes, its tunnels stop, its entrance ports close. */
  disconnect(channelId: number): Promise<void>;
}

export interface TunnelOperations {
  /** Ours: every tunnel of every channel. */
  list(): Promise<TunnelInfo[]>;
  /**
   * Ours: tears down any client's tunnel; the server stops its half and tells the owning
   * client to stop its own (by default cutting open connections).
   */
  close(channelId: number, tunnelId: number, input?: CloseTunnelInput): Promise<void>;
  /** 1.0.12's `DELETE`: the server stops its half (a 1.0.12 server does not tell the client). */
  delete(channelId: number, tunnelId: number, input?: DeleteTunnelInput): Promise<void>;
  /**
   * Ours (`connections`): stops a tunnel gracefully: it takes no new connection, its open ones
   * run to their end (or are cut after `timeout_ms`), then it goes. Answers at once, with what
   * the drain waits for.
   */
  drain(channelId: number, tunnelId: number, input?: DrainBody): Promise<DrainAnswer>;
}

export interface ConnectionFilter {
  channelId?: number;
  /** Only with `channelId`. */
  tunnelId?: number;
}

/** Ours (`connections`): the open tunnelled connections. */
export interface ConnectionOperations {
  /** Oldest first: all, one channel's, or one tunnel's. */
  list(filter?: ConnectionFilter): Promise<ConnectionInfo[]>;
  get(connectionId: number): Promise<ConnectionInfo>;
  /** Cuts the connection at both ends; resolves once the server has let go of it. */
  close(connectionId: number): Promise<void>;
}

export interface PeerOperations {
  /** Every peer, or those called `name`. */
  list(name?: string): Promise<PeerInfo[]>;
  get(peerId: number): Promise<PeerInfo>;
  /** The peer called `name`, or undefined. */
  findByName(name: string): Promise<PeerInfo | undefined>;
  /** The server checks that it can reach the peer before registering it. */
  add(input: RegisterPeerInput): Promise<PeerInfo>;
  /** Renames the peer and/or changes how it is reached (its static tunnels then reconnect). */
  update(peerId: number, input: UpdatePeerInput): Promise<PeerInfo>;
  /** Deletes the peer and stops its static tunnels. */
  remove(peerId: number): Promise<void>;
}

export interface StaticTunnelOperations {
  list(peerId: number): Promise<StaticTunnelInfo[]>;
  get(peerId: number, staticTunnelId: number): Promise<StaticTunnelInfo>;
  /** A permanent tunnel from a port the server chooses to the remote address and port, through the peer. */
  add(peerId: number, input: CreateStaticTunnelInput): Promise<StaticTunnelInfo>;
  remove(peerId: number, staticTunnelId: number): Promise<void>;
}

export interface ProxyOperations {
  /** `{}` when there is none; credentials show as `******`. */
  get(): Promise<HttpProxyInfo>;
  /** Sets the global proxy (checked first unless check_proxy is false); static tunnels reconnect through it. */
  set(input: SetHttpProxyInput): Promise<HttpProxyInfo>;
  /** Removes the global proxy. */
  clear(): Promise<HttpProxyInfo>;
}

export interface Subscription {
  close(): void;
}

export interface EventOperations {
  /** Ours: follows `/events`, reconnecting with backoff; every (re)connection starts with a snapshot. */
  subscribe(
    onEvent: (event: ServerEvent) => void,
    onState?: (state: SubscriptionState, detail?: string) => void,
    options?: SubscriptionOptions,
  ): Subscription;
}

export interface ManagementApi {
  readonly serverUrl: string;
  readonly server: ServerOperations;
  readonly channels: ChannelOperations;
  readonly tunnels: TunnelOperations;
  readonly connections: ConnectionOperations;
  readonly peers: PeerOperations;
  readonly staticTunnels: StaticTunnelOperations;
  readonly proxy: ProxyOperations;
  readonly events: EventOperations;
  /** Ends every subscription made here and releases the connections (the transport's, when it is this object's own). */
  close(): void;
}
