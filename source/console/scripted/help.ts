/** The scripted mode's help: the list of commands, a group's, and each command's. */
import {subcommandsOf} from './args.js';
import {COMMANDS, COMMON_OPTIONS, usageLine, type CommandSpec, type OptionSpec} from './spec.js';

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((text) => indent + text).join('\n');
}

function optionLines(options: OptionSpec[]): string {
  const labels = options.map((option) => `${option.short ? `-${option.short}, ` : '    '}--${option.name}${option.value ? ` ${option.value}` : ''}`);
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  return options
    .map((option, index) => {
      const [first, ...rest] = wrap(option.help, 88 - width - 4, '').split('\n');
      return [`    ${labels[index]!.padEnd(width)}${first}`, ...rest.map((line) => `    ${' '.repeat(width)}${line}`)].join('\n');
    })
    .join('\n');
}

const EXIT_CODES = `  Exit codes
    0  success
    1  a server refused the request or could not be reached (its message on stderr, one line)
    2  bad usage (the message and the usage line on stderr)`;

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => `${command.name} ${command.args}`.trim().length)) + 2;
  const commands = COMMANDS.map((command) => `    ${`${command.name} ${command.args}`.trim().padEnd(width)}${command.summary}`).join('\n');
  return `
  Usage
    $ netunnel-tui --no-tui COMMAND [ARGS] [options]

  The console's commands without a screen, for scripts and cron. Tables on a terminal,
  plain aligned text when piped, JSON with --json.

  Commands
${commands}

    (ours only): needs our server's management API; a 1.0.12 server, or ours with
    --no-extensions, cannot answer it: the command says so and exits 1.

  Options (every command)
${optionLines(COMMON_OPTIONS.filter((option) => option.name !== 'no-tui'))}

${EXIT_CODES}

  COMMAND --help shows a command's arguments and options.
`;
}

export function groupHelp(group: string): string {
  const commands = COMMANDS.filter((command) => command.name.startsWith(`${group} `));
  return `
  Usage
    $ netunnel-tui --no-tui ${group} ${subcommandsOf(group).join('|')} ...

${commands.map((command) => `    ${usageLine(command).replace('Usage: ', '')}\n${wrap(command.summary, 84, '        ')}`).join('\n')}

  ${group} SUBCOMMAND --help shows its options.
`;
}

export function commandHelp(command: CommandSpec): string {
  const own = command.options.length > 0 ? `\n  Options\n${optionLines(command.options)}\n` : '';
  return `
  ${usageLine(command)}

${wrap(command.details, 86, '  ')}
${own}
  Options of every command: --server URL|NAME (repeatable), --json, --auth-plugin,
  --auth-data, --no-ssl-validate, --ca-file, --tls-cert, --tls-key, --proxy-url,
  --proxy-username, --proxy-password, --config-dir (netunnel-tui --no-tui --help explains
  them).

${EXIT_CODES}
`;
}
