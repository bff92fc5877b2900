import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startEchoServer, exchange, randomPayload} from '../helpers/tcp.js';
import {startServer, connectClient} from '../helpers/netunnel.js';

test('smoke: forward tunnel echoes', async () => {
  const echo = await startEchoServer();
  const {server, url} = await startServer();
  const client = await connectClient(url);
  const tunnel = await client.openTunnelToServer({exitPort: echo.port});
  const payload = randomPayload(3 * 1024 * 1024 + 17);
  const answer = await exchange(tunnel.entrance.port, payload);
  assert.ok(answer.equals(payload));
  await client.close();
  await server.close();
  await echo.close();
});

test('smoke: reverse tunnel echoes', async () => {
  const echo = await startEchoServer();
  const {server, url} = await startServer();
  const client = await connectClient(url);
  const tunnel = await client.openTunnelToClient({exitPort: echo.port});
  const payload = randomPayload(3 * 1024 * 1024 + 17);
  const answer = await exchange(tunnel.entrance.port, payload);
  assert.ok(answer.equals(payload));
  await client.close();
  await server.close();
  await echo.close();
});
