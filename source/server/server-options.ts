/**
 * What a NetunnelServer is started with: where it listens, auth, TLS, its state, limits and
 * timing. The command line (cli/netunnel-server.ts) builds one from its flags.
 */
import type {ServerAuth} from '../auth/contract.js';
import type {ClientTlsOptions} from '../client/server-transport.js';
import type {Logger} from '../engine/logger.js';
import type {PoolSizing} from '../engine/pool-sizing.js';
import type {AllowedDestinations} from './channels/destinations.js';
import type {ServerLimits} from './limits/server-limits.js';
import type {EventHubOptions} from './management/event-hub.js';
import type {PortRange} from './peers/local-ports.js';
import type {StaticTunnelTiming} from './peers/static-tunnel.js';
import type {ServerTlsOptions} from './tls/server-tls.js';

export interface NetunnelServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  auth?: ServerAuth;
  logger?: Logger;
  /** Overrides the config's `allowed_tunnel_destinations`. */
  allowedTunnelDestinations?: AllowedDestinations;
  /** Overrides the config's `allowed_tunnel_entrances` (where reverse and static tunnels may listen). */
  allowedTunnelEntrances?: string[];
  /**
   * Our extensions (management API, events, metrics, extra keys). false: answer exactly like
   * 1.0.12, for strict deployments. Default true.
   */
  extensions?: boolean;
  /** Serve https (and wss) with this certificate chain and key (PEM), optionally requiring client certificates. */
  tls?: ServerTlsOptions;
  /** Toward https peers: a private CA to trust (besides Node's), and a client certificate for peers that require one. */
  peerTls?: ClientTlsOptions;
  events?: EventHubOptions;
  /** The config file (`-c/--config-path`), created when missing. Without one the server is stateless. */
  configPath?: string;
  /** `-s/--secret-key`: encrypts the stored proxy credentials; kept in memory only. */
  secretKey?: string;
  /**
   * Where `NETUNNEL_<KEY>` config overrides and `NETUNNEL_SECRET_KEY` are read. Default: none
   * (the CLI passes process.env).
   */
  env?: NodeJS.ProcessEnv;
  /** Retry, health check and timeout settings of static tunnels and of every call to a peer. */
  staticTunnelTiming?: Partial<StaticTunnelTiming>;
  /** Where static tunnels' local ports are chosen (default [20000, 21000), as 1.0.12). */
  staticTunnelPorts?: PortRange;
  /**
   * The server's heartbeat (ms, default 20 000 as the client's): it pings every control
   * websocket and every idle tunnel websocket; one that shows no sign of life for two
   * intervals is dropped (a channel with its tunnels and entrance ports).
   */
  heartbeatMs?: number;
  /**
   * Take a channel's websockets only from the address its `POST /channels` came from (default
   * true). false behind a proxy or load balancer that reaches the server from several
   * addresses; the identity and websocket-tokens checks still apply.
   */
  ownerAddressCheck?: boolean;
  /** Overrides the config's `limits`, limit by limit (LimitsError when out of range). */
  limits?: Partial<ServerLimits>;
  /**
   * With the stream extension, the pool of ready websockets of each reverse tunnel (default
   * minIdle 1, maxIdle 256, idleTimeoutMs 30 s), kept within the `waiting_websockets_per_tunnel`
   * limit in any case.
   */
  websocketPool?: PoolSizing;
}
