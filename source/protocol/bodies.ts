/**
 * The bodies of the channel and tunnel routes (PROTOCOL.md 3): what a client sends and what
 * the server answers, validated with zod. A rejected request body names the field at fault,
 * so the server can answer 400 with that message.
 */
import {z} from 'zod';
import {BodyError} from './errors.js';
import {portSchema} from './fields.js';
import {describeBodyIssue} from './schema-issues.js';
import {socketAddressSchema} from './socket-address.js';
import {IDLE_WEBSOCKETS_KEY} from './stream-frames.js';
import {CHANNEL_SECRET_KEY} from './websocket-tokens.js';

/**
 * Strings a server keeps for as long as a channel or tunnel lives are bounded: 1000 channels
 * of a 1 MiB version each would be a gigabyte. The bounds are far above any real value.
 */
const MAX_KEPT_STRING = 256;
const MAX_FEATURES = 64;

export const createChannelBody = z.looseObject({
  version: z.string().max(MAX_KEPT_STRING),
  /** Our extension (docs/stream-extension.md, the features exchange): what the client understands; 1.0.12 servers ignore it. */
  features: z.array(z.string().max(MAX_KEPT_STRING)).max(MAX_FEATURES).optional(),
});
export type CreateChannelBody = z.infer<typeof createChannelBody>;

/**
 * 1.0.12's answer, plus our `features`, (websocket-tokens) the channel's secret and (stream)
 * the websockets without a connection the client may hold per tunnel; a value of that last
 * one that makes no sense reads as absent (the client then assumes its documented default).
 */
export const createChannelAnswer = z.object({
  channel_id: z.int(),
  version: z.string(),
  features: z.array(z.string()).optional(),
  [CHANNEL_SECRET_KEY]: z.string().optional(),
  [IDLE_WEBSOCKETS_KEY]: z.int().positive().optional().catch(undefined),
});

/** Our extension: where the client's own end of the tunnel is, for listings (its address bounded as the strings kept). */
const endpointSchema = socketAddressSchema.extend({address: z.string().max(MAX_KEPT_STRING)});

export const forwardTunnelBody = z.looseObject({
  exit_address: z.string().min(1).max(MAX_KEPT_STRING),
  exit_port: portSchema(),
  reverse: z.literal(false),
  /** Extension (sent only to servers announcing 'endpoint-report'): the client's entrance. */
  entrance: endpointSchema.optional(),
});

export const reverseTunnelBody = z.looseObject({
  entrance_address: z.string().min(1).max(MAX_KEPT_STRING),
  /** null (or 0): any free port. */
  entrance_port: portSchema({anyPort: true}).nullable(),
  reverse: z.literal(true),
  /** Extension (sent only to servers announcing 'endpoint-report'): the client's exit. */
  exit: endpointSchema.optional(),
});

export type ForwardTunnelBody = z.infer<typeof forwardTunnelBody>;
export type ReverseTunnelBody = z.infer<typeof reverseTunnelBody>;
export const createTunnelBody = z.union([forwardTunnelBody, reverseTunnelBody]);

/** 1.0.12's answer; ours adds, for a reverse tunnel, the port the server listens on. */
export const createTunnelAnswer = z.object({
  tunnel_id: z.int(),
  entrance_port: z.int().nullable().optional(),
});

export const deleteTunnelBody = z.looseObject({force: z.boolean().default(false)});
export type DeleteTunnelInput = z.input<typeof deleteTunnelBody>;

/** Ours (`POST .../close`): any client's tunnel, its client told; connections are cut by default. */
export const closeTunnelBody = z.strictObject({force: z.boolean().default(true)});
export type CloseTunnelInput = z.input<typeof closeTunnelBody>;

/** What routes without a JSON answer send: an empty body, read as null. */
export const noAnswer = z.null();

/** Validates a parsed JSON body, throwing a BodyError that names the field at fault. */
export function parseBody<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BodyError(describeBodyIssue(result.error, value));
  return result.data;
}

/** A tunnel creation body is forward or reverse by its `reverse` key. */
export function parseCreateTunnelBody(value: unknown): ForwardTunnelBody | ReverseTunnelBody {
  const {reverse} = parseBody(z.looseObject({reverse: z.boolean()}), value);
  return reverse ? parseBody(reverseTunnelBody, value) : parseBody(forwardTunnelBody, value);
}

/** A body that may be left out: none means `{}`. */
export function parseOptionalBody<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  return parseBody(schema, value ?? {});
}
