/**
 * JSON request bodies of the channel and tunnel routes (PROTOCOL.md 3), validated with zod.
 * A rejected body names the field at fault, so the server can answer 400 with that message.
 */
import {z} from 'zod';
import {NetunnelError} from './errors.js';

export class BodyError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_BAD_BODY', message);
  }
}

export const portSchema = z.number().int().min(1).max(65535);

/**
 * Strings a server keeps for as long as a channel or tunnel lives are bounded: 1000 channels
 * of a 1 MiB version each would be a gigabyte. The bounds are far above any real value.
 */
const MAX_KEPT_STRING = 256;
const MAX_FEATURES = 64;

export const createChannelBody = z.looseObject({
  version: z.string().max(MAX_KEPT_STRING),
  /** Our extension (DESIGN.md): what the client understands; 1.0.12 servers ignore it. */
  features: z.array(z.string().max(MAX_KEPT_STRING)).max(MAX_FEATURES).optional(),
});
export type CreateChannelBody = z.infer<typeof createChannelBody>;

/** Our extension: the client says where its own end of the tunnel is, for listings. */
const endpointSchema = z.object({address: z.string().max(MAX_KEPT_STRING), port: z.number().int().min(0).max(65535)});

export const forwardTunnelBody = z.looseObject({
  exit_address: z.string().min(1).max(MAX_KEPT_STRING),
  exit_port: portSchema,
  reverse: z.literal(false),
  /** Extension (sent only to servers announcing 'endpoint-report'): the client's entrance. */
  entrance: endpointSchema.optional(),
});

export const reverseTunnelBody = z.looseObject({
  entrance_address: z.string().min(1).max(MAX_KEPT_STRING),
  /** null (or 0): any free port. */
  entrance_port: z.number().int().min(0).max(65535).nullable(),
  reverse: z.literal(true),
  /** Extension (sent only to servers announcing 'endpoint-report'): the client's exit. */
  exit: endpointSchema.optional(),
});

export type ForwardTunnelBody = z.infer<typeof forwardTunnelBody>;
export type ReverseTunnelBody = z.infer<typeof reverseTunnelBody>;

export const deleteTunnelBody = z.looseObject({force: z.boolean().default(false)});

function pathOf(path: PropertyKey[]): string {
  return path.map(String).join('.');
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** One line naming the first problem of a rejected value, e.g. "Missing field `exit_port`". */
export function describeFirstIssue(error: z.ZodError, value: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid body';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? ` in \`${pathOf(issue.path)}\`` : '';
    return `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `\`${key}\``).join(', ')}${where}`;
  }
  if (issue.path.length === 0) return `The request body must be a JSON object (${issue.message})`;
  const field = pathOf(issue.path);
  if (valueAt(value, issue.path) === undefined) return `Missing field \`${field}\``;
  return `Invalid field \`${field}\`: ${issue.message}`;
}

/** Validates a parsed JSON body, throwing a BodyError that names the field at fault. */
export function parseBody<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BodyError(describeFirstIssue(result.error, value));
  return result.data;
}

/** A tunnel creation body is forward or reverse by its `reverse` key. */
export function parseCreateTunnelBody(value: unknown): ForwardTunnelBody | ReverseTunnelBody {
  const {reverse} = parseBody(z.looseObject({reverse: z.boolean()}), value);
  return reverse ? parseBody(reverseTunnelBody, value) : parseBody(forwardTunnelBody, value);
}
