/**
 * A server without an auth plugin lets anyone who reaches it open tunnels into its network
 * and change its peers. On a loopback address that is only this machine's users; on any other
 * address it is everyone on the network: the server says so when it starts, and
 * `/server-info` carries it (`exposed_without_auth`) so that the console can mark the server.
 */
import {isIPv4, isIPv6} from 'node:net';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x (what only this machine can reach). */
export function isLoopbackAddress(address: string): boolean {
  const mapped = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (isIPv4(mapped)) return mapped.startsWith('127.');
  return isIPv6(address) && /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(address.toLowerCase());
}

/** The one line logged at start by an exposed server: where it listens and how to fix it. */
export function exposureWarning(address: string, port: number): string {
  const where = isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
  return (
    `Listening on ${where} without an auth plugin: anyone who can reach it can open tunnels and change its peers; ` +
    `add --auth-plugin secret --auth-data '{"secret_file": "PATH"}', or listen on 127.0.0.1 (--hostname)`
  );
}
