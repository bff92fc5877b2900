import {test} from 'node:test';
import assert from 'node:assert/strict';
import {runCli, startCli} from '../helpers/cli.js';
import {startServer, eventually} from '../helpers/netunnel.js';
import {startFixtureProcess} from '../helpers/processes.js';
import {within} from '../helpers/streams.js';
import {startEchoServer, exchange, freePort, isPortClosed, randomPayload} from '../helpers/tcp.js';

test('netunnel-client opens a forward tunnel, prints the 1.0.12 lines, and closes it on Ctrl-C', async () => {
  const echo = await startEchoServer();
  const {server, url} = await startServer();
  const client = startCli('netunnel-client', ['--server', url, '--remote-port', String(echo.port)]);
  try {
    const [, entrancePort] = await client.waitForLine(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/);
    await client.waitForLine(/^Tunnel exit socket:/);
    assert.equal(
      client.stdout(),
      `Opening tunnel to the server...\nTunnel entrance socket: 127.0.0.1:${entrancePort}\nTunnel exit socket: 127.0.0.1:${echo.port}\n`,
    );
    const payload = randomPayload(500_000);
    assert.ok((await exchange(Number(entrancePort), payload)).equals(payload));
    assert.equal(server.channels.all().length, 1);
    client.child.kill('SIGINT');
    assert.equal(await client.exited, 0);
    assert.ok(await isPortClosed(Number(entrancePort)));
    await eventually(() => server.channels.all().length === 0, 5000, 'the channel to close on the server');
  } finally {
    client.child.kill('SIGKILL');
    await server.close();
    await echo.close();
  }
});

test('netunnel-client --reverse prints the entrance port the server chose', async () => {
  const echo = await startEchoServer();
  const {server, url} = await startServer();
  const client = startCli('netunnel-client', ['-s', url, '-r', '--local-port', String(echo.port), '--remote-port', '0']);
  try {
    const [, entrancePort] = await client.waitForLine(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/);
    assert.notEqual(Number(entrancePort), 0);
    assert.match(client.stdout(), /^Opening tunnel to the client\.\.\.\n/);
    const payload = randomPayload(300_000);
    assert.ok((await exchange(Number(entrancePort), payload)).equals(payload));
    client.child.kill('SIGTERM');
    assert.equal(await client.exited, 0);
    await eventually(() => isPortClosed(Number(entrancePort)), 5000, 'the server entrance to close');
  } finally {
    client.child.kill('SIGKILL');
    await server.close();
    await echo.close();
  }
});

test('netunnel-client exits 0 when the server deletes its tunnel, 1 when the server goes away', async () => {
  const echo = await startEchoServer();
  const {server, url} = await startServer();
  // One after the other, so that the first channel is the first client's.
  const first = startCli('netunnel-client', ['-s', url, '--remote-port', String(echo.port)]);
  await first.waitForLine(/^Tunnel exit socket:/);
  const second = startCli('netunnel-client', ['-s', url, '--remote-port', String(echo.port)]);
  try {
    await second.waitForLine(/^Tunnel exit socket:/);
    const [firstChannel] = server.channels.all();
    firstChannel!.deleteTunnel(1, true, true);
    assert.equal(await first.exited, 0);
    await server.close();
    assert.equal(await second.exited, 1);
    assert.equal(second.stderr().trim().split('\n').at(-1), `netunnel-client: The connection to ${url} was lost`);
  } finally {
    first.child.kill('SIGKILL');
    second.child.kill('SIGKILL');
    await echo.close();
  }
});

test('netunnel-client exits 1 with one line within 1.5 heartbeat intervals when its server stops answering (kill -STOP)', async (t) => {
  const echo = await startEchoServer();
  const serverProcess = await startFixtureProcess<{port: number}>('server-process.ts');
  const url = `http://127.0.0.1:${serverProcess.ready.port}`;
  const client = startCli('netunnel-client', ['-s', url, '--remote-port', String(echo.port), '--heartbeat-interval', '0.2']);
  try {
    const [, entrancePort] = await client.waitForLine(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/);
    const payload = randomPayload(64 * 1024);
    assert.ok((await exchange(Number(entrancePort), payload)).equals(payload));
    const stoppedAt = Date.now();
    serverProcess.child.kill('SIGSTOP');
    assert.equal(await within(client.exited, 10_000, 'the client to give up'), 1);
    const noticedMs = Date.now() - stoppedAt;
    t.diagnostic(`stopped server noticed by netunnel-client after ${noticedMs} ms (heartbeat 200 ms)`);
    // 1.5 intervals (300 ms) and a process exit, on a loaded machine; the default would take 20-30 s.
    assert.ok(noticedMs < 5000, `noticed after ${noticedMs} ms`);
    assert.match(client.stderr(), new RegExp(`^netunnel-client: Lost the server ${url}: no answer to pings for 0\\.\\d s\n$`), 'one line');
    assert.ok(await isPortClosed(Number(entrancePort)), 'its entrance is closed');
  } finally {
    client.child.kill('SIGKILL');
    await serverProcess.kill();
    await echo.close();
  }
});

test('netunnel-client: user errors exit 2, an unreachable server exits 1, each with one line', async () => {
  const port = await freePort();
  const cases: Array<[string[], number, string]> = [
    [['--reverse'], 2, 'netunnel-client: --local-port is required with --reverse\n'],
    [['--remote-port', '0'], 2, 'netunnel-client: --remote-port must be an integer from 1 to 65535\n'],
    [['--proxy-username', 'u'], 2, 'netunnel-client: --proxy-username and --proxy-password go together\n'],
    [['--nope'], 2, 'netunnel-client: Unknown flag --nope (see --help)\n'],
    [['--heartbeat-interval', 'x'], 2, 'netunnel-client: --heartbeat-interval must be a number of seconds from 0.05 to 3600\n'],
    [['--server', 'ftp://x'], 1, 'netunnel-client: Server URL must start with http:// or https://: ftp://x\n'],
    [
      ['--server', `http://127.0.0.1:${port}`],
      1,
      `netunnel-client: Cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    ],
  ];
  // In parallel: each run is a whole Node process start.
  const results = await Promise.all(cases.map(([args]) => runCli('netunnel-client', args)));
  for (const [index, [args, code, message]] of cases.entries()) {
    const result = results[index]!;
    assert.deepEqual([result.code, result.stderr], [code, message], args.join(' '));
  }
});
