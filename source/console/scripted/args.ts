/**
 * Parses a scripted command line (`netunnel-tui --no-tui [options] COMMAND [ARGS] [options]`):
 * options may come before or after the command. Built on node:util parseArgs, with our own
 * one-line messages for every mistake.
 */
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {UsageError} from '../../exit-codes.js';
import {COMMANDS, GROUPS, findCommand} from './command-table.js';
import type {ScriptedCommand} from './context.js';
import {COMMON_OPTIONS, usageLine, type OptionSpec} from './spec.js';

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedCommandLine {
  /** Undefined with --help or --version and no command. */
  command: ScriptedCommand | undefined;
  /** `peer`, when `peer --help` asked for a group's help. */
  group: string | undefined;
  args: string[];
  /** Every option given (common and the command's), by long name. */
  values: OptionValues;
  help: boolean;
  version: boolean;
}

function allOptions(): Map<string, OptionSpec> {
  const options = new Map<string, OptionSpec>();
  for (const option of [...COMMON_OPTIONS, ...COMMANDS.flatMap((command) => command.options)]) {
    const known = options.get(option.name);
    if (known && known.type !== option.type) throw new Error(`Option --${option.name} has two types`);
    options.set(option.name, known ?? option);
  }
  return options;
}

const OPTIONS = allOptions();
const SHORT = new Map([...OPTIONS.values()].filter((option) => option.short).map((option) => [option.short!, option]));

function parseArgsConfig(): NonNullable<ParseArgsConfig['options']> {
  const config: NonNullable<ParseArgsConfig['options']> = {};
  for (const option of OPTIONS.values()) {
    config[option.name] = {type: option.type, ...(option.short ? {short: option.short} : {}), ...(option.multiple ? {multiple: true} : {})};
  }
  return config;
}

const CONFIG = parseArgsConfig();

export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const {values, tokens} = parseArgs({args: argv, options: CONFIG, strict: false, allowPositionals: true, tokens: true});
  const positionals: string[] = [];
  const used = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = OPTIONS.get(token.name) ?? SHORT.get(token.name);
    if (!spec) throw new UsageError(`Unknown flag ${token.rawName} (see --help)`);
    if (spec.type === 'string') {
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value.length > 1)) {
        throw new UsageError(`${token.rawName} needs a value`);
      }
    } else if (token.value !== undefined) {
      throw new UsageError(`${token.rawName} takes no value`);
    }
    if (used.has(spec.name) && !spec.multiple) throw new UsageError(`--${spec.name} can only be given once`);
    used.set(spec.name, token.rawName);
  }
  const help = values.help === true;
  const version = values.version === true;

  let command: ScriptedCommand | undefined;
  let group: string | undefined;
  let args: string[] = [];
  const [first, second] = positionals;
  if (first !== undefined) {
    if ((GROUPS as readonly string[]).includes(first)) {
      group = first;
      if (second === undefined) {
        if (!help) throw new UsageError(`${first} needs a subcommand: ${subcommandsOf(first).join(', ')}`);
      } else {
        command = findCommand(`${first} ${second}`);
        if (!command) throw new UsageError(`Unknown command "${first} ${second}" (${first} takes ${subcommandsOf(first).join(', ')})`);
        args = positionals.slice(2);
      }
    } else {
      command = findCommand(first);
      if (!command) throw new UsageError(`Unknown command "${first}" (see --help)`);
      args = positionals.slice(1);
    }
  } else if (!help && !version) {
    throw new UsageError('A command is needed (see --help)');
  }

  if (command) {
    const own = new Set(command.options.map((option) => option.name));
    for (const [name, raw] of used) {
      if (!own.has(name) && !COMMON_OPTIONS.some((option) => option.name === name)) {
        throw new UsageError(`${raw} is not an option of ${command.name} (see ${command.name} --help)`, usageLine(command));
      }
    }
    if (!help) {
      if (args.length < command.minArgs) throw new UsageError(`${command.name} needs ${command.args}`, usageLine(command));
      if (args.length > command.maxArgs) throw new UsageError(`Unexpected argument "${args[command.maxArgs]}"`, usageLine(command));
    }
  }
  return {command, group: command ? undefined : group, args, values: values as OptionValues, help, version};
}

export function subcommandsOf(group: string): string[] {
  return COMMANDS.filter((command) => command.name.startsWith(`${group} `)).map((command) => command.name.slice(group.length + 1));
}

/** A string option's value (the last one given). */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value.at(-1);
  return typeof value === 'string' ? value : undefined;
}

export function booleanOption(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}
