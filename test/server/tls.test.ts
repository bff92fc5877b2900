import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {runCli, startCli} from '../helpers/cli.js';
import {startServer} from '../helpers/netunnel.js';
import {exchange, randomPayload, startEchoServer} from '../helpers/tcp.js';

const fixture = (name: string) => new URL(`../fixtures/tls/${name}`, import.meta.url);
const tls = {cert: readFileSync(fixture('self-signed.crt')), key: readFileSync(fixture('self-signed.key'))};

test('an https server: certificate checked by default, skipped with sslValidate false, tunnels over wss', async () => {
  const echo = await startEchoServer();
  const {server} = await startServer({tls});
  const url = `https://127.0.0.1:${server.address!.port}`;
  try {
    const strict = new NetunnelClient({serverUrl: url});
    await assert.rejects(strict.connect(), {name: 'ServerUnreachableError', message: `Cannot reach ${url}: self-signed certificate`});
    await strict.close();

    const lax = new NetunnelClient({serverUrl: url, sslValidate: false});
    await lax.connect();
    const forward = await lax.openTunnelToServer({exitPort: echo.port});
    const reverse = await lax.openTunnelToClient({exitPort: echo.port});
    for (const tunnel of [forward, reverse]) {
      const payload = randomPayload(1_000_003);
      assert.ok((await exchange(tunnel.entrance.port, payload)).equals(payload));
    }
    await lax.close();
  } finally {
    await server.close();
    await echo.close();
  }
});

test('netunnel-server --tls-cert/--tls-key and netunnel-client --no-ssl-validate', async () => {
  const echo = await startEchoServer();
  const server = startCli('netunnel-server', ['-p', '0', '--tls-cert', fixture('self-signed.crt').pathname, '--tls-key', fixture('self-signed.key').pathname]);
  try {
    const [, port] = await server.waitForLine(/INFO Starting server on 127\.0\.0\.1:(\d+)$/);
    const url = `https://127.0.0.1:${port}`;
    const [refused, client] = [
      await runCli('netunnel-client', ['-s', url, '--remote-port', String(echo.port)]),
      startCli('netunnel-client', ['-s', url, '--no-ssl-validate', '--remote-port', String(echo.port)]),
    ];
    assert.deepEqual([refused.code, refused.stderr], [1, `netunnel-client: Cannot reach ${url}: self-signed certificate\n`]);
    const [, entrance] = await client.waitForLine(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/);
    const payload = randomPayload(200_000);
    assert.ok((await exchange(Number(entrance), payload)).equals(payload));
    client.child.kill('SIGINT');
    assert.equal(await client.exited, 0);
  } finally {
    server.child.kill('SIGKILL');
    await echo.close();
  }
  const lonely = await runCli('netunnel-server', ['--tls-cert', fixture('self-signed.crt').pathname]);
  assert.deepEqual([lonely.code, lonely.stderr], [2, 'netunnel-server: --tls-cert and --tls-key go together\n']);
  const garbage = await runCli('netunnel-server', ['--tls-cert', fixture('README.md').pathname, '--tls-key', fixture('README.md').pathname]);
  assert.equal(garbage.code, 2);
  assert.match(garbage.stderr, /^netunnel-server: Invalid --tls-cert\/--tls-key: .+\n$/);
});
