/**
 * Scripted mode's dispatch: usage errors (one line and the usage line, exit 2), --help and
 * --version. Each command group is tested in commands/ against real servers, the server
 * selection in server-selection.test.ts; the CLI process itself (signals, exit codes of the
 * real process) in test/cli/netunnel-tui-scripted.test.ts.
 */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {scriptedMode} from '../../helpers/scripted.js';
import {within} from '../../helpers/streams.js';

const {scripted} = scriptedMode();

describe('scripted mode: usage', () => {
  it('bad usage exits 2 with one line and the usage line', async () => {
    const usage = (line: string) => `Usage: netunnel-tui --no-tui ${line}\n`;
    const general = 'Usage: netunnel-tui --no-tui COMMAND [ARGS] [options] (netunnel-tui --no-tui --help lists the commands)\n';
    const cases: Array<[string[], string]> = [
      [[], `netunnel-tui: A command is needed (see --help)\n${general}`],
      [['nope'], `netunnel-tui: Unknown command "nope" (see --help)\n${general}`],
      [['peer'], `netunnel-tui: peer needs a subcommand: add, rename, rm\n${general}`],
      [['peer', 'move'], `netunnel-tui: Unknown command "peer move" (peer takes add, rename, rm)\n${general}`],
      [['status', '--nope'], `netunnel-tui: Unknown flag --nope (see --help)\n${general}`],
      [['status', '--graceful'], `netunnel-tui: --graceful is not an option of status (see status --help)\n${usage('status [options]')}`],
      [['status', 'extra'], `netunnel-tui: Unexpected argument "extra"\n${usage('status [options]')}`],
      [['status', '--json=yes'], `netunnel-tui: --json takes no value\n${general}`],
      [['status', '--server'], `netunnel-tui: --server needs a value\n${general}`],
      [['static-tunnels'], `netunnel-tui: static-tunnels needs PEER\n${usage('static-tunnels PEER [options]')}`],
      [['close', '1', 'x'], `netunnel-tui: TUNNEL must be a positive integer\n${usage('close CHANNEL TUNNEL [--graceful] [options]')}`],
      [['static', 'add', 'p', '70000'], `netunnel-tui: REMOTE_PORT must be a number from 1 to 65535\n${usage('static add PEER REMOTE_PORT [--remote-address IP] [--local-address IP] [options]')}`],
      [['peer', 'add', 'a', 'ftp://x'], `netunnel-tui: URL must start with http:// or https://\n${usage('peer add NAME URL [--peer-auth-data JSON] [options]')}`],
      [['peer', 'add', 'a', 'http://x:1', '--peer-auth-data', '[1]'], `netunnel-tui: --peer-auth-data must be a JSON object\n${usage('peer add NAME URL [--peer-auth-data JSON] [options]')}`],
      [['open', '--reverse'], `netunnel-tui: --local-port is required with --reverse\n${usage('open [--local-address IP] [--local-port PORT] [--remote-address IP] [--remote-port PORT] [--reverse] [--debug] [options]')}`],
      [['open', '--remote-port', '0'], `netunnel-tui: --remote-port must be a number from 1 to 65535\n${usage('open [--local-address IP] [--local-port PORT] [--remote-address IP] [--remote-port PORT] [--reverse] [--debug] [options]')}`],
      [['open', '--remote-address', 'localhost'], `netunnel-tui: --remote-address must be an IPv4 address, like 127.0.0.1\n${usage('open [--local-address IP] [--local-port PORT] [--remote-address IP] [--remote-port PORT] [--reverse] [--debug] [options]')}`],
      [['proxy', 'set', 'http://p:1', '--username', 'u'], `netunnel-tui: --username and --password go together\n${usage('proxy set URL [--username USER] [--password PASS] [--test-url URL] [--no-check] [options]')}`],
      [['peers', '--server', 'nowhere'], `netunnel-tui: --server "nowhere" is neither a URL nor the name of a saved server (see servers list)\n${usage('peers [options]')}`],
      [['peers', '--server', 'ftp://x'], `netunnel-tui: --server "ftp://x" must start with http:// or https://\n${usage('peers [options]')}`],
      [['peers', '-s', 'http://x:1', '--auth-data', '{}'], `netunnel-tui: --auth-data needs --auth-plugin\n${usage('peers [options]')}`],
      [['peers', '-s', 'http://x:1', '--proxy-url', 'http://p:1', '--proxy-username', 'u'], `netunnel-tui: --proxy-username and --proxy-password go together\n${usage('peers [options]')}`],
      [['peer', 'add', 'a', 'http://x:1', '-s', 'http://x:1', '-s', 'http://y:1'], `netunnel-tui: peer add acts on one server: pick it with --server (2 are selected: x:1, y:1)\n${usage('peer add NAME URL [--peer-auth-data JSON] [options]')}`],
    ];
    const results = await Promise.all(cases.map(([argv]) => scripted(argv)));
    for (const [index, [argv, stderr]] of cases.entries()) {
      assert.deepEqual(results[index], {code: 2, stdout: '', stderr}, argv.join(' '));
    }
  });

  it('an option given twice, and open --reverse without --remote-port, are usage errors', async () => {
    const openUsage = 'Usage: netunnel-tui --no-tui open [--local-address IP] [--local-port PORT] [--remote-address IP] [--remote-port PORT] [--reverse] [--debug] [options]\n';
    const general = 'Usage: netunnel-tui --no-tui COMMAND [ARGS] [options] (netunnel-tui --no-tui --help lists the commands)\n';
    const [twice, reverse] = await within(
      Promise.all([scripted(['peers', '--json', '--json']), scripted(['-s', 'http://127.0.0.1:1', 'open', '-r', '--local-port', '8080'])]),
      10_000,
      'both runs to end',
    );
    assert.deepEqual(twice, {code: 2, stdout: '', stderr: `netunnel-tui: --json can only be given once\n${general}`});
    assert.deepEqual(reverse, {code: 2, stdout: '', stderr: `netunnel-tui: --remote-port is required with --reverse (0: a free port the server picks)\n${openUsage}`});
  });

  it('--help: the commands, a group, a command; --version', async () => {
    const [general, group, command, version] = await Promise.all([
      scripted(['--help']),
      scripted(['peer', '--help']),
      scripted(['static', 'add', '--help']),
      scripted(['--version']),
    ]);
    assert.equal(general.code, 0);
    for (const name of ['status', 'channels', 'tunnels', 'peers', 'static-tunnels PEER', 'open', 'close CHANNEL TUNNEL', 'disconnect CHANNEL', 'peer add NAME URL', 'peer rename PEER NEW_NAME', 'peer rm PEER', 'static add PEER REMOTE_PORT', 'static rm PEER ID', 'proxy get', 'proxy set URL', 'proxy clear', 'factory-reset', 'watch', 'servers list', 'servers add URL', 'servers rm NAME']) {
      assert.match(general.stdout, new RegExp(`\\n    ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  `), name);
    }
    assert.equal(group.code, 0);
    assert.match(group.stdout, /\$ netunnel-tui --no-tui peer add\|rename\|rm \.\.\./);
    assert.equal(command.code, 0);
    assert.match(command.stdout, /^\n {2}Usage: netunnel-tui --no-tui static add PEER REMOTE_PORT \[--remote-address IP\] \[--local-address IP\] \[options\]\n/);
    assert.match(command.stdout, /--remote-address IP +What the peer connects to/);
    assert.deepEqual(version, {code: 0, stderr: '', stdout: '0.1.0\n'});
  });
});
