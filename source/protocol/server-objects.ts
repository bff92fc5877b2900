/**
 * The server objects of PROTOCOL.md 4 on the wire: the request bodies of the peer, static
 * tunnel, HTTP proxy and factory reset routes (a refusal names the field), and the objects the
 * server answers with, plus our live fields, which a 1.0.12 server leaves out (so optional).
 *
 * Bodies are strict: a key 1.0.12 does not know is refused (`Unknown field ...`), as 1.0.12's
 * marshmallow schemas do. Fields the server chooses itself get 1.0.12's own messages.
 */
import {z} from 'zod';
import {parseBody, parseOptionalBody} from './bodies.js';
import {BodyError} from './errors.js';
import {authDataSchema, httpUrlSchema, ipv4Schema, portSchema} from './fields.js';
import {byteCountersSchema, connectionCountersSchema} from './management.js';

/** Extension: where a static tunnel stands (never stored, never sent to a peer). */
export const staticTunnelStatusSchema = z.enum(['online', 'connecting', 'offline']);
export type StaticTunnelStatus = z.output<typeof staticTunnelStatusSchema>;
/**
 * Extension: a peer's static tunnels summed up: `online` when all are, `connecting` when any
 * is, `offline` otherwise, `idle` when the peer has none.
 */
export const peerStatusSchema = z.enum(['online', 'connecting', 'offline', 'idle']);
export type PeerStatus = z.output<typeof peerStatusSchema>;

/** PROTOCOL.md 4.2, plus our live fields. */
export const staticTunnelInfoSchema = z.object({
  id: z.int(),
  tunnel_local_address: z.string(),
  tunnel_local_port: z.int(),
  tunnel_remote_address: z.string(),
  tunnel_remote_port: z.int(),
  status: staticTunnelStatusSchema.optional(),
  /** Why the last attempt failed or the tunnel dropped; null once it is online. */
  last_error: z.string().nullable().optional(),
  /** When `status` last changed (ISO 8601). */
  since: z.string().optional(),
  /** Connections and bytes carried since the server started (all reconnections together). */
  connections: connectionCountersSchema.optional(),
  bytes: byteCountersSchema.optional(),
});
export type StaticTunnelInfo = z.output<typeof staticTunnelInfoSchema>;

/** PROTOCOL.md 4.1, plus our live `status`. */
export const peerInfoSchema = z.object({
  id: z.int(),
  name: z.string(),
  target_netunnel_url: z.string(),
  auth_data: z.record(z.string(), z.unknown()),
  static_tunnels: z.array(staticTunnelInfoSchema),
  status: peerStatusSchema.optional(),
});
export type PeerInfo = z.output<typeof peerInfoSchema>;

/** A peer's `status` from its static tunnels' (the rule of peerStatusSchema): the server's answers and the console's stream agree. */
export function summarizePeerStatus(tunnels: readonly StaticTunnelInfo[]): PeerStatus {
  if (tunnels.length === 0) return 'idle';
  if (tunnels.every((tunnel) => tunnel.status === 'online')) return 'online';
  if (tunnels.some((tunnel) => tunnel.status === 'connecting')) return 'connecting';
  return 'offline';
}

/** PROTOCOL.md 4.3: `{}` when there is no proxy; credentials are shown as `******`. */
export const httpProxyInfoSchema = z.object({
  proxy_url: z.string().optional(),
  username: z.string().nullable().optional(),
  password: z.string().nullable().optional(),
});
export type HttpProxyInfo = z.output<typeof httpProxyInfoSchema>;

/** How 1.0.12 shows stored proxy credentials. */
export const SECRET_STRING = '******';

const expecting = (text: string) => ({error: `expected ${text}`});
const peerName = () => z.string(expecting('a string')).min(1, 'must not be empty');
const port = () => portSchema({typeMessage: 'expected an integer', rangeMessage: 'must be between 1 and 65535'});

export const registerPeerBody = z.strictObject({
  name: peerName(),
  target_netunnel_url: httpUrlSchema(),
  /** 1.0.12 requires it; we take its absence as `{}` (no auth). */
  auth_data: authDataSchema().default({}),
});
export type RegisterPeerBody = z.output<typeof registerPeerBody>;
/** What a client sends (what has a default may be left out). */
export type RegisterPeerInput = z.input<typeof registerPeerBody>;

export const updatePeerBody = z.strictObject({
  name: peerName().optional(),
  target_netunnel_url: httpUrlSchema().optional(),
  auth_data: authDataSchema().optional(),
});
export type UpdatePeerBody = z.output<typeof updatePeerBody>;
export type UpdatePeerInput = z.input<typeof updatePeerBody>;

export const createStaticTunnelBody = z.strictObject({
  tunnel_remote_port: port(),
  tunnel_remote_address: ipv4Schema().default('127.0.0.1'),
  tunnel_local_address: ipv4Schema().default('127.0.0.1'),
});
export type CreateStaticTunnelBody = z.output<typeof createStaticTunnelBody>;
export type CreateStaticTunnelInput = z.input<typeof createStaticTunnelBody>;

const optionalText = () => z.string(expecting('a string or null')).nullable().optional();

export const setHttpProxyBody = z.strictObject({
  /** null clears the proxy. */
  proxy_url: httpUrlSchema().nullable(),
  username: optionalText(),
  password: optionalText(),
  /** Default: the config's `http_proxy_test_url`. */
  test_url: httpUrlSchema().nullable().optional(),
  check_proxy: z.boolean(expecting('a boolean')).optional(),
});
export type SetHttpProxyBody = z.output<typeof setHttpProxyBody>;
export type SetHttpProxyInput = z.input<typeof setHttpProxyBody>;

export const factoryResetBody = z.strictObject({
  disconnect_clients: z.boolean(expecting('a boolean')).optional(),
});
export type FactoryResetBody = z.output<typeof factoryResetBody>;
export type FactoryResetInput = z.input<typeof factoryResetBody>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseRegisterPeerBody(value: unknown): RegisterPeerBody {
  if (isPlainObject(value) && 'id' in value) throw new BodyError("Peer's id is generated by the netunnel server");
  return parseBody(registerPeerBody, value);
}

export function parseUpdatePeerBody(value: unknown): UpdatePeerBody {
  // 1.0.12's client sends `{}` when there is nothing to change; so does an empty body.
  return parseOptionalBody(updatePeerBody, value);
}

export function parseCreateStaticTunnelBody(value: unknown): CreateStaticTunnelBody {
  if (isPlainObject(value)) {
    // 1.0.12's words.
    if ('tunnel_local_port' in value) throw new BodyError("Tunnel's local_port is generated by the netunnel server");
    if ('id' in value) throw new BodyError("Tunnel's id is generated by the netunnel server");
  }
  return parseBody(createStaticTunnelBody, value);
}

export function parseSetHttpProxyBody(value: unknown): SetHttpProxyBody {
  if (isPlainObject(value) && !('proxy_url' in value)) throw new BodyError("Missing 'proxy_url' for proxy");
  return parseBody(setHttpProxyBody, value);
}

export function parseFactoryResetBody(value: unknown): FactoryResetBody {
  return parseOptionalBody(factoryResetBody, value);
}
