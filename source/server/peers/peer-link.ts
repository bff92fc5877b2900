/**
 * How this server reaches one peer (PROTOCOL.md 4.1): its URL, the client auth its plugin
 * built from the peer's `auth_data`, the global HTTP proxy and the TLS settings
 * (`allow_unverified_ssl_peers`, the server's CA and client certificate toward peers). Also the connectivity check made before a peer is
 * registered or changed: a channel plus `GET /version`, then closed.
 */
import type {ClientAuth} from '../../auth/contract.js';
import {NetunnelClient, type NetunnelClientOptions} from '../../client/netunnel-client.js';
import {ServerRefusedError} from '../../client/client-errors.js';
import type {ClientTlsOptions} from '../../client/server-transport.js';
import type {ProxySettings} from '../../protocol/proxy-settings.js';
import type {Logger} from '../../engine/logger.js';
import {messageOf} from '../../protocol/errors.js';
import {ServerError} from '../server-errors.js';
import type {AttemptStage} from './static-tunnel.js';

export interface PeerLink {
  serverUrl: string;
  auth: ClientAuth;
  proxy: ProxySettings | undefined;
  /** False when `allow_unverified_ssl_peers` is set. */
  sslValidate: boolean;
  /** The server's TLS material toward https peers (`--peer-ca-file`, ...). */
  tls: ClientTlsOptions | undefined;
}

export interface PeerClientTiming {
  /** Ping interval of the peer channel's websockets (a dead one is noticed within 1.5 times it). */
  heartbeatMs: number;
  /** Longest wait for one REST answer or websocket handshake from the peer. */
  requestTimeoutMs: number;
}

export function peerClientOptions(link: PeerLink, timing: PeerClientTiming, logger: Logger): NetunnelClientOptions {
  return {
    serverUrl: link.serverUrl,
    auth: link.auth,
    proxy: link.proxy,
    sslValidate: link.sslValidate,
    tls: link.tls,
    heartbeatMs: timing.heartbeatMs,
    requestTimeoutMs: timing.requestTimeoutMs,
    logger,
  };
}

/** True when the peer (not the network) refused us for lack of valid credentials. */
export function isAuthRefusal(error: unknown): boolean {
  return error instanceof ServerRefusedError && error.status === 403;
}

/**
 * Resolves when the peer answers a new channel and `GET /version` with its auth, through the
 * proxy; otherwise throws 1.0.12's errors: `Failed to authenticate with peer `x`` (403) or
 * `Failed to connect with peer `x`` (ours: 502), with the reason as `data.reason`.
 */
export async function checkPeerConnectivity(name: string, link: PeerLink, timing: PeerClientTiming, logger: Logger): Promise<void> {
  const client = new NetunnelClient(peerClientOptions(link, timing, logger));
  try {
    await client.connect();
    await client.api.server.version();
  } catch (error) {
    logger.debug(`Connectivity check of peer \`${name}\` (${link.serverUrl}) failed: ${messageOf(error)}`);
    throw peerFailure(name, error);
  } finally {
    await client.close({timeoutMs: 1_000});
  }
}

/** 1.0.12's words for a peer that refused our auth or could not be reached, with the reason as `data.reason`. */
function peerFailure(name: string, error: unknown): ServerError {
  const data = {reason: messageOf(error)};
  if (isAuthRefusal(error)) return new ServerError('NETUNNEL_ERR_PEER_AUTH', `Failed to authenticate with peer \`${name}\``, data);
  return new ServerError('NETUNNEL_ERR_PEER_UNREACHABLE', `Failed to connect with peer \`${name}\``, data);
}

/** Why a new static tunnel's first attempt failed, as the creating request is answered. */
export function staticTunnelRefusal(name: string, stage: AttemptStage, error: unknown): ServerError {
  if (stage === 'settings') return error instanceof ServerError ? error : new ServerError('NETUNNEL_ERR_PEER_SETTINGS', messageOf(error));
  // The peer answered the tunnel request itself: it will not reach that exit (e.g. not an allowed destination).
  if (stage === 'tunnel' && error instanceof ServerRefusedError) return new ServerError('NETUNNEL_ERR_PEER_REFUSED', `Peer \`${name}\` refused the static tunnel: ${messageOf(error)}`);
  return peerFailure(name, error);
}
