#!/usr/bin/env node
/**
 * `netunnel-tui`: the management console. Servers from the arguments, else the saved ones,
 * else an embedded server started in this process on 127.0.0.1 (a free port).
 */
import {loadClientAuth, parseAuthData} from '../auth/load-plugin.js';
import {ManagementClient} from '../client/management-client.js';
import {NO_SSL_VALIDATE_WARNING} from '../client/server-transport.js';
import {startEmbeddedServer} from '../console/embedded.js';
import {transportOptionsOf, type ServerTarget} from '../console/server-handle.js';
import {ConsoleSession, targetOrBroken} from '../console/session.js';
import {ConsoleSettings} from '../console/settings.js';
import {urlError} from '../console/validate.js';
import {EXIT, UsageError} from '../exit-codes.js';
import {CONNECTION_FLAGS, onInterruptSignals, connectionTls, exitWhenFlushed, fail} from './cli-support.js';
import {parseCommandLine} from './command-line.js';
import {tuneHeapForTunnels} from './heap-tuning.js';

const COMMAND = 'netunnel-tui';

const HELP = `
  Usage
    $ netunnel-tui [URL...] [options]

  The NETunnel management console: channels, tunnels, peers and static tunnels of one or
  more servers, live; open and tear down tunnels, manage peers, all from the keyboard
  (? shows the keys). Servers: the URLs given, else the saved ones (key a adds one), else
  an embedded server started here on 127.0.0.1.

  Options
        --config-dir DIR      Where the console keeps its settings (saved servers)
                              (default: the user's config dir, e.g. ~/.config/netunnel)
        --auth-plugin WHERE   Auth plugin for the URLs given: secret (built in), or
                              <module>#<ExportName>
        --auth-data JSON      The plugin's constructor argument (default {})
        --ca-file PATH        Trust this CA (PEM) for the servers' certificates, besides
                              the usual ones (a private CA)
        --tls-cert PATH       Client certificate (PEM; with --tls-key), for servers that
                              require one
        --tls-key PATH        The client certificate's private key (PEM)
        --no-ssl-validate     Do not check the servers' TLS certificates (warns)
        --proxy-url URL       Reach the servers through this HTTP proxy (CONNECT)
        --proxy-username USER Proxy Basic auth user (with --proxy-password)
        --proxy-password PASS Proxy Basic auth password (with --proxy-username)
        --no-color            No colours (also when NO_COLOR is set)
        --ascii               No Unicode symbols (for terminals without them)
        --help                Show this help
        --version             Show the version

  Over SSH: run netunnel-tui on the server's host (ssh -t host netunnel-tui
  http://127.0.0.1:4040), or forward the port (ssh -L 4040:127.0.0.1:4040 host) and run
  netunnel-tui http://127.0.0.1:4040 here.
`;

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--no-tui')) {
    // Scripted mode: source/console/scripted (its own help, parsing and exit codes).
    const {runScriptedCli} = await import('./netunnel-tui-scripted.js');
    return runScriptedCli(argv.filter((arg) => arg !== '--no-tui'));
  }
  const cli = parseCommandLine(
    HELP,
    {
      configDir: {type: 'string'},
      ...CONNECTION_FLAGS,
      color: {type: 'boolean', default: true},
      ascii: {type: 'boolean', default: false},
      tui: {type: 'boolean', default: true},
    },
    argv,
    import.meta,
  );
  const {flags} = cli;
  if (!flags.tui) throw new UsageError('--no-tui (scripted mode) is not available yet');
  for (const url of cli.input) {
    const error = urlError(url);
    if (error) throw new UsageError(`Server URL "${url}" ${error}`);
  }
  if ((flags.proxyUsername === undefined) !== (flags.proxyPassword === undefined)) {
    throw new UsageError('--proxy-username and --proxy-password go together');
  }
  const authData = parseAuthData(flags.authData);
  if (cli.given.has('authData') && flags.authPlugin === undefined) throw new UsageError('--auth-data needs --auth-plugin');
  if (flags.proxyUrl !== undefined && urlError(flags.proxyUrl)) throw new UsageError(`--proxy-url ${urlError(flags.proxyUrl)}`);
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UsageError('netunnel-tui needs a terminal (stdin and stdout); scripts use netunnel-tui --no-tui');
  }
  // A dumb terminal cannot move its cursor: the screen would be a stream of codes.
  if (process.env.TERM === 'dumb') {
    throw new UsageError('netunnel-tui needs a terminal that can draw a screen (TERM=dumb cannot); scripts use netunnel-tui --no-tui');
  }
  const noColor = flags.color === false || (process.env.NO_COLOR ?? '') !== '';
  // The console decides about colours itself (its theme). Ink's chalk only has to be able to
  // draw bold and inverse on a terminal, which supports-color denies wherever a CI variable is
  // set; NO_COLOR, honoured above, goes, as Node warns when it meets FORCE_COLOR.
  if (process.stdout.isTTY && process.env.TERM !== 'dumb' && process.env.FORCE_COLOR === undefined) {
    process.env.FORCE_COLOR = /256|truecolor|24bit/.test(`${process.env.TERM ?? ''} ${process.env.COLORTERM ?? ''}`) ? '2' : '1';
    delete process.env.NO_COLOR;
  }

  // Before the screen is taken: the lines stay on the terminal once the console has quit.
  const warn = (message: string) => process.stderr.write(`${COMMAND}: warning: ${message}\n`);
  if (!flags.sslValidate) warn(NO_SSL_VALIDATE_WARNING);
  const settings = new ConsoleSettings(flags.configDir === undefined ? {} : {configDir: flags.configDir});
  const session = new ConsoleSession({createApi: (target) => new ManagementClient(transportOptionsOf(target))});

  if (cli.input.length > 0) {
    const auth = flags.authPlugin ? await loadClientAuth(flags.authPlugin, authData, process.cwd(), warn) : undefined;
    const tls = await connectionTls(flags);
    for (const url of cli.input) {
      const target: ServerTarget = {name: settings.suggestName(url), url};
      if (auth) target.auth = auth;
      if (flags.proxyUrl) target.proxy = {url: flags.proxyUrl, username: flags.proxyUsername, password: flags.proxyPassword};
      if (!flags.sslValidate) target.sslValidate = false;
      if (tls) target.tls = tls;
      session.addServer(target, 'argument');
    }
  } else if (settings.listServers().length > 0) {
    for (const saved of settings.listServers()) session.addServer(await targetOrBroken(saved, process.cwd(), warn), 'saved');
  } else {
    const embedded = await startEmbeddedServer();
    session.addServer({name: 'embedded', url: embedded.url}, 'embedded');
    session.onClose(() => embedded.close());
  }

  // React's development build is several times slower at every frame.
  process.env.NODE_ENV ??= 'production';
  // Loaded only now: Ink and React read the environment (CI, NODE_ENV) when imported.
  const {runTui, LEAVE_ALTERNATE_SCREEN} = await import('../console/tui/run-tui.js');
  if (process.env.NETUNNEL_INK_LINE_CACHE !== '0') await (await import('../console/tui/ink-line-cache.js')).keepInkLineCache();
  const running = runTui({session, settings, theme: {color: !noColor, ascii: flags.ascii}});
  let left = false;
  process.on('exit', () => {
    // However the process ends, the terminal gets its cursor and its normal screen back.
    if (!left) process.stdout.write(`\u001b[0m\u001b[?25h${LEAVE_ALTERNATE_SCREEN}`);
  });
  // A signal quits like q; another one while quitting exits at once, and a signal that a
  // library raises again after its own clean-up is recognised as an echo (cli-support).
  onInterruptSignals(() => running.quit(), ['SIGINT', 'SIGTERM', 'SIGHUP']);
  try {
    await running.done;
  } finally {
    left = true;
  }
  exitWhenFlushed(EXIT.ok);
}

process.title = COMMAND;
tuneHeapForTunnels();
main(process.argv.slice(2)).catch((error: unknown) => fail(COMMAND, error));
