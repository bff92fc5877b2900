/** The checks of the values given on a scripted command line: each refusal is a usage error naming the argument or flag. */
import {ipv4Error, nameError, portError, readJsonObject, urlError} from '../validate.js';
import {stringOption} from './args.js';
import {usage, type CommandContext} from './context.js';

export function port(context: CommandContext, what: string, text: string, options: {allowZero?: boolean} = {}): number {
  const error = portError(text, options);
  if (error) throw usage(context, `${what} ${error}`);
  return Number(text.trim());
}

export function optionalPort(context: CommandContext, flag: string, options: {allowZero?: boolean} = {}): number | undefined {
  const text = stringOption(context.values, flag);
  return text === undefined ? undefined : port(context, `--${flag}`, text, options);
}

export function address(context: CommandContext, flag: string, fallback: string): string {
  const text = stringOption(context.values, flag) ?? fallback;
  const error = ipv4Error(text);
  if (error) throw usage(context, `--${flag} ${error}`);
  return text.trim();
}

export function id(context: CommandContext, what: string, text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw usage(context, `${what} must be a positive integer`);
  return Number(text);
}

export function name(context: CommandContext, what: string, text: string): string {
  const error = nameError(text);
  if (error) throw usage(context, `${what} ${error}`);
  return text.trim();
}

export function url(context: CommandContext, what: string, text: string): string {
  const error = urlError(text);
  if (error) throw usage(context, `${what} ${error}`);
  return text.trim();
}

export function jsonObject(context: CommandContext, flag: string): Record<string, unknown> | undefined {
  const text = stringOption(context.values, flag);
  if (text === undefined) return undefined;
  if (text.trim() === '') throw usage(context, `--${flag} required`);
  const read = readJsonObject(text);
  if ('error' in read) throw usage(context, `--${flag} ${read.error}`);
  return read.value;
}

export const quoted = (text: string) => JSON.stringify(text);
