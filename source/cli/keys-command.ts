/**
 * `netunnel-server keys ...`: 1.0.12's key tool (`python -m netunnel.common.security`),
 * to make a secret key and to encrypt or decrypt a value by hand, e.g. proxy credentials
 * for a config file written by a provisioning script.
 *
 *   keys generate            prints a new secret key (1.0.12's `generate-key` also works)
 *   keys encrypt KEY DATA    prints the Fernet token of DATA
 *   keys decrypt KEY TOKEN   prints the plaintext of TOKEN
 *
 * It takes its arguments and output functions as parameters and returns an exit code, so
 * that the entry point alone touches process.argv and process.exit, and tests need neither.
 */
import {EXIT} from '../exit-codes.js';
import {FernetError} from '../protocol/errors.js';
import {fernetDecrypt, fernetEncrypt, generateFernetKey} from '../protocol/fernet.js';

export const KEYS_USAGE = 'Usage: netunnel-server keys generate | encrypt KEY DATA | decrypt KEY TOKEN';

/**
 * Runs one keys command. `args` are the words after `keys`, untouched by any option parser
 * (a DATA that starts with `-` is data). Results go to `out`, problems (one line) to `err`
 * (default: `out`). Returns 0 on success, 2 on bad usage, 1 for a bad key or token.
 */
export function runKeysCommand(args: string[], out: (line: string) => void, err: (line: string) => void = out): number {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    out(KEYS_USAGE);
    return EXIT.ok;
  }
  try {
    switch (command) {
      case 'generate':
      case 'generate-key':
        if (rest.length !== 0) return usage(err, `Wrong number of arguments for "keys ${command}".`);
        out(generateFernetKey());
        return EXIT.ok;
      case 'encrypt':
        if (rest.length !== 2) return usage(err, 'Wrong number of arguments for "keys encrypt".');
        out(fernetEncrypt(rest[0]!, rest[1]!));
        return EXIT.ok;
      case 'decrypt':
        if (rest.length !== 2) return usage(err, 'Wrong number of arguments for "keys decrypt".');
        out(fernetDecrypt(rest[0]!, rest[1]!));
        return EXIT.ok;
      case undefined:
        return usage(err);
      default:
        return usage(err, `Unknown keys command "${command}".`);
    }
  } catch (error) {
    // A key or token that does not decrypt is the operation failing on its data (exit 1), not
    // a misused command line, although the policy counts a FernetError met while loading the
    // server's config as a mistake in that config (exit 2). Anything else is a bug.
    if (error instanceof FernetError) {
      err(error.message);
      return EXIT.failure;
    }
    throw error;
  }
}

function usage(err: (line: string) => void, problem?: string): number {
  err(problem === undefined ? KEYS_USAGE : `${problem} ${KEYS_USAGE}`);
  return EXIT.usage;
}
