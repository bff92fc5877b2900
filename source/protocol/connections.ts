/**
 * The shapes of our management API's connections and health (docs/management-api.md): every
 * open tunnelled connection, closing one, draining a tunnel, connect latencies, heartbeat round
 * trips, and the event frames that report them. 1.0.12 has none of this; a server of ours that
 * has it announces the feature `connections`.
 *
 * Each shape is a zod schema: the server builds values of the inferred types, a client parses
 * what it receives with the schema.
 */
import {z} from 'zod';
import {socketAddressSchema} from './socket-address.js';

const isoTime = z.string();
const count = z.number().int().min(0);


/** As in every management shape: `sent` toward the exit, `received` back toward the entrance. */
const byteCounters = z.object({sent: count, received: count});

/** p50/p90 in ms (null: no sample). */
export const percentilesSchema = z.object({p50: z.number().nullable(), p90: z.number().nullable()});
export type Percentiles = z.infer<typeof percentilesSchema>;

/**
 * How long connections took to connect at this server (ms): as the exit (forward tunnels) from
 * the start marker's arrival to the target's connect; as the entrance (reverse tunnels) from
 * the accept to the start marker sent. `history`: the median of each of the last 30 whole
 * seconds, oldest first (null: no connection that second).
 */
export const connectLatencySchema = percentilesSchema.extend({history: z.array(z.number().nullable())});
export type ConnectLatency = z.infer<typeof connectLatencySchema>;

/** `draining`: it takes no new connection and goes once its open ones ended. */
export const tunnelStateSchema = z.enum(['open', 'draining']);
export type TunnelState = z.infer<typeof tunnelStateSchema>;

/** The server's pings on a channel's control websocket (null until the first pong). */
export const heartbeatSchema = z.object({rtt_ms: z.number().nullable(), last_pong_at: isoTime.nullable()});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

/** `half-closed`: one way ended (`ended` says which: `sent` or `received`), the other still flows. */
export const connectionStateSchema = z.enum(['open', 'half-closed']);
export type ConnectionState = z.infer<typeof connectionStateSchema>;

const endedWay = z.enum(['sent', 'received']).nullable();

export const connectionInfoSchema = z.object({
  /** Server-wide, counting up from 1, never reused. */
  id: z.number().int().min(1),
  channel_id: z.number().int().min(1),
  tunnel_id: z.number().int().min(1),
  /**
   * The application's address at the tunnel's entrance: seen by this server for reverse tunnels;
   * reported by the entrance for forward ones (the stream extension's start frame); else null.
   */
  source: socketAddressSchema.nullable(),
  opened_at: isoTime,
  last_activity_at: isoTime,
  idle_ms: count,
  state: connectionStateSchema,
  ended: endedWay,
  bytes: byteCounters,
  /** Bytes per second each way over the last stats interval. */
  rate: byteCounters,
});
export type ConnectionInfo = z.infer<typeof connectionInfoSchema>;

export const connectionListSchema = z.array(connectionInfoSchema);

/** A connection as it ended. */
export const closedConnectionSchema = z.object({
  id: z.number().int().min(1),
  channel_id: z.number().int().min(1),
  tunnel_id: z.number().int().min(1),
  closed_at: isoTime,
  duration_ms: count,
  bytes: byteCounters,
  /** Reset, failed or cut (not both ways ended). */
  aborted: z.boolean(),
});
export type ClosedConnection = z.infer<typeof closedConnectionSchema>;

/** The connections of one tunnel that opened and closed between two frames: counted, never listed. */
export const shortLivedSchema = z.object({
  channel_id: z.number().int().min(1),
  tunnel_id: z.number().int().min(1),
  count: z.number().int().min(1),
  aborted: count,
  bytes: byteCounters,
});
export type ShortLived = z.infer<typeof shortLivedSchema>;

/** What moved on one connection since the previous stats frame. */
export const connectionStatsSchema = z.object({
  id: z.number().int().min(1),
  state: connectionStateSchema,
  ended: endedWay,
  bytes: byteCounters,
  rate: byteCounters,
  last_activity_at: isoTime,
});
export type ConnectionStats = z.infer<typeof connectionStatsSchema>;

/** A channel's heartbeat, in a stats frame when it changed. */
export const channelStatsSchema = z.object({id: z.number().int().min(1), heartbeat: heartbeatSchema});
export type ChannelStats = z.infer<typeof channelStatsSchema>;

// Route inputs and answers.

const idParameter = z.string().regex(/^[1-9][0-9]{0,14}$/, 'expected a positive integer').transform(Number);

/** `GET /connections?channel_id=C&tunnel_id=T`: both optional, `tunnel_id` only with `channel_id`. */
export const connectionsQuerySchema = z
  .strictObject({channel_id: idParameter.optional(), tunnel_id: idParameter.optional()})
  .refine((query) => query.tunnel_id === undefined || query.channel_id !== undefined, {
    message: 'it needs `channel_id`',
    path: ['tunnel_id'],
  });
export type ConnectionsQuery = z.infer<typeof connectionsQuerySchema>;

/** Longest drain timeout: a day. */
export const MAX_DRAIN_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** `POST /channels/{cid}/tunnels/{tid}/drain`: an empty body or `{}` waits for every connection. */
export const drainBodySchema = z.strictObject({
  /** After this, the connections still open are cut. */
  timeout_ms: z.number().int().min(1).max(MAX_DRAIN_TIMEOUT_MS).nullable().optional(),
});
export type DrainBody = z.infer<typeof drainBodySchema>;

export const drainAnswerSchema = z.object({
  channel_id: z.number().int().min(1),
  tunnel_id: z.number().int().min(1),
  state: z.literal('draining'),
  /** The connections it waits for. */
  connections: z.object({active: count, total: count}),
  timeout_ms: z.number().int().nullable(),
});
export type DrainAnswer = z.infer<typeof drainAnswerSchema>;

// Event frames of `/events`.

export const connectionOpenedEventSchema = z.object({
  type: z.literal('connection.opened'),
  at: isoTime,
  connections: z.array(connectionInfoSchema),
  /** Opened too, but past the frame's limit: GET /connections lists them. */
  omitted: count,
});

export const connectionClosedEventSchema = z.object({
  type: z.literal('connection.closed'),
  at: isoTime,
  connections: z.array(closedConnectionSchema),
  omitted: count,
  short_lived: z.array(shortLivedSchema),
});

export const tunnelDrainingEventSchema = z.object({
  type: z.literal('tunnel.draining'),
  at: isoTime,
  channel_id: z.number().int().min(1),
  tunnel_id: z.number().int().min(1),
});

export const authRefusedEventSchema = z.object({
  type: z.literal('auth.refused'),
  at: isoTime,
  remote_address: z.string().nullable(),
  method: z.string(),
  /** Without the query string. */
  path: z.string(),
});

export const destinationRefusedEventSchema = z.object({
  type: z.literal('destination.refused'),
  at: isoTime,
  channel_id: z.number().int().min(1),
  remote_address: z.string().nullable(),
  exit: z.object({address: z.string(), port: z.number().int()}),
  error: z.string(),
});

export const entranceRefusedEventSchema = z.object({
  type: z.literal('entrance.refused'),
  at: isoTime,
  channel_id: z.number().int().min(1),
  remote_address: z.string().nullable(),
  entrance: z.object({address: z.string(), port: z.number().int().nullable()}),
  error: z.string(),
});

export const ownerRefusedEventSchema = z.object({
  type: z.literal('owner.refused'),
  at: isoTime,
  channel_id: z.number().int().min(1),
  remote_address: z.string().nullable(),
  /** A websocket (control or tunnel) or a request (a tunnel created or deleted). */
  kind: z.enum(['websocket', 'request']),
  /** Without the query string. */
  path: z.string(),
  error: z.string(),
});

export const limitReachedEventSchema = z.object({
  type: z.literal('limit.reached'),
  at: isoTime,
  /** The limit's name (as the config file's `limits` key). */
  limit: z.string(),
  remote_address: z.string().nullable(),
  error: z.string(),
});

/** Refusal events past the stream's budget, by type, since the previous such frame. */
export const eventsSuppressedEventSchema = z.object({
  type: z.literal('events.suppressed'),
  at: isoTime,
  counts: z.record(z.string(), z.number().int().min(1)),
});

export const connectionsEventSchema = z.discriminatedUnion('type', [
  connectionOpenedEventSchema,
  connectionClosedEventSchema,
  tunnelDrainingEventSchema,
  authRefusedEventSchema,
  destinationRefusedEventSchema,
  entranceRefusedEventSchema,
  ownerRefusedEventSchema,
  limitReachedEventSchema,
  eventsSuppressedEventSchema,
]);
export type ConnectionsEvent = z.infer<typeof connectionsEventSchema>;

/** The refusals, which the stream sends within a budget per stats interval. */
export type RefusalEvent = Extract<ConnectionsEvent, {type: 'auth.refused' | 'destination.refused' | 'entrance.refused' | 'owner.refused' | 'limit.reached'}>;
