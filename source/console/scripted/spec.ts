/**
 * The scripted mode's command line: the common options, every command with its usage line,
 * its own options and its help text. The parser (args.ts) and the help (help.ts) read this
 * table; nothing else lists commands.
 */

export type OptionType = 'string' | 'boolean';

export interface OptionSpec {
  /** The long name, without `--`. */
  name: string;
  type: OptionType;
  short?: string;
  multiple?: boolean;
  /** `--name VALUE` as the help shows it. */
  value?: string;
  help: string;
}

/** What a command acts on, which decides how servers are picked and how it ends. */
export type CommandKind =
  /** Reads every selected server. */
  | 'read-all'
  /** Acts on exactly one server. */
  | 'one'
  /** Acts on exactly one server and runs until interrupted (open). */
  | 'one-long'
  /** Follows every selected server until interrupted (watch). */
  | 'all-long'
  /** Only the console's own settings (servers ...). */
  | 'local';

export interface CommandSpec {
  /** `peer add`, `status`, ... */
  name: string;
  /** The arguments after the name, e.g. `NAME URL`. */
  args: string;
  /** Positional arguments: at least, at most. */
  minArgs: number;
  maxArgs: number;
  kind: CommandKind;
  summary: string;
  /** Paragraphs of the command's --help. */
  details: string;
  options: OptionSpec[];
}

export const COMMON_OPTIONS: OptionSpec[] = [
  {name: 'server', short: 's', type: 'string', multiple: true, value: 'URL|NAME', help: 'A server URL, or the name of a saved server; repeatable (default: the saved servers, else http://127.0.0.1:4040)'},
  {name: 'json', type: 'boolean', help: 'Print JSON (one document; watch: one object per line)'},
  {name: 'auth-plugin', type: 'string', value: 'WHERE', help: "Auth plugin: secret (built in), or <module>#<ExportName> (overrides a saved server's)"},
  {name: 'auth-data', type: 'string', value: 'JSON', help: "The plugin's constructor argument (default {})"},
  {name: 'no-ssl-validate', type: 'boolean', help: "Do not check the servers' TLS certificates (warns)"},
  {name: 'ca-file', type: 'string', value: 'PATH', help: "Trust this CA (PEM) for the servers' certificates, besides the usual ones"},
  {name: 'tls-cert', type: 'string', value: 'PATH', help: 'Client certificate (PEM; with --tls-key), for servers that require one'},
  {name: 'tls-key', type: 'string', value: 'PATH', help: "The client certificate's private key (PEM)"},
  {name: 'proxy-url', type: 'string', value: 'URL', help: 'Reach the servers through this HTTP proxy (CONNECT)'},
  {name: 'proxy-username', type: 'string', value: 'USER', help: 'Proxy Basic auth user (with --proxy-password)'},
  {name: 'proxy-password', type: 'string', value: 'PASS', help: 'Proxy Basic auth password (with --proxy-username)'},
  {name: 'config-dir', type: 'string', value: 'DIR', help: "Where the console keeps its settings (saved servers)"},
  {name: 'ascii', type: 'boolean', help: 'Table borders in ASCII'},
  {name: 'no-color', type: 'boolean', help: 'Accepted for the console; scripted mode never prints colours'},
  {name: 'help', short: 'h', type: 'boolean', help: 'Show the help (of a command: COMMAND --help)'},
  {name: 'version', type: 'boolean', help: 'Show the version'},
  {name: 'no-tui', type: 'boolean', help: 'Scripted mode (this)'},
];

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

export const COMMANDS: CommandSpec[] = [
  {
    name: 'status',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'read-all',
    summary: 'Version, implementation and round-trip time of each server',
    details: 'Asks each server GET /version (timed) and, on ours, GET /server-info. A 1.0.12 server (or ours with --no-extensions) shows as having no management API.',
    options: [],
  },
  {
    name: 'channels',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'read-all',
    summary: 'The clients connected to each server (ours only)',
    details: 'One row per channel: the client version, its address, whether its control websocket is up, since when, and how many tunnels it has.',
    options: [],
  },
  {
    name: 'tunnels',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'read-all',
    summary: 'Every tunnel of every channel, with counters (ours only)',
    details: 'One row per tunnel: its channel, direction, entrance and exit, connections (active/total) and bytes each way.',
    options: [],
  },
  {
    name: 'peers',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'read-all',
    summary: "Each server's peers",
    details: 'One row per peer: id, name, URL, status (ours only) and how many static tunnels it has.',
    options: [],
  },
  {
    name: 'static-tunnels',
    args: 'PEER',
    minArgs: 1,
    maxArgs: 1,
    kind: 'one',
    summary: 'The static tunnels of a peer (by name or id)',
    details: 'One row per static tunnel: where the server listens, what the peer reaches, status and counters (ours only).',
    options: [],
  },
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
      {name: 'remote-port', type: 'string', value: 'PORT', help: 'Remote port (default 22)'},
      {name: 'reverse', short: 'r', type: 'boolean', help: 'The server is the entrance, this command the exit'},
      {name: 'debug', short: 'd', type: 'boolean', help: 'Log debug messages on stderr'},
    ],
  },
  {
    name: 'close',
    args: 'CHANNEL TUNNEL',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: "Tears a tunnel down on the server",
    details:
      "Tears down tunnel TUNNEL of channel CHANNEL: the server stops its half and tells the client that opened it, which stops its own (on a 1.0.12 server, only the server's half stops: it has no way to tell the client). Open connections are cut unless --graceful.",
    options: [{name: 'graceful', type: 'boolean', help: 'Let open connections finish'}],
  },
  {
    name: 'disconnect',
    args: 'CHANNEL',
    minArgs: 1,
    maxArgs: 1,
    kind: 'one',
    summary: 'Disconnects a client: its tunnels stop (ours only)',
    details: 'Closes channel CHANNEL on the server: every tunnel of that client stops and its entrance ports close.',
    options: [],
  },
  {
    name: 'peer add',
    args: 'NAME URL',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: 'Registers a peer (the server checks that it can reach it)',
    details: "Registers the NETunnel server at URL as a peer called NAME. The server first checks that it can reach it (a channel and GET /version, with the peer's auth data).",
    options: [{name: 'peer-auth-data', type: 'string', value: 'JSON', help: "What the server's auth plugin needs to reach the peer (default {})"}],
  },
  {
    name: 'peer rename',
    args: 'PEER NEW_NAME',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: 'Renames a peer (by name or id)',
    details: 'Gives peer PEER (its name, or its id) the name NEW_NAME.',
    options: [],
  },
  {
    name: 'peer rm',
    args: 'PEER',
    minArgs: 1,
    maxArgs: 1,
    kind: 'one',
    summary: 'Removes a peer and stops its static tunnels',
    details: 'Removes peer PEER (its name, or its id); its static tunnels stop.',
    options: [],
  },
  {
    name: 'static add',
    args: 'PEER REMOTE_PORT',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: 'Adds a static tunnel to a peer (the server picks the local port)',
    details:
      'Adds a permanent tunnel from the server (it listens on --local-address and a port of its choice, 20000 and up) to REMOTE_PORT on --remote-address as peer PEER reaches it. The server keeps it connected.',
    options: [
      {name: 'remote-address', type: 'string', value: 'IP', help: 'What the peer connects to (default 127.0.0.1)'},
      {name: 'local-address', type: 'string', value: 'IP', help: 'Where the server listens (default 127.0.0.1)'},
    ],
  },
  {
    name: 'static rm',
    args: 'PEER ID',
    minArgs: 2,
    maxArgs: 2,
    kind: 'one',
    summary: 'Removes a static tunnel of a peer',
    details: 'Removes static tunnel ID of peer PEER (its name, or its id).',
    options: [],
  },
  {
    name: 'proxy get',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'one',
    summary: "Shows the server's HTTP proxy (used toward its peers)",
    details: 'Prints the proxy URL, or "none"; the server shows credentials as ******.',
    options: [],
  },
  {
    name: 'proxy set',
    args: 'URL',
    minArgs: 1,
    maxArgs: 1,
    kind: 'one',
    summary: "Sets the server's HTTP proxy (checked first)",
    details:
      "Sets the proxy the server uses toward its peers. Unless --no-check, the server first fetches --test-url (default: its http_proxy_test_url) through it and refuses if that fails. Static tunnels restart through the new proxy.",
    options: [
      {name: 'username', type: 'string', value: 'USER', help: 'Proxy Basic auth user (with --password)'},
      {name: 'password', type: 'string', value: 'PASS', help: 'Proxy Basic auth password (with --username)'},
      {name: 'test-url', type: 'string', value: 'URL', help: "What the server fetches through the proxy to check it"},
      {name: 'no-check', type: 'boolean', help: 'Set it without checking'},
    ],
  },
  {
    name: 'proxy clear',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'one',
    summary: "Removes the server's HTTP proxy",
    details: 'The server reaches its peers directly again; static tunnels restart.',
    options: [],
  },
  {
    name: 'factory-reset',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'one',
    summary: "Erases the server's peers, static tunnels and proxy (needs --yes)",
    details: 'Replaces the server\'s configuration by the defaults: no peers, no static tunnels, no proxy. With --disconnect-clients, every client is disconnected too. Nothing happens without --yes.',
    options: [
      {name: 'yes', type: 'boolean', help: 'Yes, erase it'},
      {name: 'disconnect-clients', type: 'boolean', help: 'Also disconnect every client'},
    ],
  },
  {
    name: 'watch',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'all-long',
    summary: 'Prints the events of each server as JSON lines until Ctrl-C (ours only)',
    details:
      'One JSON object per line and per event, written at once: {"server_url": URL, "type": ..., ...} with the event\'s fields (a snapshot first, again after each reconnection; then channel.*, tunnel.*, peer.*, static_tunnel.status and, about once a second while counters move, stats). A lost stream is retried; that is reported on stderr.',
    options: [{name: 'no-stats', type: 'boolean', help: 'Leave out the stats events'}],
  },
  {
    name: 'servers list',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'local',
    summary: 'The saved servers (what the console and --server NAME use)',
    details: 'Lists the servers saved in the console settings (see --config-dir).',
    options: [],
  },
  {
    name: 'servers add',
    args: 'URL',
    minArgs: 1,
    maxArgs: 1,
    kind: 'local',
    summary: 'Saves a server, with the connection options given',
    details:
      'Saves the server at URL under --name (default: its host:port), with --auth-plugin, --auth-data, --no-ssl-validate, --ca-file, --tls-cert/--tls-key (their paths) and --proxy-* if given. The console then connects to it when started without URLs, and --server NAME picks it.',
    options: [{name: 'name', type: 'string', value: 'NAME', help: 'The name to save it under (default: host:port)'}],
  },
  {
    name: 'servers rm',
    args: 'NAME',
    minArgs: 1,
    maxArgs: 1,
    kind: 'local',
    summary: 'Forgets a saved server',
    details: 'Removes the saved server called NAME from the console settings.',
    options: [],
  },
];

/** The command groups whose name takes a second word. */
export const GROUPS = ['peer', 'static', 'proxy', 'servers'] as const;

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** `Usage: netunnel-tui --no-tui peer add NAME URL [--peer-auth-data JSON] [options]` */
export function usageLine(command: CommandSpec | undefined): string {
  if (!command) return 'Usage: netunnel-tui --no-tui COMMAND [ARGS] [options] (netunnel-tui --no-tui --help lists the commands)';
  const flags = command.options.map((option) => (option.name === 'yes' ? '--yes' : `[--${option.name}${option.value ? ` ${option.value}` : ''}]`));
  return ['Usage: netunnel-tui --no-tui', command.name, command.args, ...flags, '[options]'].filter((part) => part !== '').join(' ');
}
