/** The library's public surface. */
export {NetunnelServer, type NetunnelServerOptions} from './server/netunnel-server.js';
export {NetunnelClient, type NetunnelClientOptions, type ForwardTunnelOptions, type ReverseTunnelOptions} from './client/netunnel-client.js';
export {ClientTunnel, ForwardClientTunnel, ReverseClientTunnel} from './client/client-tunnel.js';
export {ServerRefusedError, ServerUnreachableError, NotConnectedError} from './client/client-errors.js';
export type {ServerAuth, ClientAuth, AuthRequest, AuthResponse, AuthTransport} from './auth/contract.js';
export {SecretServerAuth, SecretClientAuth} from './auth/secret-auth.js';
export {NetunnelError} from './protocol/errors.js';
export type {Logger} from './engine/logger.js';
export {ManagementClient} from './client/management-client.js';
export {EventSubscription, type SubscriptionState} from './client/event-subscription.js';
export type * from './protocol/management.js';
