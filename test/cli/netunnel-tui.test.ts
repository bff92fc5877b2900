/**
 * netunnel-tui end to end, in a real pseudo-terminal rendered by a headless xterm: keys in,
 * the screen a user sees out.
 */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {fillForwardTunnelForm, startConsoleInPty, type ConsoleInPty} from '../helpers/pty-console.js';
import {connectClient, eventually, startServer} from '../helpers/netunnel.js';
import {exchange, isPortClosed, randomPayload, startEchoServer} from '../helpers/tcp.js';
import {processTitle, runCli} from '../helpers/cli.js';
import {within} from '../helpers/streams.js';
import {deferrer} from '../helpers/cleanup.js';

function assertLaidOut(console: ConsoleInPty, rows: number) {
  const lines = console.lines();
  assert.equal(lines.length, rows);
  assert.deepEqual(console.wrappedRows(), [], `no line wrapped:\n${console.screen()}`);
  assert.match(lines[0]!, /^ 1 /, 'the server tabs on the first row');
  assert.match(lines[1]!, /Channels/, 'the pane tabs on the second row');
  assert.match(lines[rows - 2]!, /\? help +q quit|Enter submit|y yes/, 'the key bar on the row before the last');
  assert.equal(lines[rows - 1], '', 'the last row stays empty (frames are rows - 1 lines)');
}

// SGR parameters that set a colour (foreground, background, 256 / true colour).
function colourCodes(output: string): string[] {
  const found: string[] = [];
  // eslint-disable-next-line no-control-regex
  for (const match of output.matchAll(/\u001B\[([0-9;]*)m/g)) {
    const params = match[1]!.split(';').map(Number);
    if (params.some((param) => (param >= 30 && param <= 38) || (param >= 40 && param <= 48) || (param >= 90 && param <= 97) || (param >= 100 && param <= 107))) {
      found.push(match[0]);
    }
  }
  return found;
}

// A row of the Tunnels pane for an idle forward tunnel to 127.0.0.1, drawn in full.
const IDLE_TUNNEL_ROW = /^[ ▶] +1\/\d+ +fwd 127\.0\.0\.1:\d+ +127\.0\.0\.1:\d+ +0\/0 +0 B +0 B +-$/;

describe('netunnel-tui in a terminal', {concurrency: 2}, () => {
  it('at 80x24 with its embedded server: opens a tunnel by keys, counts its bytes, tears it down, quits with q', async (t) => {
    const defer = deferrer(t);
    const echo = await startEchoServer();
    defer(() => echo.close());
    const tui = startConsoleInPty([], {columns: 80, rows: 24});
    defer(() => tui.close());
    await tui.waitFor(/^ 1 embedded ● /);
    assert.match(tui.output(), /\u001B\[\?1049h/, 'the alternate screen');
    assertLaidOut(tui, 24);

    await fillForwardTunnelForm(tui, echo.port);
    assertLaidOut(tui, 24);
    tui.write('\r');
    const opened = await tui.waitFor(/Tunnel 1\/1 open: connect to 127\.0\.0\.1:(\d+) \(here\) to reach/);
    const entrancePort = Number(/connect to 127\.0\.0\.1:(\d+)/.exec(opened)![1]);
    await tui.waitFor(new RegExp(`▶★1/1 +fwd 127\\.0\\.0\\.1:${entrancePort} +127\\.0\\.0\\.1:${echo.port} +0/0 +0 B +0 B`));

    const payload = randomPayload(300);
    assert.deepEqual(await exchange(entrancePort, payload), payload);
    await tui.waitFor(new RegExp(`1/1 +fwd 127\\.0\\.0\\.1:${entrancePort} +127\\.0\\.0\\.1:${echo.port} +0/1 +300 B +300 B`));
    assertLaidOut(tui, 24);

    tui.write('d');
    await tui.waitFor(/Tear down tunnel 1\/1\?/);
    tui.write('y');
    await tui.waitFor(/Tunnel 1\/1 torn down/);
    await tui.waitFor(/No tunnel\. n opens one/);
    assert.equal(await isPortClosed(entrancePort), true);

    tui.write('q');
    assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
    assert.match(tui.output(), /\u001B\[\?1049l/, 'back from the alternate screen');
  });

  it('takes the terminal out of echo and line mode before its first byte, so a key typed at once is not drawn on the screen', async (t) => {
    const defer = deferrer(t);
    const {server, url} = await startServer();
    defer(() => server.close());
    const tui = startConsoleInPty([url], {columns: 80, rows: 24});
    defer(() => tui.close());
    const modeAtFirstOutput = new Promise<{echo: boolean; canonical: boolean}>((resolve) => {
      const unsubscribe = tui.onOutput(() => {
        unsubscribe();
        resolve(tui.terminalMode());
      });
    });
    assert.deepEqual(await within(modeAtFirstOutput, 10_000, 'the first output'), {echo: false, canonical: false});
    await tui.waitFor(/\? help +q quit/);
    tui.write('q');
    assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
  });

  it('with NO_COLOR writes no colour codes, and re-lays out on resize', async (t) => {
    const defer = deferrer(t);
    const tui = startConsoleInPty([], {columns: 100, rows: 30, env: {NO_COLOR: '1'}});
    defer(() => tui.close());
    await tui.waitFor(/^ 1 embedded \* |^ 1 embedded ● /);
    assertLaidOut(tui, 30);
    tui.write('?');
    await tui.waitFor(/Keys/);
    tui.write('\u001B');
    await tui.waitFor(/TREND/);
    tui.resize(80, 24);
    await tui.waitFor((screen) => screen.split('\n')[22]!.includes('? help'));
    assertLaidOut(tui, 24);
    tui.resize(120, 40);
    await tui.waitFor((screen) => screen.split('\n')[38]!.includes('? help'));
    assertLaidOut(tui, 40);
    tui.resize(60, 15);
    await tui.waitFor((screen) => screen.split('\n')[13]!.includes('? help'));
    assertLaidOut(tui, 15);
    assert.deepEqual(colourCodes(tui.output()), []);
    assert.match(tui.output(), /\u001B\[1m/, 'bold is still drawn');
    tui.write('\u0003');
    assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
  });

  it('against a server without the management API, says the Channels pane cannot be filled; SIGTERM closes its tunnels', async (t) => {
    const defer = deferrer(t);
    const {server, url} = await startServer({extensions: false});
    defer(() => server.close());
    const echo = await startEchoServer();
    defer(() => echo.close());
    const tui = startConsoleInPty([url], {columns: 80, rows: 24});
    defer(() => tui.close());
    await tui.waitFor(/^ 1 127\.0\.0\.1:\d+ ● 1\.0\.12 \(no mgmt\)/);
    tui.write('\u001B[Z');
    const screen = await tui.waitFor(/This server cannot list channels: it has no management API/);
    assert.match(screen, /\(a NETunnel 1\.0\.12 server, or netunnel-server --no-extensions\)\./);
    assertLaidOut(tui, 24);
    // Colours are there when allowed (the NO_COLOR check above is not vacuous).
    assert.notDeepEqual(colourCodes(tui.output()), []);
    // A tunnel of the console's own, then SIGTERM: it is closed on the server too, exit 0.
    await fillForwardTunnelForm(tui, echo.port);
    tui.write('\r');
    const opened = await tui.waitFor(/Tunnel \d+\/1 open: connect to 127\.0\.0\.1:(\d+)/);
    const entrancePort = Number(/connect to 127\.0\.0\.1:(\d+)/.exec(opened)![1]);
    const payload = randomPayload(1000);
    assert.deepEqual(await exchange(entrancePort, payload), payload);
    assert.equal(server.channels.all().reduce((sum, channel) => sum + channel.tunnels.size, 0), 1);
    if (process.platform === 'linux') assert.equal(processTitle(tui.pid), 'netunnel-tui', 'its own name in ps');
    process.kill(tui.pid, 'SIGTERM');
    assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
    assert.equal(await isPortClosed(entrancePort), true);
    await eventually(() => server.channels.all().every((channel) => channel.tunnels.size === 0), 5000, 'the server to drop the tunnel');
  });

  it('stays quiet while nothing changes, with 50 live tunnels on screen', async (t) => {
    const defer = deferrer(t);
    const {server, url} = await startServer();
    defer(() => server.close());
    const echo = await startEchoServer();
    defer(() => echo.close());
    const client = await connectClient(url);
    defer(() => client.close());
    const tui = startConsoleInPty([url], {columns: 100, rows: 30});
    defer(() => tui.close());
    for (let index = 0; index < 50; index += 1) await client.openTunnelToServer({exitPort: echo.port});
    // Settled: every visible row drawn in full, the round-trip time measured.
    await tui.waitFor((screen) => {
      const lines = screen.split('\n').map((line) => line.trimEnd());
      const tunnelRows = lines.filter((line) => /^[ ▶] +1\/\d+ /.test(line));
      return /^ 1 127\.0\.0\.1:\d+ ● \S+ \d+ms/.test(lines[0] ?? '')
        && /Tunnels \(50\)/.test(lines[1] ?? '')
        && tunnelRows.length >= 20
        && tunnelRows.every((line) => IDLE_TUNNEL_ROW.test(line))
        && /\? help +q quit/.test(lines.at(-2) ?? '');
    });
    // Then count what is written over two seconds (the screen redraws only on change).
    const settledAt = tui.bytesWritten();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const written = Buffer.from(tui.output()).subarray(settledAt).toString();
    assert.ok(Buffer.byteLength(written) < 400, `${Buffer.byteLength(written)} bytes written in 2 s of idling: ${JSON.stringify(written)}`);
    tui.write('q');
    assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
  });

  it('refuses bad usage in one line with exit code 2, and answers --help', async () => {
    const [badUrl, noTerminal, help] = await Promise.all([
      runCli('netunnel-tui', ['ftp://x']),
      runCli('netunnel-tui', ['http://127.0.0.1:4040']),
      runCli('netunnel-tui', ['--help']),
    ]);
    assert.equal(badUrl.code, 2);
    assert.equal(badUrl.stderr, 'netunnel-tui: Server URL "ftp://x" must start with http:// or https://\n');
    assert.equal(noTerminal.code, 2);
    assert.equal(noTerminal.stderr, 'netunnel-tui: netunnel-tui needs a terminal (stdin and stdout); scripts use netunnel-tui --no-tui\n');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /\$ netunnel-tui \[URL\.\.\.\] \[options\]/);
    assert.match(help.stdout, /--config-dir DIR/);
  });

  it('every command-line mistake exits 2 with one line, before it looks for a terminal', async () => {
    const cases: Array<[string[], string]> = [
      [['--config-dir', '/tmp/a', '--config-dir', '/tmp/b'], 'netunnel-tui: --config-dir can only be given once\n'],
      [['--config-dir'], 'netunnel-tui: --config-dir needs a value\n'],
      [['--auth-data', '{"secret": "s"}', 'http://127.0.0.1:4040'], 'netunnel-tui: --auth-data needs --auth-plugin\n'],
      [['--ascii=no'], 'netunnel-tui: --ascii takes no value\n'],
    ];
    const results = await within(Promise.all(cases.map(([args]) => runCli('netunnel-tui', args))), 60_000, 'every run to end');
    for (const [index, [args, message]] of cases.entries()) {
      assert.deepEqual([results[index]!.code, results[index]!.stderr], [2, message], args.join(' '));
    }
  });
});
