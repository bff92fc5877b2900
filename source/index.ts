/** The library's public surface: everything the entry points (netunnel/client, /server, /management, /auth) have. */
export {NetunnelServer, type NetunnelServerOptions} from './server/netunnel-server.js';
export {NetunnelClient, type NetunnelClientOptions, type ForwardTunnelOptions, type ReverseTunnelOptions} from './client/netunnel-client.js';
export {ClientTunnel, ForwardClientTunnel, ReverseClientTunnel} from './client/client-tunnel.js';
export {ServerRefusedError, ServerUnreachableError, NotConnectedError, BadAnswerError, NotNetunnelServerError} from './client/client-errors.js';
export type {ServerAuth, ClientAuth, AuthRequest, AuthResponse, AuthTransport} from './auth/contract.js';
export {SecretServerAuth, SecretClientAuth} from './auth/secret-auth.js';
export {NetunnelError} from './protocol/errors.js';
export type {ProxySettings} from './protocol/proxy-settings.js';
export type {Logger} from './engine/logger.js';
export * from './entry-points/management.js';
