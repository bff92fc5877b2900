/**
 * Which addresses tunnels may reach or listen on.
 * - Forward exits: `allowed_tunnel_destinations` (PROTOCOL.md 4.4), `{"ip": "port,port" | "*"}`.
 * - Reverse entrances: 1.0.12 listens wherever a client asks (0.0.0.0 included); we only
 *   listen on addresses in `allowed_tunnel_entrances` (default: loopback only).
 */
import {ServerError} from '../server-errors.js';

export type AllowedDestinations = Record<string, string>;

export const DEFAULT_ALLOWED_DESTINATIONS: AllowedDestinations = {'127.0.0.1': '*'};
export const DEFAULT_ALLOWED_ENTRANCES: string[] = ['127.0.0.1'];

export function checkDestinationAllowed(allowed: Readonly<AllowedDestinations>, address: string, port: number): void {
  // Own keys only: `__proto__`, `constructor` or `toString` must not find Object.prototype's.
  const ports = Object.hasOwn(allowed, address) ? allowed[address] : undefined;
  if (ports === undefined) throw new ServerError('NETUNNEL_ERR_DESTINATION_NOT_ALLOWED', `Address ${address} is not allowed as a tunnel destination`);
  const list = ports.split(',').map((entry) => entry.trim());
  if (!list.includes('*') && !list.includes(String(port))) {
    throw new ServerError('NETUNNEL_ERR_DESTINATION_NOT_ALLOWED', `Port ${address}:${port} is not allowed as a tunnel destination`);
  }
}

export function checkEntranceAllowed(allowed: readonly string[], address: string): void {
  if (!allowed.includes(address)) {
    throw new ServerError('NETUNNEL_ERR_ENTRANCE_NOT_ALLOWED', `Address ${address} is not allowed as a tunnel entrance (allowed: ${allowed.join(', ')})`);
  }
}
