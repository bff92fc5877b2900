/**
 * The frames of our `/events` websocket (docs/management-api.md): JSON text frames, a
 * snapshot first (again after each reconnection), then the changes, and counters about once
 * a second. New frame types may come in later versions: a client skips the types it does not know.
 */
import {z} from 'zod';
import {channelStatsSchema, connectLatencySchema, connectionInfoSchema, connectionStatsSchema, connectionsEventSchema} from './connections.js';
import {byteCountersSchema, channelInfoSchema, connectionCountersSchema, serverInfoSchema, tunnelInfoSchema} from './management.js';
import {peerInfoSchema, staticTunnelInfoSchema} from './server-objects.js';

/** Counters of one tunnel that moved since the previous stats frame. */
export const tunnelStatsSchema = z.object({
  channel_id: z.int(),
  id: z.int(),
  connections: connectionCountersSchema,
  bytes: byteCountersSchema,
  durations_ms: z.object({p50: z.number().nullable(), p90: z.number().nullable()}).optional(),
  connect_ms: connectLatencySchema.optional(),
});
export type TunnelStats = z.output<typeof tunnelStatsSchema>;

export const staticTunnelStatsSchema = z.object({peer_id: z.int(), id: z.int(), connections: connectionCountersSchema, bytes: byteCountersSchema});
export type StaticTunnelStats = z.output<typeof staticTunnelStatsSchema>;

export const serverEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    /** When it was taken (ours since the connect history slides in the console; older ones omit it). */
    at: z.string().optional(),
    server: serverInfoSchema,
    channels: z.array(channelInfoSchema),
    tunnels: z.array(tunnelInfoSchema),
    peers: z.array(peerInfoSchema),
    /** The open connections (servers with `connections`), up to a limit: the rest are counted. */
    connections: z.array(connectionInfoSchema).optional(),
    connections_omitted: z.int().optional(),
  }),
  z.object({type: z.literal('channel.opened'), channel: channelInfoSchema}),
  z.object({type: z.literal('channel.closed'), channel_id: z.int()}),
  z.object({type: z.literal('tunnel.created'), tunnel: tunnelInfoSchema}),
  z.object({type: z.literal('tunnel.deleted'), channel_id: z.int(), tunnel_id: z.int()}),
  z.object({type: z.literal('peer.added'), peer: peerInfoSchema}),
  z.object({type: z.literal('peer.changed'), peer: peerInfoSchema}),
  z.object({type: z.literal('peer.removed'), peer_id: z.int()}),
  z.object({type: z.literal('static_tunnel.status'), peer_id: z.int(), static_tunnel: staticTunnelInfoSchema}),
  z.object({
    type: z.literal('stats'),
    at: z.string(),
    tunnels: z.array(tunnelStatsSchema),
    static_tunnels: z.array(staticTunnelStatsSchema),
    /** Servers with `connections`: heartbeats that changed, connections that moved (up to a limit). */
    channels: z.array(channelStatsSchema).optional(),
    connections: z.array(connectionStatsSchema).optional(),
    connections_omitted: z.int().optional(),
  }),
  ...connectionsEventSchema.options,
]);
export type ServerEvent = z.output<typeof serverEventSchema>;
export type ServerEventType = ServerEvent['type'];

export const SERVER_EVENT_TYPES: readonly ServerEventType[] = serverEventSchema.options.map((option) => option.shape.type.value);
