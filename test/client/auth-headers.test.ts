/**
 * The auth plugin's headers are asked for once and kept while the plugin is authenticated: a
 * websocket per tunnelled connection costs no wait for them. An unauthenticated plugin is
 * authenticated once for everyone waiting; a failing one is a 403 naming it.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {AuthTransport, ClientAuth} from '../../source/auth/contract.js';
import {AuthHeaders} from '../../source/client/auth-headers.js';
import {ServerRefusedError} from '../../source/client/client-errors.js';
import {connectClient, startServer} from '../helpers/netunnel.js';
import {exchange, randomPayload, startEchoServer} from '../helpers/tcp.js';
import {deferrer} from '../helpers/cleanup.js';
import {HeaderAuthServer} from '../helpers/header-auth.js';

/** A plugin whose token is the number of authentications so far; it counts what it is asked. */
class CountingAuth implements ClientAuth {
  authenticated = true;
  authentications = 0;
  headerCalls = 0;

  constructor(private readonly secret = 'token') {}

  async authenticate(): Promise<void> {
    this.authentications += 1;
    await new Promise((resolve) => setImmediate(resolve));
    this.authenticated = true;
  }

  isAuthenticated(): boolean {
    return this.authenticated;
  }

  getAuthorizedHeaders(): Record<string, string> {
    this.headerCalls += 1;
    return {'x-netunnel-secret': this.secret, 'x-round': String(this.authentications)};
  }

  dumpObject(): Record<string, unknown> {
    return {};
  }
}

const transport: AuthTransport = {requestWithoutAuth: () => Promise.reject(new Error('unused'))};

test('while the plugin is authenticated its headers are asked for once, and come at once (no promise)', async () => {
  const auth = new CountingAuth();
  const headers = new AuthHeaders(auth, transport);
  assert.deepEqual(await headers.get(), {'x-netunnel-secret': 'token', 'x-round': '0'});
  for (let index = 0; index < 100; index += 1) {
    const got = headers.get();
    assert.ok(!(got instanceof Promise), 'a cached answer is not a promise');
    assert.equal(got['x-round'], '0');
  }
  assert.equal(auth.headerCalls, 1);
});

test('once it is not authenticated any more: one authentication for every caller, then the new headers', async () => {
  const auth = new CountingAuth();
  const headers = new AuthHeaders(auth, transport);
  await headers.get();
  auth.authenticated = false;
  const got = await Promise.all(Array.from({length: 10}, () => headers.get()));
  assert.equal(auth.authentications, 1);
  assert.ok(got.every((each) => each['x-round'] === '1'));
  assert.equal(headers.get() instanceof Promise, false);
});

test('a plugin that fails is a 403 naming the failure', async () => {
  const auth = new CountingAuth();
  auth.authenticated = false;
  auth.authenticate = () => Promise.reject(new Error('no secret file'));
  const headers = new AuthHeaders(auth, transport);
  await assert.rejects(Promise.resolve(headers.get()), (error: unknown) => {
    assert.ok(error instanceof ServerRefusedError);
    assert.equal(error.status, 403);
    assert.equal(error.message, 'Authentication failed: no secret file');
    return true;
  });
});

test('a classic tunnel opening a websocket per connection asks the plugin for its headers once', async (t) => {
  const defer = deferrer(t);
  const echo = await startEchoServer();
  defer(() => echo.close());
  const {server, url} = await startServer({auth: new HeaderAuthServer('token')});
  defer(() => server.close());
  const auth = new CountingAuth();
  const client = await connectClient(url, {auth, features: []});
  defer(() => client.close());
  const tunnel = await client.openTunnelToServer({exitPort: echo.port});
  for (let index = 0; index < 10; index += 1) {
    const payload = randomPayload(1000);
    assert.ok((await exchange(tunnel.entrance.port, payload)).equals(payload));
  }
  assert.equal(server.channels.get(client.channelId).getTunnel(tunnel.id).traffic.totalConnections, 10);
  assert.equal(auth.headerCalls, 1, 'one ask for the channel, its tunnel and eleven websockets');
});
