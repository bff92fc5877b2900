import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import WebSocket from 'ws';
import {processTitle, runCli, startCli} from '../helpers/cli.js';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {checkConfig} from '../../source/server/state/config-schema.js';
import {deferrer} from '../helpers/cleanup.js';
import {call} from '../helpers/http.js';
import {rawRequest} from '../helpers/raw-http.js';
import {readExactly, within} from '../helpers/streams.js';
import {startEchoServer, exchange, openSocket, randomPayload, readUntilClosed} from '../helpers/tcp.js';

test('netunnel-server prints the 1.0.12 lines, serves clients and stops cleanly on Ctrl-C', async () => {
  const echo = await startEchoServer();
  const server = startCli('netunnel-server', ['--port', '0']);
  try {
    const [, port] = await server.waitForLine(/^\S+ \S+ INFO Starting server on 127\.0\.0\.1:(\d+)$/);
    assert.equal(
      server.stdout().split('\n')[0],
      'The server is running in stateless mode. Use --config-path to generate a config file',
    );
    const client = new NetunnelClient({serverUrl: `http://127.0.0.1:${port}`});
    await client.connect();
    assert.equal(await client.api.server.version(), '1.0.12');
    const tunnel = await client.openTunnelToServer({exitPort: echo.port});
    const payload = randomPayload(100_000);
    assert.ok((await exchange(tunnel.entrance.port, payload)).equals(payload));
    const disconnected = new Promise<string>((resolve) => client.once('disconnected', resolve));
    server.child.kill('SIGINT');
    assert.equal(await within(server.exited, 10_000, 'server to exit'), 0);
    assert.match(await within(disconnected, 10_000, 'the client to see the server go'), /was lost/);
    await client.close();
  } finally {
    server.child.kill('SIGKILL');
    await echo.close();
  }
});

test('netunnel-server: user errors print one line and exit 2', async () => {
  const cases: Array<[string[], string]> = [
    [['--bogus'], 'netunnel-server: Unknown flag --bogus (see --help)'],
    [['--port', '70000'], 'netunnel-server: --port must be an integer from 0 to 65535'],
    [['--port', 'abc'], 'netunnel-server: --port must be an integer from 0 to 65535'],
    [['--auth-data', '[1]'], 'netunnel-server: --auth-data must be a JSON object'],
    [['--auth-plugin', './nowhere.js#X'], 'netunnel-server: Cannot load auth plugin module "./nowhere.js": '],
    [['extra'], 'netunnel-server: Unexpected argument "extra" (see --help)'],
    [['--heartbeat-interval', '0'], 'netunnel-server: --heartbeat-interval must be a number of seconds from 0.05 to 3600'],
    [
      ['--auth-plugin', 'secret', '--auth-data', '{"secret": ""}'],
      'netunnel-server: Auth plugin "secret" refused its --auth-data: the auth data must be {"secret": "<a non-empty string>"} or {"secret_file": "<path>"}\n',
    ],
    [
      ['--auth-plugin', 'secret', '--auth-data', '{"secret_file": "/nonexistent.secret"}'],
      'netunnel-server: Auth plugin "secret" refused its --auth-data: cannot read secret_file /nonexistent.secret: ENOENT\n',
    ],
  ];
  // In parallel: each run is a whole Node process start.
  const results = await Promise.all(cases.map(([args]) => runCli('netunnel-server', args)));
  for (const [index, [args, expected]] of cases.entries()) {
    const result = results[index]!;
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr.split('\n').length, 2, `one line for ${args.join(' ')}: ${result.stderr}`);
    assert.ok(result.stderr.startsWith(expected), `${result.stderr} should start with ${expected}`);
  }
});

test('netunnel-server: a port in use is one line and exit 1', async () => {
  const echo = await startEchoServer();
  try {
    const result = await runCli('netunnel-server', ['--port', String(echo.port)]);
    assert.equal(result.code, 1);
    // Stateless, it generates its secret key first (as 1.0.12 logs), then fails to listen.
    assert.match(result.stderr, /^\S+ \S+ INFO Generating default secret-key\n/);
    assert.equal(result.stderr.split('\n').at(-2), `netunnel-server: Cannot listen on 127.0.0.1:${echo.port}: the address is already in use`);
  } finally {
    await echo.close();
  }
});

test('netunnel-server --heartbeat-interval: a client that answers no ping is dropped within two intervals', async () => {
  const server = startCli('netunnel-server', ['--port', '0', '--heartbeat-interval', '0.3']);
  try {
    const [, port] = await server.waitForLine(/^\S+ \S+ INFO Starting server on 127\.0\.0\.1:(\d+)$/);
    const url = `http://127.0.0.1:${port}`;
    const created = await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}});
    const channelId = (created.json as {channel_id: number}).channel_id;
    // A control websocket whose client never answers pings.
    const mute = new WebSocket(`ws://127.0.0.1:${port}/channels/${channelId}/connect`, {autoPong: false});
    mute.on('error', () => {});
    await once(mute, 'open');
    const openedAt = Date.now();
    const [code] = await within(once(mute, 'close'), 10_000, 'the server to drop the mute client');
    const noticedMs = Date.now() - openedAt;
    assert.equal(code, 1006);
    // Two intervals (600 ms), on a loaded machine; the default would take 40 s.
    assert.ok(noticedMs >= 550 && noticedMs < 5000, `dropped after ${noticedMs} ms`);
    assert.deepEqual((await rawRequest(url, 'GET', '/channels')).json, []);
    await server.waitForLine(new RegExp(`WARNING Channel ${channelId} \\(127\\.0\\.0\\.1\\): no answer to pings for 0\\.\\d s; closing it$`));
  } finally {
    server.child.kill('SIGKILL');
  }
});

test('netunnel-server keys: generate, encrypt, decrypt', async () => {
  const generated = await runCli('netunnel-server', ['keys', 'generate']);
  assert.equal(generated.code, 0);
  const key = generated.stdout.trim();
  assert.match(key, /^[A-Za-z0-9_-]{43}=$/);
  const encrypted = await runCli('netunnel-server', ['keys', 'encrypt', key, 'proxy-user']);
  assert.equal(encrypted.code, 0);
  const decrypted = await runCli('netunnel-server', ['keys', 'decrypt', key, encrypted.stdout.trim()]);
  assert.deepEqual([decrypted.code, decrypted.stdout], [0, 'proxy-user\n']);
});

test('netunnel-server --help and --version exit 0', async () => {
  const help = await runCli('netunnel-server', ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--config-path/);
  const version = await runCli('netunnel-server', ['--version']);
  const {version: packageVersion} = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string};
  assert.deepEqual([version.code, version.stdout.trim()], [0, packageVersion]);
});

test('SIGTERM with a client tunnel carrying an open connection: normal closes, the client ends as for a server gone, exit 0 within the grace period, config intact', async (t) => {
  const defer = deferrer(t);
  const dir = mkdtempSync(join(tmpdir(), 'netunnel-shutdown-'));
  defer(() => rmSync(dir, {recursive: true, force: true}));
  const configPath = join(dir, 'config.json');
  const echo = await startEchoServer();
  defer(() => echo.close());
  const server = startCli('netunnel-server', ['-p', '0', '-c', configPath, '--shutdown-grace', '3']);
  defer(() => server.child.kill('SIGKILL'));
  const [, port] = await server.waitForLine(/INFO Starting server on 127\.0\.0\.1:(\d+)$/);
  const url = `http://127.0.0.1:${port}`;
  assert.equal((await call(url, 'POST', '/config/http-proxy', {proxy_url: 'http://127.0.0.1:3128', check_proxy: false})).status, 200);
  const client = startCli('netunnel-client', ['-s', url, '--remote-port', String(echo.port)]);
  defer(() => client.child.kill('SIGKILL'));
  const [, entrance] = await client.waitForLine(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/);
  const socket = await openSocket(Number(entrance));
  defer(() => socket.destroy());
  socket.write('held open');
  assert.equal((await readExactly(socket, 9)).toString(), 'held open');
  const ended = readUntilClosed(socket);
  // A control channel of our own, to read the close code the clients get.
  const channel = (await call(url, 'POST', '/channels', {version: '1.0.12'})).body as {channel_id: number};
  const control = new WebSocket(`ws://127.0.0.1:${port}/channels/${channel.channel_id}/connect`);
  await once(control, 'open');
  const closed = once(control, 'close') as Promise<[number]>;

  const started = Date.now();
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
  const took = Date.now() - started;
  assert.ok(took < 3_000, `exited after ${took} ms, within the 3 s grace period`);
  assert.deepEqual((await closed)[0], 1000);
  assert.equal(await client.exited, 1);
  assert.equal(client.stderr().trim().split('\n').at(-1), `netunnel-client: The connection to ${url} was lost`);
  assert.equal((await ended).length, 0, 'the open connection ended');
  assert.match(server.stderr(), /INFO Stopping server\n/);
  const saved = JSON.parse(readFileSync(configPath, 'utf8')) as unknown;
  const check = checkConfig(saved);
  assert.ok(check.ok && check.config.http_proxy?.proxy_url === 'http://127.0.0.1:3128', JSON.stringify(saved));
});

test('netunnel-server on 0.0.0.0 without an auth plugin warns on stderr, in one line naming the address and the fix', async (t) => {
  const server = startCli('netunnel-server', ['-p', '0', '--hostname', '0.0.0.0']);
  deferrer(t)(() => server.child.kill('SIGKILL'));
  const [, port] = await server.waitForLine(/INFO Starting server on 0\.0\.0\.0:(\d+)$/);
  const [warning] = await server.waitForLine(/WARNING .*$/);
  assert.equal(
    warning,
    `WARNING Listening on 0.0.0.0:${port} without an auth plugin: anyone who can reach it can open tunnels and change its peers; ` +
      `add --auth-plugin secret --auth-data '{"secret_file": "PATH"}', or listen on 127.0.0.1 (--hostname)`,
  );
  assert.ok(!server.stdout().includes('WARNING'), 'on stderr');
  const info = await call(`http://127.0.0.1:${port}`, 'GET', '/server-info');
  assert.equal((info.body as {exposed_without_auth: boolean}).exposed_without_auth, true);
  server.child.kill('SIGINT');
  assert.equal(await server.exited, 0);
});

test('netunnel-server: a flag given twice, a flag without its value and --auth-data without a plugin exit 2 with one line', async () => {
  const cases: Array<[string[], string]> = [
    [['--port', '1', '--port', '2'], 'netunnel-server: --port can only be given once\n'],
    [['-p', '1', '--port', '2'], 'netunnel-server: --port can only be given once\n'],
    [['--port'], 'netunnel-server: --port needs a value\n'],
    [['--config-path', '--debug'], 'netunnel-server: --config-path needs a value\n'],
    [['--auth-data', '{"secret": "s"}'], 'netunnel-server: --auth-data needs --auth-plugin\n'],
    [['--no-extensions=yes'], 'netunnel-server: --no-extensions takes no value\n'],
  ];
  // In parallel: each run is a whole Node process start.
  const results = await within(Promise.all(cases.map(([args]) => runCli('netunnel-server', args))), 60_000, 'every run to end');
  for (const [index, [args, message]] of cases.entries()) {
    assert.deepEqual([results[index]!.code, results[index]!.stderr], [2, message], args.join(' '));
  }
});

test('netunnel-server shows its own name in ps', {skip: process.platform !== 'linux' && 'reads /proc'}, async () => {
  const server = startCli('netunnel-server', ['--port', '0']);
  try {
    await server.waitForLine(/INFO Starting server on/);
    assert.equal(processTitle(server.child.pid!), 'netunnel-server');
    server.child.kill('SIGTERM');
    assert.equal(await within(server.exited, 10_000, 'netunnel-server to exit'), 0);
  } finally {
    server.child.kill('SIGKILL');
  }
});
