/**
 * The command line of the three entry points: meow parses it and prints --help and
 * --version; every mistake in it is first found here and becomes one UsageError line (exit
 * 2), where meow would print several lines, throw a stack trace (a flag given twice), or
 * quietly use a default (a flag without its value).
 */
import {parseArgs, type ParseArgsConfig} from 'node:util';
import meow, {type AnyFlag, type AnyFlags, type Result} from 'meow';
import {UsageError} from '../exit-codes.js';
import {portSchema} from '../protocol/fields.js';

export type CommandLine<Flags extends AnyFlags> = Result<Flags> & {
  /** The flags written on the command line (by their camelCase key), as opposed to defaulted. */
  given: ReadonlySet<string>;
};

type FlagSpec = Pick<AnyFlag, 'type' | 'shortFlag' | 'aliases' | 'isMultiple'>;

const kebabCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const flagName = (name: string) => (name.length === 1 ? `-${name}` : `--${kebabCase(name)}`);
/** `-1` or `-0.5` is the value of a flag, not a flag (meow reads it so, and checks it). */
const isNegativeNumber = (text: string) => /^-(?:\d+|\d*\.\d+)$/.test(text);

interface Spellings {
  /** parseArgs's options: every long spelling, with the short flag on the kebab-case one. */
  options: NonNullable<ParseArgsConfig['options']>;
  /** parseArgs's option name (long) to the flag's key and spec. */
  keys: Map<string, {key: string; spec: FlagSpec}>;
}

/** Every spelling meow accepts for each flag (kebab-case, camelCase, short, --no-), to its key. */
function spellingsOf(flags: AnyFlags): Spellings {
  const options: Spellings['options'] = {};
  const keys: Spellings['keys'] = new Map();
  const entries: Array<[string, FlagSpec]> = [...Object.entries(flags), ['help', {type: 'boolean'}], ['version', {type: 'boolean'}]];
  for (const [key, spec] of entries) {
    const type = spec.type === 'boolean' ? 'boolean' : 'string';
    const long = kebabCase(key);
    const names = new Set([long, key, ...(spec.aliases ?? [])]);
    if (type === 'boolean') for (const name of [long, key]) names.add(`no-${name}`);
    for (const name of names) {
      options[name] = {type: name.startsWith('no-') ? 'boolean' : type, multiple: true, ...(name === long && spec.shortFlag ? {short: spec.shortFlag} : {})};
      keys.set(name, {key, spec});
    }
  }
  return {options, keys};
}

interface FlagCheck {
  /** The keys of the flags written on the command line. */
  given: Set<string>;
  /** The first mistake, if any. */
  mistake: UsageError | undefined;
}

/** Finds the mistakes meow lets through or reports badly, and which flags were given. */
function checkFlags(flags: AnyFlags, argv: string[]): FlagCheck {
  const {options, keys} = spellingsOf(flags);
  const {tokens} = parseArgs({args: argv, options, strict: false, allowPositionals: true, tokens: true});
  const count = new Map<string, number>();
  const mistakes: UsageError[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') break;
    if (token.kind !== 'option') continue;
    const known = keys.get(token.name);
    if (!known) {
      mistakes.push(new UsageError(`Unknown flag ${token.rawName} (see --help)`));
      continue;
    }
    const times = (count.get(known.key) ?? 0) + 1;
    count.set(known.key, times);
    if (times === 2 && !known.spec.isMultiple) mistakes.push(new UsageError(`${flagName(known.key)} can only be given once`));
    const value = token.value;
    if (known.spec.type === 'boolean') {
      if (value !== undefined) mistakes.push(new UsageError(`${token.rawName} takes no value`));
    } else if (value === undefined || (!token.inlineValue && value.startsWith('-') && value.length > 1 && !isNegativeNumber(value))) {
      mistakes.push(new UsageError(`${flagName(known.key)} needs a value`));
    }
  }
  return {given: new Set(count.keys()), mistake: mistakes[0]};
}

/**
 * meow with our rules: a mistake is one UsageError line; `--help` and `--version` print and
 * exit 0 wherever they stand. meow would set the process title to the package's first
 * command (netunnel-server, for all three): the title the entry point set is kept.
 */
export function parseCommandLine<Flags extends AnyFlags>(help: string, flags: Flags, argv: string[], importMeta: ImportMeta): CommandLine<Flags> {
  const {given, mistake} = checkFlags(flags, argv);
  // Alone on the command line, --help and --version make meow print and exit.
  const asked = given.has('help') ? ['--help'] : given.has('version') ? ['--version'] : undefined;
  if (mistake && !asked) throw mistake;
  const title = process.title;
  const cli = meow(help, {importMeta, argv: asked ?? argv, flags, allowUnknownFlags: true, booleanDefault: undefined});
  process.title = title;
  return Object.assign(cli, {given});
}

/** A TCP port flag: an integer in [min, 65535]. */
export function checkPort(value: number | undefined, flag: string, min: 0 | 1 = 1): number | undefined {
  if (value === undefined) return undefined;
  if (!portSchema({anyPort: min === 0}).safeParse(value).success) throw new UsageError(`--${flag} must be an integer from ${min} to 65535`);
  return value;
}
