/** Scripted `open`: a tunnel in the foreground, with netunnel-client's flags and printed lines. */
import {EXIT, type UsageError} from '../../../exit-codes.js';
import * as commands from '../../commands.js';
import {InvalidInputError} from '../../errors.js';
import {booleanOption} from '../args.js';
import {PROGRAM, oneLine, usage, type CommandContext, type ScriptedCommand} from '../context.js';
import {withOneServer} from '../server-selection.js';
import {address, optionalPort} from '../values.js';
import type {OptionSpec} from '../spec.js';

const REMOTE_ADDRESS_OPEN: OptionSpec = {
  name: 'remote-address',
  type: 'string',
  value: 'IP',
  help: 'Forward: where the server connects (default 127.0.0.1). Reverse: where the server listens (default 127.0.0.1)',
};
const LOCAL_ADDRESS_OPEN: OptionSpec = {
  name: 'local-address',
  type: 'string',
  value: 'IP',
  help: 'Forward: where this command listens (default 127.0.0.1). Reverse: where it connects (default 127.0.0.1)',
};

/** The command layer names `open`'s values as a form does; the command line names them by flag. */
function asFlagError(context: CommandContext, error: InvalidInputError, reverse: boolean): UsageError {
  const flags: Record<string, string> = reverse
    ? {'entrance address': '--remote-address', 'entrance port': '--remote-port', 'exit address': '--local-address', 'exit port': '--local-port'}
    : {'exit address': '--remote-address', 'exit port': '--remote-port', 'local address': '--local-address', 'local port': '--local-port'};
  const flag = flags[error.field];
  return usage(context, flag && error.message.startsWith(error.field) ? flag + error.message.slice(error.field.length) : error.message);
}

export const OPEN_COMMANDS: ScriptedCommand[] = [
  {
    name: 'open',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'one-long',
    summary: "Opens a tunnel and keeps it until Ctrl-C (netunnel-client's flags)",
    details:
      'Forward (default): listens on --local-address:--local-port here, and the server reaches --remote-address:--remote-port. Reverse (-r): the server listens on --remote-address:--remote-port (0: a free port) and this command reaches --local-address:--local-port. Prints the lines of netunnel-client (1.0.12), then runs until SIGINT or SIGTERM, when it closes the tunnel on the server and exits 0.',
    options: [
      LOCAL_ADDRESS_OPEN,
      {name: 'local-port', type: 'string', value: 'PORT', help: 'Local port (default: a free one; required with --reverse)'},
      REMOTE_ADDRESS_OPEN,
      {name: 'remote-port', type: 'string', value: 'PORT', help: 'Remote port (default 22; required with --reverse, 0: a free one)'},
      {name: 'reverse', short: 'r', type: 'boolean', help: 'The server is the entrance, this command the exit'},
      {name: 'debug', short: 'd', type: 'boolean', help: 'Log debug messages on stderr'},
    ],
    run: async (context) => {
      const reverse = booleanOption(context.values, 'reverse');
      const localAddress = address(context, 'local-address', '127.0.0.1');
      const remoteAddress = address(context, 'remote-address', '127.0.0.1');
      const localPort = optionalPort(context, 'local-port', {allowZero: !reverse});
      const givenRemotePort = optionalPort(context, 'remote-port', {allowZero: reverse});
      if (reverse && localPort === undefined) throw usage(context, '--local-port is required with --reverse');
      // As netunnel-client: a reverse tunnel never listens on the server's port 22 by default.
      if (reverse && givenRemotePort === undefined) throw usage(context, '--remote-port is required with --reverse (0: a free port the server picks)');
      const remotePort = givenRemotePort ?? 22;
      const logger = context.io.createLogger?.(booleanOption(context.values, 'debug'));
      return withOneServer(
        context,
        async (handle) => {
          const lost = new Promise<string>((resolvePromise) => handle.once('ownChannelLost', resolvePromise));
          if (!context.output.json) context.output.line(reverse ? 'Opening tunnel to the client...' : 'Opening tunnel to the server...');
          const opened = await (
            reverse
              ? commands.openReverseTunnel(handle, {entranceAddress: remoteAddress, entrancePort: remotePort, exitAddress: localAddress, exitPort: localPort!})
              : commands.openForwardTunnel(handle, {exitAddress: remoteAddress, exitPort: remotePort, localAddress, localPort: localPort ?? null})
          ).catch((error: unknown) => {
            throw error instanceof InvalidInputError ? asFlagError(context, error, reverse) : error;
          });
          if (context.output.json) {
            context.output.jsonLine({
              server_url: handle.target.url,
              channel_id: opened.channelId,
              tunnel_id: opened.tunnelId,
              direction: opened.direction,
              entrance: opened.entrance,
              exit: opened.exit,
            });
          } else {
            context.output.line(`Tunnel entrance socket: ${opened.entrance.address}:${opened.entrance.port}`);
            context.output.line(`Tunnel exit socket: ${opened.exit.address}:${opened.exit.port}`);
          }
          const interrupted = new Promise<'interrupted'>((resolvePromise) => {
            if (context.signal.aborted) resolvePromise('interrupted');
            context.signal.addEventListener('abort', () => resolvePromise('interrupted'), {once: true});
          });
          const ended = await Promise.race([interrupted, lost, opened.tunnel.closed.then(() => 'closed' as const)]);
          if (ended === 'interrupted') return EXIT.ok;
          if (ended === 'closed' && handle.ownChannelId !== undefined) {
            // The server stopped the tunnel on its own (DELETE_TUNNEL): like netunnel-client, the command ends.
            context.io.stderr.write(`${PROGRAM}: Tunnel ${opened.tunnelId} was closed by the server\n`);
            return EXIT.ok;
          }
          context.io.stderr.write(`${PROGRAM}: ${oneLine(ended === 'closed' ? await lost : ended)}\n`);
          return EXIT.failure;
        },
        logger,
      );
    },
  },
];
