#!/usr/bin/env node
/** `netunnel-server`: every flag of 1.0.12's server, the same printed lines, and `keys`. */
import {readFile} from 'node:fs/promises';
import {loadServerAuth, parseAuthData} from '../auth/load-plugin.js';
import {NetunnelServer} from '../server/netunnel-server.js';
import {runKeysCommand} from './keys-command.js';
import {CommandError, EXIT, UsageError} from '../exit-codes.js';
import {createCliLogger, fail, onShutdownSignal} from './cli-support.js';
import {checkPort, parseCommandLine} from './command-line.js';
import {tuneHeapForTunnels} from './heap-tuning.js';

const COMMAND = 'netunnel-server';

const HELP = `
  Usage
    $ netunnel-server [options]
    $ netunnel-server keys generate | encrypt KEY DATA | decrypt KEY TOKEN

  Options
    -c, --config-path PATH   Keep state (peers, static tunnels, proxy) in this JSON file
                             (default: stateless, everything in memory)
    -p, --port PORT          Port to listen on (default 4040; 0: a free port)
        --hostname ADDRESS   Address to listen on (default 127.0.0.1)
    -s, --secret-key KEY     Fernet key encrypting stored secrets (kept in memory only)
        --auth-plugin WHERE  Auth plugin: <module path or package>#<ExportName>, e.g.
                             ./my-plugin.js#SecretServerAuth (default export without #)
        --auth-data JSON     The plugin's constructor argument (default {})
        --tls-cert PATH      Serve https/wss with this certificate (PEM; with --tls-key)
        --tls-key PATH       The certificate's private key (PEM)
        --no-extensions      Answer exactly like 1.0.12: no management API (/server-info,
                             /channels listing, /tunnels, /events, /metrics), no extra keys
    -d, --debug              Log debug messages
        --help               Show this help
        --version            Show the version

  Environment
    NETUNNEL_<KEY>           JSON replacing a config default, e.g.
                             NETUNNEL_ALLOWED_TUNNEL_DESTINATIONS='{"127.0.0.1": "22"}'
    NETUNNEL_SECRET_KEY      The secret key, when --secret-key is not given
`;

/** `--tls-cert` and `--tls-key` go together; unreadable files are the user's to fix (exit 2). */
async function readTls(certPath: string | undefined, keyPath: string | undefined) {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) throw new UsageError('--tls-cert and --tls-key go together');
  const read = async (path: string, flag: string) => {
    try {
      return await readFile(path);
    } catch (error) {
      throw new UsageError(`Cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  return {cert: await read(certPath, '--tls-cert'), key: await read(keyPath, '--tls-key')};
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'keys') {
    const code = runKeysCommand(
      argv.slice(1),
      (line) => process.stdout.write(`${line}\n`),
      (line) => process.stderr.write(`${line}\n`),
    );
    process.exit(code);
  }
  const cli = parseCommandLine(
    HELP,
    {
      configPath: {type: 'string', shortFlag: 'c'},
      debug: {type: 'boolean', shortFlag: 'd', default: false},
      port: {type: 'number', shortFlag: 'p', default: 4040},
      secretKey: {type: 'string', shortFlag: 's'},
      hostname: {type: 'string', default: '127.0.0.1'},
      authPlugin: {type: 'string'},
      authData: {type: 'string', default: '{}'},
      extensions: {type: 'boolean', default: true},
      tlsCert: {type: 'string'},
      tlsKey: {type: 'string'},
    },
    argv,
    import.meta,
  );
  if (cli.input.length > 0) throw new UsageError(`Unexpected argument "${cli.input[0]}" (see --help)`);
  const {flags} = cli;
  const port = checkPort(flags.port, 'port', 0)!;
  const logger = createCliLogger(flags.debug);
  const authData = parseAuthData(flags.authData);
  if (cli.given.has('authData') && flags.authPlugin === undefined) throw new UsageError('--auth-data needs --auth-plugin');
  const auth = flags.authPlugin ? await loadServerAuth(flags.authPlugin, authData) : undefined;

  const tls = await readTls(flags.tlsCert, flags.tlsKey);
  let server: NetunnelServer;
  try {
    server = new NetunnelServer({
      host: flags.hostname,
      port,
      auth,
      logger,
      extensions: flags.extensions,
      configPath: flags.configPath,
      secretKey: flags.secretKey,
      env: process.env,
      tls,
    });
  } catch (error) {
    // The only input the constructor can refuse is the certificate or key.
    throw new UsageError(`Invalid --tls-cert/--tls-key: ${(error as Error).message}`);
  }
  if (server.stateless) {
    process.stdout.write('The server is running in stateless mode. Use --config-path to generate a config file\n');
  }
  // The server logs `Generating default secret-key` and `Starting server on HOST:PORT` itself.
  const starting = server.start();
  // Watched from the start: a SIGTERM right after `Starting server on ...` still stops it cleanly.
  onShutdownSignal(async () => {
    await starting.catch(() => {});
    logger.info('Stopping server');
    await server.close();
    return EXIT.ok;
  });
  try {
    await starting;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CommandError(`Cannot listen on ${flags.hostname}:${port}: the address is already in use`);
    if (code === 'EACCES') throw new CommandError(`Cannot listen on ${flags.hostname}:${port}: permission denied`);
    throw error;
  }
}

process.title = COMMAND;
tuneHeapForTunnels();
main(process.argv.slice(2)).catch((error: unknown) => fail(COMMAND, error));
