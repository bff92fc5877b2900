/**
 * Where a socket listens or connects: the engine's entrances and exits, the endpoints a client
 * reports (the `endpoint-report` extension) and the management API's tunnel listings.
 */
import {z} from 'zod';
import {portSchema} from './fields.js';

export const socketAddressSchema = z.object({address: z.string(), port: portSchema({anyPort: true})});

export type SocketAddress = z.output<typeof socketAddressSchema>;
