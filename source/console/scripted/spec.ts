/**
 * The shape of a scripted command line: the options every command takes, what a command's
 * spec says (its arguments, options and help; each command module fills it in next to its
 * handler, command-table.ts lists them), and the usage line made from it.
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

/** `Usage: netunnel-tui --no-tui peer add NAME URL [--peer-auth-data JSON] [options]` */
export function usageLine(command: CommandSpec | undefined): string {
  if (!command) return 'Usage: netunnel-tui --no-tui COMMAND [ARGS] [options] (netunnel-tui --no-tui --help lists the commands)';
  const flags = command.options.map((option) => (option.name === 'yes' ? '--yes' : `[--${option.name}${option.value ? ` ${option.value}` : ''}]`));
  return ['Usage: netunnel-tui --no-tui', command.name, command.args, ...flags, '[options]'].filter((part) => part !== '').join(' ');
}
