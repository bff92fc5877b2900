/**
 * Where a socket listens or connects: the engine's entrances and exits, the endpoints a client
 * reports (the `endpoint-report` extension) and the management API's tunnel listings.
 */
import {z} from 'zod';
import {MAX_PORT, portSchema} from './fields.js';

export const socketAddressSchema = z.object({address: z.string(), port: portSchema({anyPort: true})});

export type SocketAddress = z.output<typeof socketAddressSchema>;

/**
 * socketAddressSchema's rule without zod, for the start frame of every connection of the stream
 * extension (a parse there was a tenth of the exit's work per connection); a table test holds the
 * two to the same answers. A new object: unknown keys are left behind, as the schema does.
 */
export function socketAddressOf(value: unknown): SocketAddress | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('address' in value) || !('port' in value)) return undefined;
  const {address, port} = value;
  if (typeof address !== 'string' || typeof port !== 'number' || !Number.isSafeInteger(port) || port < 0 || port > MAX_PORT) return undefined;
  return {address, port};
}
