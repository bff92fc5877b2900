/**
 * A client behind a real HTTP proxy (the `proxy` package): REST calls and every websocket
 * (control channel and tunnel websockets) go through CONNECT, with and without Basic auth.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import http from 'node:http';
import {createServer, connect, type Socket} from 'node:net';
import type {TestContext} from 'node:test';
import {createProxy} from 'proxy';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {ServerUnreachableError} from '../../source/client/client-errors.js';
import {ServerTransport} from '../../source/client/server-transport.js';
import {eventually, startServer} from '../helpers/netunnel.js';
import {exchange, freePort, randomPayload, startEchoServer} from '../helpers/tcp.js';

const USER = 'tunnel user';
const PASSWORD = 'p@ss:w/rd%';

/** A real HTTP proxy on a free port, recording the target of every CONNECT. */
async function startProxy(t: TestContext, credentials?: {username: string; password: string}) {
  const proxy = createProxy(http.createServer());
  const connects: Array<{target: string; authorization: string | undefined}> = [];
  const tunnels: Socket[] = [];
  proxy.on('connect', (request: http.IncomingMessage, socket: Socket) => {
    connects.push({target: request.url ?? '', authorization: request.headers['proxy-authorization']});
    tunnels.push(socket);
  });
  if (credentials) {
    const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    proxy.authenticate = (request) => request.headers['proxy-authorization'] === expected;
  }
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  t.after(
    () =>
      new Promise<void>((resolve) => {
        // CONNECT tunnels are detached from the HTTP server: closeAllConnections() misses them.
        for (const socket of tunnels) socket.destroy();
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  );
  return {url: `http://127.0.0.1:${(proxy.address() as {port: number}).port}`, connects};
}

/**
 * The netunnel server behind a TCP forwarder that counts its connections: every connection it
 * gets must be one the proxy made, so a websocket that bypassed the proxy would show up.
 */
async function startCountedServer(t: TestContext) {
  const {server, url} = await startServer();
  t.after(() => server.close());
  const serverPort = Number(new URL(url).port);
  const sockets: Socket[] = [];
  const forwarder = createServer((socket) => {
    sockets.push(socket);
    const upstream = connect({port: serverPort, host: '127.0.0.1'});
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  forwarder.listen(0, '127.0.0.1');
  await once(forwarder, 'listening');
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        forwarder.close(() => resolve());
      }),
  );
  const port = (forwarder.address() as {port: number}).port;
  return {server, url: `http://127.0.0.1:${port}`, target: `127.0.0.1:${port}`, connections: () => sockets.length};
}

async function tunnelsThroughProxy(t: TestContext, credentials?: {username: string; password: string}) {
  const proxy = await startProxy(t, credentials);
  const netunnel = await startCountedServer(t);
  const echo = await startEchoServer();
  t.after(() => echo.close());
  const client = new NetunnelClient({serverUrl: netunnel.url, proxy: {url: proxy.url, ...credentials}});
  t.after(() => client.close());
  await client.connect();
  assert.equal(await client.api.server.version(), '1.0.12');
  const forward = await client.openTunnelToServer({exitPort: echo.port});
  const reverse = await client.openTunnelToClient({exitPort: echo.port});
  for (const port of [forward.entrance.port, reverse.entrance.port]) {
    for (let connection = 0; connection < 2; connection += 1) {
      const payload = randomPayload(1024 * 1024 + 7);
      assert.ok((await exchange(port, payload)).equals(payload), 'byte-exact through the proxy');
    }
  }
  // Control websocket + at least 3 websockets per tunnel (2 connections and a spare); REST on top.
  await eventually(() => proxy.connects.length >= 7 && netunnel.connections() === proxy.connects.length, 5000, 'every websocket to pass the proxy');
  assert.ok(proxy.connects.every(({target}) => target === netunnel.target), 'every CONNECT is to the server');
  assert.equal(netunnel.connections(), proxy.connects.length, 'the server got no connection that bypassed the proxy');
  return proxy;
}

describe('through an HTTP proxy', () => {
  test('REST calls and every websocket go through CONNECT; data is byte-exact', async (t) => {
    const proxy = await tunnelsThroughProxy(t);
    assert.ok(proxy.connects.every(({authorization}) => authorization === undefined));
  });

  test('with Basic proxy authentication', async (t) => {
    const proxy = await tunnelsThroughProxy(t, {username: USER, password: PASSWORD});
    const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    assert.ok(proxy.connects.every(({authorization}) => authorization === expected));
  });

  test('wrong proxy credentials fail connect() with a ServerUnreachableError saying so', async (t) => {
    const proxy = await startProxy(t, {username: USER, password: PASSWORD});
    const {url, server} = await startServer();
    t.after(() => server.close());
    const client = new NetunnelClient({serverUrl: url, proxy: {url: proxy.url, username: USER, password: 'wrong'}});
    t.after(() => client.close());
    await assert.rejects(client.connect(), (error: unknown) => {
      assert.ok(error instanceof ServerUnreachableError, `expected a ServerUnreachableError, got ${String(error)}`);
      assert.equal(error.message, `Cannot reach ${url}: the proxy ${proxy.url} refused the proxy credentials (407 Proxy Authentication Required)`);
      return true;
    });
    assert.deepEqual(server.channels.all(), []);
  });

  test('wrong proxy credentials on a websocket are the same ServerUnreachableError', async (t) => {
    const proxy = await startProxy(t, {username: USER, password: PASSWORD});
    const {url, server} = await startServer();
    t.after(() => server.close());
    // A fresh transport has no pooled CONNECT tunnel: the upgrade itself meets the 407.
    const transport = new ServerTransport({serverUrl: url, proxy: {url: proxy.url, username: 'intruder', password: PASSWORD}});
    t.after(() => transport.close());
    await assert.rejects(transport.openWebsocket('/channels/1/connect'), {
      name: 'ServerUnreachableError',
      message: `Cannot reach ${url}: the proxy ${proxy.url} refused the proxy credentials (407 Proxy Authentication Required)`,
    });
    assert.equal(proxy.connects.length, 1);
  });

  test('a proxy that wants credentials and gets none', async (t) => {
    const proxy = await startProxy(t, {username: USER, password: PASSWORD});
    const {url, server} = await startServer();
    t.after(() => server.close());
    const client = new NetunnelClient({serverUrl: url, proxy: {url: proxy.url}});
    t.after(() => client.close());
    await assert.rejects(client.connect(), {
      name: 'ServerUnreachableError',
      message: `Cannot reach ${url}: the proxy ${proxy.url} requires proxy credentials (407 Proxy Authentication Required)`,
    });
  });

  test('a proxy that cannot reach the server', async (t) => {
    const proxy = await startProxy(t);
    const port = await freePort();
    const client = new NetunnelClient({serverUrl: `http://127.0.0.1:${port}`, proxy: {url: proxy.url}});
    t.after(() => client.close());
    await assert.rejects(client.connect(), {
      name: 'ServerUnreachableError',
      message: `Cannot reach http://127.0.0.1:${port}: the proxy ${proxy.url} answered 500 Internal Server Error`,
    });
  });

  test('a proxy that is not there', async (t) => {
    const proxyPort = await freePort();
    const {url, server} = await startServer();
    t.after(() => server.close());
    const client = new NetunnelClient({serverUrl: url, proxy: {url: `http://127.0.0.1:${proxyPort}`}});
    t.after(() => client.close());
    await assert.rejects(client.connect(), {
      name: 'ServerUnreachableError',
      message: `Cannot reach ${url} through the proxy http://127.0.0.1:${proxyPort}: connect ECONNREFUSED 127.0.0.1:${proxyPort}`,
    });
  });
});
