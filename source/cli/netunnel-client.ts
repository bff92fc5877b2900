#!/usr/bin/env node
/** `netunnel-client`: one tunnel, every flag of 1.0.12's client, the same printed lines. */
import {loadClientAuth, parseAuthData} from '../auth/load-plugin.js';
import {NetunnelClient} from '../client/netunnel-client.js';
import {NO_SSL_VALIDATE_WARNING} from '../client/server-transport.js';
import {
  CONNECTION_FLAGS,
  EXIT_FAILURE,
  EXIT_OK,
  UsageError,
  checkHeartbeatInterval,
  checkPort,
  connectionTls,
  createCliLogger,
  fail,
  onShutdownSignal,
  parseCommandLine,
} from './cli-support.js';
import {tuneHeapForTunnels} from './heap-tuning.js';

const COMMAND = 'netunnel-client';

const HELP = `
  Usage
    $ netunnel-client [options]

  Opens one tunnel through a NETunnel server and keeps it open until interrupted.
  Forward (default): listen on --local-address:--local-port here, reach
  --remote-address:--remote-port from the server. Reverse (-r): the server listens on
  --remote-address:--remote-port and this client reaches --local-address:--local-port.

  Options
    -s, --server URL          The NETunnel server (default http://127.0.0.1:4040)
        --local-address IP    Local address to listen on / connect to (default 127.0.0.1)
        --local-port PORT     Local port (default: a free one; required with --reverse)
        --remote-address IP   Remote address to connect to / listen on (default 127.0.0.1)
        --remote-port PORT    Remote port (default 22)
    -r, --reverse             The server is the entrance, this client the exit
        --auth-plugin WHERE   Auth plugin: secret (built in), or <module path or
                              package>#<ExportName>
        --auth-data JSON      The plugin's constructor argument (default {})
        --ca-file PATH        Trust this CA (PEM) for the server's certificate, besides
                              the usual ones (a private CA)
        --tls-cert PATH       Client certificate (PEM; with --tls-key), for a server that
                              requires one
        --tls-key PATH        The client certificate's private key (PEM)
        --no-ssl-validate     Do not check the server's TLS certificate (warns)
        --proxy-url URL       Reach the server through this HTTP proxy (CONNECT)
        --proxy-username USER Proxy Basic auth user (with --proxy-password)
        --proxy-password PASS Proxy Basic auth password (with --proxy-username)
        --heartbeat-interval SECONDS
                              Ping the server this often (default 20); a server that
                              misses one by half of it counts as lost (exit 1)
    -d, --debug               Log debug messages
        --help                Show this help
        --version             Show the version
`;

async function main(argv: string[]): Promise<void> {
  const cli = parseCommandLine(
    HELP,
    {
      debug: {type: 'boolean', shortFlag: 'd', default: false},
      server: {type: 'string', shortFlag: 's', default: 'http://127.0.0.1:4040'},
      localAddress: {type: 'string', default: '127.0.0.1'},
      localPort: {type: 'number'},
      remoteAddress: {type: 'string', default: '127.0.0.1'},
      remotePort: {type: 'number', default: 22},
      reverse: {type: 'boolean', shortFlag: 'r', default: false},
      heartbeatInterval: {type: 'number'},
      ...CONNECTION_FLAGS,
    },
    argv,
    import.meta,
  );
  if (cli.input.length > 0) throw new UsageError(`Unexpected argument "${cli.input[0]}" (see --help)`);
  const {flags} = cli;
  const heartbeatMs = checkHeartbeatInterval(flags.heartbeatInterval);
  const localPort = checkPort(flags.localPort, 'local-port', flags.reverse ? 1 : 0);
  const remotePort = checkPort(flags.remotePort, 'remote-port', flags.reverse ? 0 : 1)!;
  if (flags.reverse && localPort === undefined) throw new UsageError('--local-port is required with --reverse');
  if ((flags.proxyUsername === undefined) !== (flags.proxyPassword === undefined)) {
    throw new UsageError('--proxy-username and --proxy-password go together');
  }
  if (flags.proxyUsername !== undefined && flags.proxyUrl === undefined) {
    throw new UsageError('--proxy-username needs --proxy-url');
  }
  const logger = createCliLogger(flags.debug);
  const auth = flags.authPlugin ? await loadClientAuth(flags.authPlugin, parseAuthData(flags.authData), process.cwd(), logger.warn) : undefined;
  const tls = await connectionTls(flags);
  if (!flags.sslValidate) logger.warn(NO_SSL_VALIDATE_WARNING);
  const client = new NetunnelClient({
    serverUrl: flags.server,
    auth,
    logger,
    sslValidate: flags.sslValidate,
    heartbeatMs,
    tls,
    proxy: flags.proxyUrl === undefined ? undefined : {url: flags.proxyUrl, username: flags.proxyUsername, password: flags.proxyPassword},
  });

  let interrupted = false;
  onShutdownSignal(async () => {
    interrupted = true;
    await client.close();
    return EXIT_OK;
  });
  await client.connect();
  const lost = new Promise<string>((resolve) => client.once('disconnected', resolve));

  let tunnel;
  if (flags.reverse) {
    process.stdout.write('Opening tunnel to the client...\n');
    tunnel = await client.openTunnelToClient({
      exitAddress: flags.localAddress,
      exitPort: localPort!,
      entranceAddress: flags.remoteAddress,
      entrancePort: remotePort === 0 ? null : remotePort,
    });
  } else {
    process.stdout.write('Opening tunnel to the server...\n');
    tunnel = await client.openTunnelToServer({
      exitAddress: flags.remoteAddress,
      exitPort: remotePort,
      localAddress: flags.localAddress,
      localPort: localPort ?? null,
    });
  }
  process.stdout.write(`Tunnel entrance socket: ${tunnel.entrance.address}:${tunnel.entrance.port}\n`);
  process.stdout.write(`Tunnel exit socket: ${tunnel.exit.address}:${tunnel.exit.port}\n`);
  const reason = await Promise.race([lost, tunnel.closed.then(() => undefined)]);
  if (interrupted) return;
  if (reason !== undefined || !client.connected) {
    process.stderr.write(`${COMMAND}: ${reason ?? (await lost)}\n`);
    process.exit(EXIT_FAILURE);
  }
  // The server stopped the tunnel on its own (DELETE_TUNNEL): like 1.0.12, the client ends.
  logger.info(`Tunnel ${tunnel.id} was closed by the server`);
  await client.close();
  process.exit(EXIT_OK);
}

tuneHeapForTunnels();
main(process.argv.slice(2)).catch((error: unknown) => fail(COMMAND, error));
