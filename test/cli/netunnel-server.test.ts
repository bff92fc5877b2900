import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {processTitle, runCli, startCli} from '../helpers/cli.js';
import {within} from '../helpers/streams.js';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {startEchoServer, exchange, randomPayload} from '../helpers/tcp.js';

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
    assert.equal(await client.getServerVersion(), '1.0.12');
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
