/**
 * Validation of what the user types, shared by the forms (as they type), the command lines and
 * the commands (which refuse bad values with InvalidInputError). The rules are the protocol's
 * (protocol/fields.ts: one port rule, one address rule, one URL rule for the whole code base);
 * this module reads text into the values they check and words the refusals for the console.
 * Each check returns the error message or undefined; the require* functions return the value or throw.
 */
import {authDataSchema, httpUrlProblem, ipv4Schema, portSchema, type AuthData, type HttpUrlProblem} from '../protocol/fields.js';
import {InvalidInputError} from './errors.js';

export type Check = (text: string) => string | undefined;

export function portError(text: string, options: {allowZero?: boolean; optional?: boolean} = {}): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return options.optional ? undefined : 'required';
  const valid = /^[0-9]+$/.test(trimmed) && portSchema({anyPort: options.allowZero ?? false}).safeParse(Number(trimmed)).success;
  return valid ? undefined : `must be a number from ${options.allowZero ? 0 : 1} to 65535`;
}

export function ipv4Error(text: string, options: {optional?: boolean} = {}): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return options.optional ? undefined : 'required';
  return ipv4Schema().safeParse(trimmed).success ? undefined : 'must be an IPv4 address, like 127.0.0.1';
}

const URL_PROBLEMS: Record<HttpUrlProblem, string> = {
  'not-a-url': 'must be a URL, like http://host:4040',
  'not-http': 'must start with http:// or https://',
  'no-host': 'must name a host',
};

export function urlError(text: string, options: {optional?: boolean} = {}): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return options.optional ? undefined : 'required';
  const problem = httpUrlProblem(trimmed);
  return problem === undefined ? undefined : URL_PROBLEMS[problem];
}

export function nameError(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 'required';
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return 'must not contain control characters';
  if (trimmed.length > 100) return 'must be at most 100 characters';
  return undefined;
}

/** The JSON object in `text` (auth data), or what is wrong with it. */
export function readJsonObject(text: string): {value: AuthData} | {error: string} {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch {
    return {error: 'must be JSON, like {"secret": "..."}'};
  }
  const parsed = authDataSchema().safeParse(value);
  return parsed.success ? {value: parsed.data} : {error: 'must be a JSON object'};
}

export function jsonObjectError(text: string, options: {optional?: boolean} = {}): string | undefined {
  if (text.trim() === '') return options.optional ? undefined : 'required';
  const read = readJsonObject(text);
  return 'error' in read ? read.error : undefined;
}

function check(field: string, error: string | undefined): void {
  if (error !== undefined) throw new InvalidInputError(field, `${field} ${error}`);
}

/** Checks a port given as a number (commands) or text (forms and command lines). */
export function requirePort(field: string, value: number | string, options: {allowZero?: boolean} = {}): number {
  check(field, portError(String(value), options));
  return Number(String(value).trim());
}

export function requireIpv4(field: string, value: string): string {
  check(field, ipv4Error(value));
  return value.trim();
}

export function requireUrl(field: string, value: string): string {
  check(field, urlError(value));
  return value.trim();
}

export function requireName(field: string, value: string): string {
  check(field, nameError(value));
  return value.trim();
}

export function requireJsonObject(field: string, text: string): AuthData {
  if (text.trim() === '') check(field, 'required');
  const read = readJsonObject(text);
  if ('error' in read) throw new InvalidInputError(field, `${field} ${read.error}`);
  return read.value;
}
