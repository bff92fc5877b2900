/**
 * What one client or stranger may take of the server, and where each limit comes from: a
 * NetunnelServerOptions override, else the config file's `limits`, else the default here.
 *
 * The defaults follow 1.0.12 where it has a limit (1000 channels, aiohttp's 4 MiB frames,
 * aiohttp's 1 MiB bodies) and leave room for the documented workloads elsewhere (a burst of
 * 1000 connections at once through one tunnel).
 */
import {describeProblems, limitsConfigSchema, type LimitsConfig} from '../state/config-schema.js';
import {NetunnelError} from '../../protocol/errors.js';

export type LimitName = keyof LimitsConfig;
export type ServerLimits = {readonly [Name in LimitName]-?: number};

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: ServerLimits = {
  /** 1.0.12's SERVER_MAXIMUM_CLIENT_CHANNELS. */
  channels: 1000,
  /**
   * Behind a reverse proxy every client has the proxy's address, and a peer server opens one
   * channel per static tunnel: raise this there.
   */
  channels_per_address: 100,
  tunnels_per_channel: 100,
  /**
   * Forward: tunnel websockets before their start marker; reverse: ready websockets the client
   * sent unasked. A client opens one per connection of a burst, hence room for a burst.
   */
  waiting_websockets_per_tunnel: 1024,
  connections_per_tunnel: 2048,
  /** Every socket of the HTTP server: REST, control, tunnel and event websockets. */
  connections: 10_000,
  peers: 100,
  /** Control documents are a few hundred bytes. */
  control_frame_bytes: MiB,
  /** aiohttp's max_msg_size, what 1.0.12 accepts. */
  tunnel_frame_bytes: 4 * MiB,
  /** The /events stream receives nothing. */
  events_frame_bytes: 4096,
  /** Node's default (--max-http-header-size); it covers the request line too. */
  header_bytes: 16 * 1024,
  /** aiohttp's client_max_size. */
  body_bytes: MiB,
  headers_timeout_ms: 10_000,
  request_timeout_ms: 30_000,
  unconnected_channel_timeout_ms: 60_000,
  /** What a websocket may leave unread (pongs, answers) before it is cut. */
  unread_websocket_bytes: 16 * MiB,
};

export const LIMIT_NAMES: readonly LimitName[] = limitsConfigSchema.keyof().options;

/** Limits given to the server that are out of range. */
export class LimitsError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_LIMITS', message);
  }
}

function parseLimits(value: unknown, where: string): LimitsConfig {
  const result = limitsConfigSchema.safeParse(value ?? {});
  if (!result.success) throw new LimitsError(`${where}: ${describeProblems(result.error.issues, value)}`);
  return result.data;
}

/** The limits in force: the overrides win over the config file, which wins over the defaults. */
export class LimitSettings {
  private readonly overrides: LimitsConfig;
  private values: ServerLimits;

  constructor(overrides: Partial<ServerLimits> = {}) {
    this.overrides = parseLimits(overrides, 'Server option `limits`');
    this.values = this.resolve({});
  }

  /** Takes the config file's `limits` (already validated by the config schema); once, at start. */
  useConfig(fromFile: Readonly<LimitsConfig> | undefined): void {
    this.values = this.resolve(fromFile ?? {});
  }

  get current(): ServerLimits {
    return this.values;
  }

  private resolve(fromFile: Readonly<LimitsConfig>): ServerLimits {
    const resolved: Record<LimitName, number> = {...DEFAULT_LIMITS};
    for (const name of LIMIT_NAMES) resolved[name] = this.overrides[name] ?? fromFile[name] ?? DEFAULT_LIMITS[name];
    return Object.freeze(resolved);
  }
}
