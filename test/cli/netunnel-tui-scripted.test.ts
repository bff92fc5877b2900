/**
 * `netunnel-tui --no-tui` as a real child process: exit codes and stderr of the process,
 * output through a pipe (plain text, JSON), and the two commands that run until a signal
 * (open, watch). Every command's output in detail: test/console/scripted/run.test.ts.
 */
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {within} from '../helpers/streams.js';
import {processTitle, runCli, startCli} from '../helpers/cli.js';
import {eventually, startServer} from '../helpers/netunnel.js';
import {exchange, freePort, isPortClosed, randomPayload, startEchoServer} from '../helpers/tcp.js';

let configDir: string;
before(() => {
  configDir = mkdtempSync(join(tmpdir(), 'netunnel-scripted-cli-'));
});
after(() => rmSync(configDir, {recursive: true, force: true}));

const tui = (args: string[]) => runCli('netunnel-tui', ['--no-tui', '--config-dir', configDir, ...args]);

test('netunnel-tui --no-tui: exit codes 0, 1 and 2 with one line on stderr; plain text and JSON through a pipe', async () => {
  const a = await startServer();
  const b = await startServer();
  const down = await freePort();
  try {
    await a.server.peers.register({name: 'b', target_netunnel_url: b.url, auth_data: {}});
    // In parallel: each run is a whole Node process start.
    const [peers, json, duplicate, unreachable, usage] = await Promise.all([
      tui(['-s', a.url, 'peers']),
      tui(['peers', '--json', '--server', a.url]),
      tui(['-s', a.url, 'peer', 'add', 'b', b.url]),
      tui(['-s', `http://127.0.0.1:${down}`, 'status']),
      tui(['channels', 'extra']),
    ]);
    const urlWidth = b.url.length;
    assert.deepEqual(peers, {
      code: 0,
      stderr: '',
      stdout: `ID  NAME  URL${' '.repeat(urlWidth - 3)}  STATUS  STATIC TUNNELS\n 1  b     ${b.url}  idle                 0\n`,
    });
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), [
      {server_url: a.url, id: 1, name: 'b', target_netunnel_url: b.url, auth_data: {}, static_tunnels: [], status: 'idle'},
    ]);
    assert.deepEqual(duplicate, {code: 1, stdout: '', stderr: 'netunnel-tui: Peer `b` already exists\n'});
    assert.deepEqual(unreachable, {
      code: 1,
      stdout: '',
      stderr: `netunnel-tui: Cannot reach http://127.0.0.1:${down}: connect ECONNREFUSED 127.0.0.1:${down}\n`,
    });
    assert.deepEqual(usage, {code: 2, stdout: '', stderr: 'netunnel-tui: Unexpected argument "extra"\nUsage: netunnel-tui --no-tui channels [options]\n'});
  } finally {
    await a.server.close();
    await b.server.close();
  }
});

test('netunnel-tui --no-tui open runs until SIGINT and watch prints its channel and tunnel coming and going until SIGTERM', async () => {
  const {server, url} = await startServer();
  const echo = await startEchoServer();
  const watch = startCli('netunnel-tui', ['--no-tui', '--config-dir', configDir, '-s', url, 'watch', '--no-stats']);
  const open = startCli('netunnel-tui', ['--no-tui', '--config-dir', configDir, '-s', url, 'open', '--remote-port', String(echo.port)]);
  try {
    const [, entrancePort] = await open.waitForLine(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/);
    await open.waitForLine(/^Tunnel exit socket:/);
    assert.equal(
      open.stdout(),
      `Opening tunnel to the server...\nTunnel entrance socket: 127.0.0.1:${entrancePort}\nTunnel exit socket: 127.0.0.1:${echo.port}\n`,
    );
    const payload = randomPayload(300_000);
    assert.ok((await exchange(Number(entrancePort), payload)).equals(payload));
    // The watch started at the same time: its snapshot may already hold the channel and the tunnel.
    await watch.waitForLine(/"type":"snapshot"/);
    if (process.platform === 'linux') assert.equal(processTitle(watch.child.pid!), 'netunnel-tui', 'its own name in ps');
    const [channel] = server.channels.all();

    open.child.kill('SIGINT');
    assert.equal(await within(open.exited, 10_000, 'open to exit'), 0);
    assert.equal(open.stderr(), '');
    assert.ok(await isPortClosed(Number(entrancePort)));
    await eventually(() => server.channels.all().length === 0, 5000, 'the channel to close on the server');
    await watch.waitForLine(/"type":"channel\.closed"/);

    watch.child.kill('SIGTERM');
    assert.equal(await within(watch.exited, 10_000, 'watch to exit'), 0);
    assert.equal(watch.stderr(), '');
    const events = watch
      .stdout()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as {type: string; server_url: string});
    assert.ok(events.every((event) => event.server_url === url));
    const snapshot = events[0] as unknown as {type: string; channels: Array<{connected: boolean}>; tunnels: unknown[]};
    assert.equal(snapshot.type, 'snapshot');
    const expected = ['channel.opened', 'tunnel.created', 'tunnel.deleted', 'channel.closed'].filter(
      (type) =>
        !(type === 'channel.opened' && snapshot.channels.some((listed) => listed.connected)) && !(type === 'tunnel.created' && snapshot.tunnels.length > 0),
    );
    // Connections have frames of their own, once per stats tick (connection-batch.test.ts).
    assert.deepEqual(
      events
        .slice(1)
        .map((event) => event.type)
        .filter((type) => !type.startsWith('connection.')),
      expected,
    );
    assert.deepEqual(events.at(-1), {server_url: url, type: 'channel.closed', channel_id: channel!.id});
  } finally {
    open.child.kill('SIGKILL');
    watch.child.kill('SIGKILL');
    await server.close();
    await echo.close();
  }
});

test('netunnel-tui --no-tui: an option given twice and open -r without --remote-port exit 2 with one line and the usage line', async () => {
  const [twice, reverse] = await Promise.all([tui(['peers', '--config-dir', configDir]), tui(['-s', 'http://127.0.0.1:1', 'open', '-r', '--local-port', '8080'])]);
  assert.deepEqual(twice, {
    code: 2,
    stdout: '',
    stderr: 'netunnel-tui: --config-dir can only be given once\nUsage: netunnel-tui --no-tui COMMAND [ARGS] [options] (netunnel-tui --no-tui --help lists the commands)\n',
  });
  assert.equal(reverse.code, 2);
  assert.equal(reverse.stderr.split('\n')[0], 'netunnel-tui: --remote-port is required with --reverse (0: a free port the server picks)');
});
