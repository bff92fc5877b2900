/** What the scripted mode itself fails with (the commands' own errors come from console/errors.ts). */
import {NetunnelError} from '../../protocol/errors.js';
import type {CommandSpec} from './spec.js';

/** A mistake in the command line: one line, the command's usage line, exit 2. */
export class ScriptedUsageError extends NetunnelError {
  constructor(
    message: string,
    /** The command whose usage line to show (none: the general one). */
    readonly command?: CommandSpec,
  ) {
    super('NETUNNEL_ERR_USAGE', message);
  }
}

/** A short command interrupted by SIGINT/SIGTERM before it finished: exit 130. */
export class InterruptedError extends NetunnelError {
  constructor() {
    super('NETUNNEL_ERR_INTERRUPTED', 'Interrupted');
  }
}
