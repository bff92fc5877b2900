/** `netunnel/client`: the one-channel client (forward and reverse tunnels) and what it throws. */
export {NetunnelClient, type NetunnelClientOptions, type NetunnelClientEvents, type ForwardTunnelOptions, type ReverseTunnelOptions} from '../client/netunnel-client.js';
export {ClientTunnel, ForwardClientTunnel, ReverseClientTunnel} from '../client/client-tunnel.js';
export type {TunnelDirection} from '../protocol/management.js';
export {ServerRefusedError, ServerUnreachableError, NotConnectedError, BadAnswerError, NotNetunnelServerError} from '../client/client-errors.js';
export type {ProxySettings} from '../protocol/proxy-settings.js';
export type {ClientAuth, AuthTransport} from '../auth/contract.js';
export {NetunnelError} from '../protocol/errors.js';
export type {Logger} from '../engine/logger.js';
