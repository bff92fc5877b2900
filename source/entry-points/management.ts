/**
 * `netunnel/management`: a client of our management API (server info, channels, tunnels, the
 * `/events` stream) and of 1.0.12's REST routes (peers, static tunnels, proxy), with the shapes
 * they answer.
 */
export {ManagementClient} from '../client/management-client.js';
export {ConnectionsClient, type ConnectionFilter} from '../client/connections-client.js';
export {ServerApi, type RegisterPeerOptions, type UpdatePeerOptions, type CreateStaticTunnelOptions, type SetHttpProxyOptions} from '../client/server-api.js';
export {EventSubscription, type SubscriptionState} from '../client/event-subscription.js';
export {ServerRefusedError, ServerUnreachableError} from '../client/client-errors.js';
export type * from '../protocol/management.js';
export type * from '../protocol/connections.js';
export type {HttpProxyInfo} from '../protocol/server-objects.js';
