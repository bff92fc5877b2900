/**
 * Validation of what the user types, shared by the forms (as they type) and the commands
 * (which refuse bad values with InvalidInputError). Each check returns the error message
 * or undefined; the parse* functions turn text into the typed value or throw.
 */
import {isIPv4} from 'node:net';
import {InvalidInputError} from './errors.js';

export type Check = (text: string) => string | undefined;

export function portError(text: string, options: {allowZero?: boolean; optional?: boolean} = {}): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return options.optional ? undefined : 'required';
  const min = options.allowZero ? 0 : 1;
  if (!/^[0-9]+$/.test(trimmed)) return `must be a number from ${min} to 65535`;
  const value = Number(trimmed);
  if (value < min || value > 65535) return `must be a number from ${min} to 65535`;
  return undefined;
}

export function ipv4Error(text: string, options: {optional?: boolean} = {}): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return options.optional ? undefined : 'required';
  return isIPv4(trimmed) ? undefined : 'must be an IPv4 address, like 127.0.0.1';
}

export function urlError(text: string, options: {optional?: boolean} = {}): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return options.optional ? undefined : 'required';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return 'must be a URL, like http://host:4040';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must start with http:// or https://';
  if (url.hostname === '') return 'must name a host';
  return undefined;
}

export function nameError(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 'required';
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return 'must not contain control characters';
  if (trimmed.length > 100) return 'must be at most 100 characters';
  return undefined;
}

export function jsonObjectError(text: string, options: {optional?: boolean} = {}): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return options.optional ? undefined : 'required';
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return 'must be JSON, like {"secret": "..."}';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  return undefined;
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

export function requireJsonObject(field: string, text: string): Record<string, unknown> {
  check(field, jsonObjectError(text));
  return JSON.parse(text.trim()) as Record<string, unknown>;
}
