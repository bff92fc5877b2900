/**
 * `netunnel/management`: the client of a server's REST routes, 1.0.12's (version, peers,
 * static tunnels, proxy, factory reset) and our management API's (server info, channels,
 * tunnels, metrics, the `/events` stream), with the shapes they take and answer.
 */
export {ManagementClient} from '../client/management-client.js';
export type {
  ManagementApi,
  ServerOperations,
  ChannelOperations,
  ConnectionOperations,
  ConnectionFilter,
  TunnelOperations,
  PeerOperations,
  StaticTunnelOperations,
  ProxyOperations,
  EventOperations,
  Subscription,
} from '../client/management-api.js';
export {EventSubscription, type SubscriptionState, type SubscriptionOptions} from '../client/event-subscription.js';
export {ServerRefusedError, ServerUnreachableError, BadAnswerError, NotNetunnelServerError} from '../client/client-errors.js';
export type {ServerInfo, ChannelInfo, ChannelDetails, TunnelInfo, TunnelDirection, ConnectionCounters, ByteCounters, Feature} from '../protocol/management.js';
export type {ServerEvent, ServerEventType, TunnelStats, StaticTunnelStats} from '../protocol/server-events.js';
export type {
  PeerInfo,
  PeerStatus,
  StaticTunnelInfo,
  StaticTunnelStatus,
  HttpProxyInfo,
  RegisterPeerInput,
  UpdatePeerInput,
  CreateStaticTunnelInput,
  SetHttpProxyInput,
  FactoryResetInput,
} from '../protocol/server-objects.js';
export type {CloseTunnelInput, DeleteTunnelInput} from '../protocol/bodies.js';
export type {SocketAddress} from '../protocol/socket-address.js';
export type * from '../protocol/connections.js';
