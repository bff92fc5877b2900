/**
 * The rules of the values the protocol carries, one of each for the whole code base: a TCP
 * port, an IPv4 address, an http(s) URL, an object of auth data. The server's bodies, the
 * config file, the client's answers, the console's forms and the command lines all check
 * with these; each place words its refusal for its readers (1.0.12's messages on the wire,
 * plainer ones in the console), so the schemas take their messages as parameters.
 */
import {isIPv4} from 'node:net';
import {z} from 'zod';

export const MAX_PORT = 65535;

export interface PortRule {
  /** Also 0, which asks for any free port (where the side that listens picks it). */
  anyPort?: boolean;
  /** For a value that is not an integer (default: zod's words). */
  typeMessage?: string;
  /** For an integer out of range (default: zod's words). */
  rangeMessage?: string;
}

/** A TCP port: an integer from 1 (0 with `anyPort`) to 65535. */
export function portSchema(rule: PortRule = {}) {
  const type = rule.typeMessage;
  return z
    .int(type === undefined ? undefined : {error: () => type})
    .min(rule.anyPort ? 0 : 1, rule.rangeMessage)
    .max(MAX_PORT, rule.rangeMessage);
}

/** An IPv4 address in dotted form, the only kind 1.0.12 takes for static tunnels. */
export function ipv4Schema(message = 'expected an IPv4 address') {
  return z.string({error: () => 'expected a string'}).refine((text) => isIPv4(text), message);
}

/** What is wrong with a URL that a server must be reached at (undefined: nothing). */
export type HttpUrlProblem = 'not-a-url' | 'not-http' | 'no-host';

export function httpUrlProblem(text: string): HttpUrlProblem | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not-a-url';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not-http';
  if (url.hostname === '') return 'no-host';
  return undefined;
}

/** An `http://` or `https://` URL naming a host. */
export function httpUrlSchema(message = 'expected an http:// or https:// URL') {
  return z.string({error: () => 'expected a string'}).refine((text) => httpUrlProblem(text) === undefined, message);
}

/** What an auth plugin is built from: a JSON object (`{}` without auth). */
export function authDataSchema(message = 'expected an object') {
  return z.record(z.string(), z.unknown(), {error: () => message});
}

/** The auth data of a peer or a command line, once checked. */
export type AuthData = z.output<ReturnType<typeof authDataSchema>>;
