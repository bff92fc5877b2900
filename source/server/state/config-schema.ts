/**
 * The shape of the server's configuration file (PROTOCOL.md 4.4), its defaults, and one-line
 * descriptions of what is wrong with a file that does not fit.
 *
 * The file must stay readable by NETunnel 1.0.12, so peers, static tunnels and the proxy are
 * plain zod objects: parsing drops any key they do not declare, which keeps live fields (a
 * peer's status, counters) from ever reaching the file. The top level is loose instead:
 * 1.0.12 keeps whatever keys a file has, and so do we.
 */
import {z} from 'zod';
import {portSchema} from '../../protocol/fields.js';

/**
 * Messages for the types zod describes poorly: z.int() given a string says "expected number",
 * and a nullable object given a string says "expected object".
 */
const expecting = (text: string) => ({error: () => `expected ${text}`});
const int = () => z.int(expecting('an integer'));
const port = () => portSchema({typeMessage: 'expected an integer'});

export const staticTunnelConfigSchema = z.object({
  id: int(),
  tunnel_local_address: z.string(),
  tunnel_local_port: port(),
  tunnel_remote_address: z.string(),
  tunnel_remote_port: port(),
});

export const peerConfigSchema = z.object({
  id: int(),
  name: z.string(),
  target_netunnel_url: z.string(),
  // Whatever the auth plugin needs to build a client for this peer ({} without auth).
  auth_data: z.record(z.string(), z.unknown()),
  static_tunnels: z.array(staticTunnelConfigSchema),
});

/** username/password are Fernet tokens (or null), never clear text. */
export const httpProxyConfigSchema = z.object(
  {
    proxy_url: z.string(),
    username: z.string(expecting('a string or null')).nullable().optional(),
    password: z.string(expecting('a string or null')).nullable().optional(),
  },
  expecting('an object or null'),
);

/**
 * Ours (1.0.12 ignores the key): what one client or stranger may take of the server. Every
 * field is optional, and a file without them gets the defaults of server/limits/server-limits.ts
 * (they are never written into the file, so a later release can raise them). Strict: a
 * misspelt limit is refused rather than silently ignored.
 */
export const limitsConfigSchema = z.strictObject({
  channels: int().min(1).optional(),
  channels_per_address: int().min(1).optional(),
  tunnels_per_channel: int().min(1).optional(),
  waiting_websockets_per_tunnel: int().min(1).optional(),
  connections_per_tunnel: int().min(1).optional(),
  connections: int().min(1).optional(),
  peers: int().min(1).optional(),
  control_frame_bytes: int().min(1024).optional(),
  // A tunnelled chunk is up to 64 KiB (1.0.12: 65535 bytes), so a smaller frame limit would cut real traffic.
  tunnel_frame_bytes: int().min(65536).optional(),
  events_frame_bytes: int().min(125).optional(),
  header_bytes: int().min(1024).optional(),
  body_bytes: int().min(1024).optional(),
  headers_timeout_ms: int().min(1).optional(),
  request_timeout_ms: int().min(1).optional(),
  unconnected_channel_timeout_ms: int().min(1).optional(),
  // A tunnel websocket legitimately holds up to 1 MiB unsent (engine/pipe.ts) plus one chunk.
  unread_websocket_bytes: int().min(2 * 1024 * 1024).optional(),
});

export const netunnelConfigSchema = z.looseObject({
  // IP -> "*" or a comma-separated list of ports; parsed where tunnels are checked.
  allowed_tunnel_destinations: z.record(z.string(), z.string()),
  // Ours (1.0.12 has no such key and ignores it): the addresses reverse and static tunnels may
  // listen on. 1.0.12 listens wherever a client asks, 0.0.0.0 included.
  allowed_tunnel_entrances: z.array(z.string()),
  http_proxy: httpProxyConfigSchema.nullable(),
  http_proxy_test_url: z.string(),
  peers: z.array(peerConfigSchema),
  allow_unverified_ssl_peers: z.boolean(),
  revision: int(),
  limits: limitsConfigSchema.optional(),
  // Absent until generated (secret-key.ts); never among the defaults, as in 1.0.12, so that a
  // key given on the command line or in the environment is not written by accident.
  secret_key: z.string().optional(),
});

export type StaticTunnelConfig = z.output<typeof staticTunnelConfigSchema>;
export type PeerConfig = z.output<typeof peerConfigSchema>;
export type HttpProxyConfig = z.output<typeof httpProxyConfigSchema>;
export type NetunnelConfig = z.output<typeof netunnelConfigSchema>;
export type LimitsConfig = z.output<typeof limitsConfigSchema>;

/**
 * The keys that have a default, in 1.0.12's order (plus ours); only these can come from
 * NETUNNEL_<KEY>.
 */
export const DEFAULT_KEYS = [
  'allowed_tunnel_destinations',
  'allowed_tunnel_entrances',
  'http_proxy',
  'http_proxy_test_url',
  'peers',
  'allow_unverified_ssl_peers',
  'revision',
] as const;

export type DefaultKey = (typeof DEFAULT_KEYS)[number];

/** A fresh copy of the defaults: 1.0.12's plus allowed_tunnel_entrances (a function, so that nobody mutates a shared object). */
export function defaultConfig(): NetunnelConfig {
  return {
    allowed_tunnel_destinations: {'127.0.0.1': '*'},
    allowed_tunnel_entrances: ['127.0.0.1'],
    http_proxy: null,
    http_proxy_test_url: 'https://google.com',
    peers: [],
    allow_unverified_ssl_peers: false,
    revision: 1,
  };
}

export type ConfigCheck = {ok: true; config: NetunnelConfig} | {ok: false; problem: string};

/**
 * Validates a parsed config. The result keeps the key order of `input` (zod would put schema
 * keys first), so that loading and saving a file without changes rewrites the same bytes.
 */
export function checkConfig(input: unknown): ConfigCheck {
  const result = netunnelConfigSchema.safeParse(input);
  if (!result.success) return {ok: false, problem: describeProblems(result.error.issues, input)};
  return {ok: true, config: orderLike(result.data, input) as NetunnelConfig};
}

function orderLike(output: unknown, input: unknown): unknown {
  if (Array.isArray(output)) {
    return output.map((item, index) => orderLike(item, Array.isArray(input) ? input[index] : undefined));
  }
  if (!isPlainObject(output)) return output;
  const source = isPlainObject(input) ? input : {};
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (Object.hasOwn(output, key)) ordered[key] = orderLike(output[key], source[key]);
  }
  for (const key of Object.keys(output)) {
    if (!Object.hasOwn(ordered, key)) ordered[key] = output[key];
  }
  return ordered;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One line for the first problem, e.g. `peers.0.name: expected a string`, plus how many
 * more there are: a person fixes a file one line at a time.
 */
export function describeProblems(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  const [first] = issues;
  if (first === undefined) return 'invalid';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more ${issues.length === 2 ? 'problem' : 'problems'})` : '';
  return describeIssue(first, input) + more;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const where = formatPath(issue.path);
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.path.length === 0) return `expected a JSON object, got ${typeName(value)}`;
      // Our own messages (`expecting`) say more than zod's "Invalid input: expected object".
      const expected = issue.message.startsWith('Invalid input') ? `expected ${article(issue.expected)}` : issue.message;
      return value === undefined ? `${where}: missing, ${expected}` : `${where}: ${expected}`;
    }
    case 'too_small':
      return `${where}: must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `${where}: must be at most ${String(issue.maximum)}`;
    default:
      return `${where}: ${issue.message}`;
  }
}

/** `peers.0.name`; keys that are not identifiers are quoted: `allowed_tunnel_destinations["10.0.0.1"]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `.${key}`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text.startsWith('.') ? text.slice(1) : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function article(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'record':
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'null':
    case 'undefined':
      return expected;
    default:
      return `a ${expected}`;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'undefined') return 'nothing';
  return `a ${typeof value}`;
}
