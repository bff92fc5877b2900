/**
 * The objects of our management API (docs/management-api.md): the server's description,
 * its channels and tunnels, with their counters (the connections API's own: connections.ts). 1.0.12 has none of this; a client finds out
 * whether a server has it through `GET /server-info` (404 on 1.0.12) or the `features` key of
 * the `POST /channels` answer. The `/events` frames are in server-events.ts.
 */
import {z} from 'zod';
import {connectLatencySchema, heartbeatSchema, tunnelStateSchema} from './connections.js';
import {socketAddressSchema} from './socket-address.js';
import {STREAM_FEATURE} from './stream-frames.js';

/**
 * What our implementation understands, announced by both our client and our server.
 * `websocket-tokens`: see websocket-tokens.ts. `connections`: the connections API, latencies
 * and heartbeats (connections.ts). `stream`: see stream-frames.ts.
 */
export const FEATURES = ['management-api', 'events', 'metrics', 'entrance-port', 'endpoint-report', 'websocket-tokens', 'connections', STREAM_FEATURE] as const;
export type Feature = (typeof FEATURES)[number];

export const serverInfoSchema = z.object({
  implementation: z.string(),
  version: z.string(),
  protocol: z.string(),
  features: z.array(z.string()),
  /** ISO 8601 */
  started_at: z.string(),
  hostname: z.string(),
  /** Listening beyond loopback without an auth plugin: anyone who reaches it may use it (absent from older servers). */
  exposed_without_auth: z.boolean().optional(),
});
export type ServerInfo = z.output<typeof serverInfoSchema>;

/** Which side listens: forward, the client (the server reaches the exit); reverse, the server. */
export const tunnelDirectionSchema = z.enum(['forward', 'reverse']);
export type TunnelDirection = z.output<typeof tunnelDirectionSchema>;

export const channelInfoSchema = z.object({
  id: z.int(),
  client_version: z.string(),
  /** Features the client announced ([] for a 1.0.12 client). */
  client_features: z.array(z.string()),
  remote_address: z.string().nullable(),
  /** True while the control websocket is open. */
  connected: z.boolean(),
  created_at: z.string(),
  connected_at: z.string().nullable(),
  last_seen: z.string().nullable(),
  tunnel_count: z.int(),
  /** The server's pings on the control websocket (absent from servers without `connections`). */
  heartbeat: heartbeatSchema.optional(),
});
export type ChannelInfo = z.output<typeof channelInfoSchema>;

export const connectionCountersSchema = z.object({active: z.int(), total: z.int()});
export type ConnectionCounters = z.output<typeof connectionCountersSchema>;

/** Bytes as seen by the tunnel: `sent` entered at the entrance toward the exit, `received` came back. */
export const byteCountersSchema = z.object({sent: z.number(), received: z.number()});
export type ByteCounters = z.output<typeof byteCountersSchema>;

export const tunnelInfoSchema = z.object({
  channel_id: z.int(),
  id: z.int(),
  direction: tunnelDirectionSchema,
  /** Where the tunnel is entered (null when the other side did not say: a 1.0.12 client). */
  entrance: socketAddressSchema.nullable(),
  /** Where the tunnel leads (null when the other side did not say). */
  exit: socketAddressSchema.nullable(),
  connections: connectionCountersSchema,
  bytes: byteCountersSchema,
  /** Durations of the connections that ended in the last minutes (null: none). */
  durations_ms: z.object({p50: z.number().nullable(), p90: z.number().nullable()}),
  created_at: z.string(),
  /** Absent from servers without the `connections` feature. */
  state: tunnelStateSchema.optional(),
  connect_ms: connectLatencySchema.optional(),
});
export type TunnelInfo = z.output<typeof tunnelInfoSchema>;

export const channelDetailsSchema = channelInfoSchema.extend({tunnels: z.array(tunnelInfoSchema)});
export type ChannelDetails = z.output<typeof channelDetailsSchema>;
