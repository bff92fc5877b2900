/**
 * Every scripted command, in the order the help lists them; the parser (args.ts), the help
 * (help.ts) and runScripted read this table. Each command module keeps its handlers next to
 * their specs.
 */
import {CONFIGURATION_COMMANDS} from './commands/configuration.js';
import {CONNECTION_COMMANDS} from './commands/connections.js';
import {OPEN_COMMANDS} from './commands/open.js';
import {PEER_COMMANDS} from './commands/peer.js';
import {READING_COMMANDS} from './commands/reading.js';
import {SERVERS_COMMANDS} from './commands/servers.js';
import {STATIC_COMMANDS} from './commands/static.js';
import {TEAR_DOWN_COMMANDS} from './commands/tear-down.js';
import {WATCH_COMMANDS} from './commands/watch.js';
import type {ScriptedCommand} from './context.js';

export const COMMANDS: readonly ScriptedCommand[] = [
  ...READING_COMMANDS,
  ...OPEN_COMMANDS,
  ...TEAR_DOWN_COMMANDS,
  ...CONNECTION_COMMANDS,
  ...PEER_COMMANDS,
  ...STATIC_COMMANDS,
  ...CONFIGURATION_COMMANDS,
  ...WATCH_COMMANDS,
  ...SERVERS_COMMANDS,
];

/** The command groups whose name takes a second word. */
export const GROUPS = ['peer', 'static', 'proxy', 'servers'] as const;

export function findCommand(name: string): ScriptedCommand | undefined {
  return COMMANDS.find((command) => command.name === name);
}
