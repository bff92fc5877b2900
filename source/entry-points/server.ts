/** `netunnel/server`: the NETunnel server (1.0.12's routes, peers, static tunnels, our management API). */
export {NetunnelServer, type NetunnelServerOptions} from '../server/netunnel-server.js';
export type {ServerAuth, AuthRequest, AuthResponse} from '../auth/contract.js';
export {NetunnelError} from '../protocol/errors.js';
export type {Logger} from '../engine/logger.js';
