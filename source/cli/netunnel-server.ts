#!/usr/bin/env node
/** `netunnel-server`: every flag of 1.0.12's server, the same printed lines, and `keys`. */
import {loadServerAuth, parseAuthData} from '../auth/load-plugin.js';
import {readClientTlsFiles} from '../client/tls-files.js';
import {NetunnelServer} from '../server/netunnel-server.js';
import {readServerTlsFiles, type ServerTlsFiles} from '../server/tls/server-tls.js';
import {runKeysCommand} from './keys-command.js';
import {
  CommandError,
  EXIT_FAILURE,
  EXIT_OK,
  UsageError,
  checkHeartbeatInterval,
  checkPort,
  createCliLogger,
  fail,
  onReloadSignal,
  onShutdownSignal,
  parseCommandLine,
} from './cli-support.js';
import {tuneHeapForTunnels} from './heap-tuning.js';

const COMMAND = 'netunnel-server';

/** Long enough for clients to answer a close frame, short enough for a service manager's stop timeout. */
const DEFAULT_SHUTDOWN_GRACE_SECONDS = 5;

/** A shutdown still running this long after the grace period is given up on (e.g. a config write hanging on a dead disk). */
const SHUTDOWN_BACKSTOP_MS = 3_000;

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
        --auth-plugin WHERE  Auth plugin: secret (built in: --auth-data '{"secret": "..."}'
                             or '{"secret_file": "PATH"}'), or <module path or
                             package>#<ExportName>, e.g. ./my-plugin.js#MyServerAuth
        --auth-data JSON     The plugin's constructor argument (default {})
        --tls-cert PATH      Serve https/wss with this certificate (PEM; with --tls-key);
                             SIGHUP reads it (and the key, the client CA) again
        --tls-key PATH       The certificate's private key (PEM)
        --tls-client-ca PATH Require client certificates signed by this CA (PEM)
        --peer-ca-file PATH  Trust this CA (PEM) for https peers, besides the usual ones
        --peer-tls-cert PATH Client certificate toward peers that require one (PEM; with
                             --peer-tls-key)
        --peer-tls-key PATH  Its private key (PEM)
        --shutdown-grace S   On SIGINT/SIGTERM, give open websockets S seconds to close
                             normally before cutting them (default ${DEFAULT_SHUTDOWN_GRACE_SECONDS})
        --no-extensions      Answer exactly like 1.0.12: no management API (/server-info,
                             /channels listing, /tunnels, /events, /metrics), no extra keys
        --heartbeat-interval SECONDS
                             Ping every client this often (default 20); a client silent
                             for two intervals is dropped with its tunnels and ports
        --no-address-check   Take a channel's websockets from any address (behind a proxy
                             or load balancer that connects from several addresses)
    -d, --debug              Log debug messages
        --help               Show this help
        --version            Show the version

  Environment
    NETUNNEL_<KEY>           JSON replacing a config default, e.g.
                             NETUNNEL_ALLOWED_TUNNEL_DESTINATIONS='{"127.0.0.1": "22"}'
    NETUNNEL_SECRET_KEY      The secret key, when --secret-key is not given
`;

/** `--tls-cert` and `--tls-key` go together; `--tls-client-ca` needs them. */
function tlsFiles(certFile: string | undefined, keyFile: string | undefined, clientCaFile: string | undefined): ServerTlsFiles | undefined {
  if (certFile === undefined && keyFile === undefined) {
    if (clientCaFile !== undefined) throw new UsageError('--tls-client-ca needs --tls-cert and --tls-key');
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) throw new UsageError('--tls-cert and --tls-key go together');
  return {certFile, keyFile, clientCaFile};
}

function shutdownGraceMs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) throw new UsageError('--shutdown-grace must be a number of seconds from 0 to 3600');
  return Math.round(seconds * 1000);
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
      heartbeatInterval: {type: 'number'},
      addressCheck: {type: 'boolean', default: true},
      tlsClientCa: {type: 'string'},
      peerCaFile: {type: 'string'},
      peerTlsCert: {type: 'string'},
      peerTlsKey: {type: 'string'},
      shutdownGrace: {type: 'number', default: DEFAULT_SHUTDOWN_GRACE_SECONDS},
    },
    argv,
    import.meta,
  );
  if (cli.input.length > 0) throw new UsageError(`Unexpected argument "${cli.input[0]}" (see --help)`);
  const {flags} = cli;
  const port = checkPort(flags.port, 'port', 0)!;
  const heartbeatMs = checkHeartbeatInterval(flags.heartbeatInterval);
  const graceMs = shutdownGraceMs(flags.shutdownGrace);
  const logger = createCliLogger(flags.debug);
  const authData = parseAuthData(flags.authData);
  const auth = flags.authPlugin ? await loadServerAuth(flags.authPlugin, authData, process.cwd(), logger.warn) : undefined;

  const files = tlsFiles(flags.tlsCert, flags.tlsKey, flags.tlsClientCa);
  const tls = files && (await readServerTlsFiles(files));
  const peerTls = await readClientTlsFiles(
    {caFile: flags.peerCaFile, certFile: flags.peerTlsCert, keyFile: flags.peerTlsKey},
    {caFile: '--peer-ca-file', certFile: '--peer-tls-cert', keyFile: '--peer-tls-key'},
  );
  const server = new NetunnelServer({
    host: flags.hostname,
    port,
    auth,
    logger,
    extensions: flags.extensions,
    configPath: flags.configPath,
    secretKey: flags.secretKey,
    env: process.env,
    tls,
    peerTls,
    heartbeatMs,
    ownerAddressCheck: flags.addressCheck,
  });
  if (server.stateless) {
    process.stdout.write('The server is running in stateless mode. Use --config-path to generate a config file\n');
  }
  // The server logs `Generating default secret-key` and `Starting server on HOST:PORT` itself.
  const starting = server.start();
  // Watched from the start: a SIGTERM right after `Starting server on ...` still stops it cleanly.
  onShutdownSignal(async () => {
    await starting.catch(() => {});
    logger.info('Stopping server');
    const backstop = setTimeout(() => {
      logger.error(`The shutdown did not finish within ${(graceMs + SHUTDOWN_BACKSTOP_MS) / 1000} s: exiting anyway`);
      process.exit(EXIT_FAILURE);
    }, graceMs + SHUTDOWN_BACKSTOP_MS);
    await server.close({graceMs});
    clearTimeout(backstop);
    return EXIT_OK;
  });
  // A renewed certificate is taken without a restart: open channels keep going.
  if (files) {
    onReloadSignal(async () => {
      try {
        server.reloadTls(await readServerTlsFiles(files));
        logger.info(`Reloaded the TLS certificate from ${files.certFile}`);
      } catch (error) {
        logger.error(`TLS reload failed, still serving the previous certificate: ${(error as Error).message}`);
      }
    });
  }
  try {
    await starting;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CommandError(`Cannot listen on ${flags.hostname}:${port}: the address is already in use`);
    if (code === 'EACCES') throw new CommandError(`Cannot listen on ${flags.hostname}:${port}: permission denied`);
    throw error;
  }
}

tuneHeapForTunnels();
main(process.argv.slice(2)).catch((error: unknown) => fail(COMMAND, error));
