/**
 * Tunnel websockets belong to their channel: a websocket nobody asked for, or one from another
 * client (another identity, another address), is refused before the upgrade, and the
 * victim's connections keep reaching the victim. Against a 1.0.12-style victim (no
 * `websocket-tokens`), only the address and identity checks and the one-request-one-websocket
 * rule remain: the residual risk the README states.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {TestContext} from 'node:test';
import type {ReverseServerTunnel} from '../../../source/server/channels/server-tunnel.js';
import {deferrer} from '../../helpers/cleanup.js';
import {connectClient, eventually, startServer} from '../../helpers/netunnel.js';
import {attemptWebsocket, openRawChannel, rawJson, type Attempt} from '../../helpers/raw-channel.js';
import {exchange, randomPayload, startEchoServer} from '../../helpers/tcp.js';
import {DIRECTIONS} from '../../helpers/tunnels.js';
import {UserAuthClient, UserAuthServer} from '../../helpers/user-auth.js';

const USERS = {alice: 'alice-secret', mallory: 'mallory-secret'};
const ALICE = new UserAuthClient('alice', USERS.alice).getAuthorizedHeaders();
const MALLORY = new UserAuthClient('mallory', USERS.mallory).getAuthorizedHeaders();
/** Another host, as far as the server can tell. */
const ELSEWHERE = '127.0.0.2';

function notOwner(channelId: number, why: string) {
  return {status: 403, body: {error: `Forbidden: this websocket is not from the client of channel \`${channelId}\` (${why})`}};
}

function refusal(attempt: Attempt) {
  if ('websocket' in attempt) return {status: 101, body: 'opened'};
  return attempt;
}

async function serverWithUsers(t: TestContext, options: {ownerAddressCheck?: boolean} = {}) {
  const defer = deferrer(t);
  const echo = await startEchoServer();
  defer(() => echo.close());
  const {server, url} = await startServer({auth: new UserAuthServer(USERS), ...options});
  defer(() => server.close());
  return {server, url, echo, defer};
}

/** Many connections at once through the entrance: each one's bytes come back exact. */
async function assertAllReachTheVictim(entrancePort: number, count = 24): Promise<void> {
  const payloads = Array.from({length: count}, (_, index) => randomPayload(16 * 1024 + index));
  const answers = await Promise.all(payloads.map((payload) => exchange(entrancePort, payload)));
  answers.forEach((answer, index) => assert.ok(answer.equals(payloads[index]!), `connection ${index} came back exact`));
}

/**
 * Three websockets at `path` of the victim's channel, each missing one thing the owner has: the
 * channel secret (alice's identity, the victim's address), the identity (mallory's) and the
 * address; each is refused before the upgrade, naming what is missing.
 */
async function assertStrangersRefused(t: TestContext, url: string, path: string, channelId: number): Promise<void> {
  const attempts = await Promise.all([
    attemptWebsocket(t, url, path, {headers: ALICE}),
    attemptWebsocket(t, url, path, {headers: MALLORY}),
    attemptWebsocket(t, url, path, {headers: ALICE, localAddress: ELSEWHERE}),
  ]);
  assert.deepEqual(attempts.map(refusal), [notOwner(channelId, 'no channel secret'), notOwner(channelId, 'another identity'), notOwner(channelId, 'another address')]);
}

describe('our client as the victim (websocket-tokens)', () => {
  for (const direction of DIRECTIONS) {
    test(`${direction}: unsolicited websockets, another client's and another address's are refused; every connection reaches the victim`, async (t) => {
      const {server, url, echo, defer} = await serverWithUsers(t);
      const victim = await connectClient(url, {auth: new UserAuthClient('alice', USERS.alice)});
      defer(() => victim.close());
      const tunnel = direction === 'forward' ? await victim.openTunnelToServer({exitPort: echo.port}) : await victim.openTunnelToClient({exitPort: echo.port});
      const path = `/channels/${victim.channelId}/tunnels/${tunnel.id}/connect`;
      await assertStrangersRefused(t, url, path, victim.channelId);
      await assertAllReachTheVictim(tunnel.entrance.port);
      assert.equal(server.channels.get(victim.channelId).getTunnel(tunnel.id).traffic.totalConnections, 24);
    });
  }

  test('the control websocket of a channel is refused to anybody but its creator', async (t) => {
    const {url} = await serverWithUsers(t);
    const created = await openRawChannel(t, url, {headers: ALICE, features: ['websocket-tokens']});
    assert.equal(typeof created.secret, 'string', 'a client announcing websocket-tokens gets a secret');
    // A second channel whose control websocket nobody opened yet: a stranger cannot take it.
    const second = (await rawJson(url, 'POST', '/channels', {version: '1.0.12', features: ['websocket-tokens']}, {headers: ALICE})).body as {
      channel_id: number;
      channel_secret: string;
    };
    const path = `/channels/${second.channel_id}/connect`;
    const attempts = await Promise.all([
      attemptWebsocket(t, url, path, {headers: ALICE}),
      attemptWebsocket(t, url, path, {headers: {...ALICE, 'x-netunnel-channel-secret': created.secret!}}),
      attemptWebsocket(t, url, path, {headers: {...MALLORY, 'x-netunnel-channel-secret': second.channel_secret}}),
      attemptWebsocket(t, url, path, {headers: {...ALICE, 'x-netunnel-channel-secret': second.channel_secret}, localAddress: ELSEWHERE}),
    ]);
    assert.deepEqual(attempts.map(refusal), [
      notOwner(second.channel_id, 'no channel secret'),
      notOwner(second.channel_id, 'wrong channel secret'),
      notOwner(second.channel_id, 'another identity'),
      notOwner(second.channel_id, 'another address'),
    ]);
    const owner = await attemptWebsocket(t, url, path, {headers: {...ALICE, 'x-netunnel-channel-secret': second.channel_secret}});
    assert.deepEqual(refusal(owner), {status: 101, body: 'opened'});
  });
});

describe('pooled websockets (the stream extension) belong to their channel too', () => {
  test('reverse: only a websocket that answers a request with its token gets into the pool; strangers are refused before the upgrade', async (t) => {
    const {server, url} = await serverWithUsers(t);
    const owner = await openRawChannel(t, url, {headers: ALICE, features: ['websocket-tokens', 'stream']});
    const {tunnel_id: tunnelId} = (await owner.createTunnel({entrance_address: '127.0.0.1', entrance_port: null, reverse: true})) as {tunnel_id: number};
    const pool = (server.channels.get(owner.id).getTunnel(tunnelId) as ReverseServerTunnel).websocketPool!;
    const request = await owner.nextRequest();
    const token = String(request.data.token);
    const path = `/channels/${owner.id}/tunnels/${tunnelId}/connect`;
    const withSecret = {...ALICE, 'x-netunnel-channel-secret': owner.secret!};
    const strangers = await Promise.all([
      attemptWebsocket(t, url, path, {headers: {...ALICE, 'x-netunnel-token': token}}),
      attemptWebsocket(t, url, path, {headers: {...withSecret, 'x-netunnel-token': token}, localAddress: ELSEWHERE}),
      attemptWebsocket(t, url, path, {headers: {...withSecret, 'x-netunnel-token': 'A'.repeat(43)}}),
    ]);
    assert.deepEqual(strangers.map(refusal), [
      notOwner(owner.id, 'no channel secret'),
      notOwner(owner.id, 'another address'),
      {status: 403, body: {error: `Forbidden: no websocket request of tunnel \`${tunnelId}\` on channel \`${owner.id}\` has this token (missing, used, expired or another's)`}},
    ]);
    assert.equal(pool.idleCount + pool.busyCount, 0, 'nothing got into the pool');
    assert.deepEqual(refusal(await owner.connectTunnel(tunnelId, {'x-netunnel-token': token})), {status: 101, body: 'opened'});
    await eventually(() => pool.idleCount === 1, 5000, "the owner's websocket in the pool");
    assert.equal(pool.obtained, 1);
  });

  test('forward: after many connections on reused websockets, strangers are still refused before the upgrade', async (t) => {
    const {server, url, echo, defer} = await serverWithUsers(t);
    const victim = await connectClient(url, {auth: new UserAuthClient('alice', USERS.alice)});
    defer(() => victim.close());
    const tunnel = await victim.openTunnelToServer({exitPort: echo.port});
    assert.ok(tunnel.websocketPool, 'the tunnel speaks the stream extension');
    await assertAllReachTheVictim(tunnel.entrance.port);
    const path = `/channels/${victim.channelId}/tunnels/${tunnel.id}/connect`;
    await assertStrangersRefused(t, url, path, victim.channelId);
    await assertAllReachTheVictim(tunnel.entrance.port);
    assert.equal(server.channels.get(victim.channelId).getTunnel(tunnel.id).traffic.totalConnections, 48);
  });
});

describe('a 1.0.12-style victim (no features exchange)', () => {
  test('reverse: refused from another address or identity, and from anybody while no request is outstanding', async (t) => {
    const {server, url, echo, defer} = await serverWithUsers(t);
    const victim = await connectClient(url, {auth: new UserAuthClient('alice', USERS.alice), features: []});
    defer(() => victim.close());
    const tunnel = await victim.openTunnelToClient({exitPort: echo.port});
    const serverTunnel = server.channels.get(victim.channelId).getTunnel(tunnel.id) as ReverseServerTunnel;
    await eventually(() => serverTunnel.outstandingRequests === 0, 5000, 'the victim to answer the first request');
    const path = `/channels/${victim.channelId}/tunnels/${tunnel.id}/connect`;
    const attempts = await Promise.all([
      attemptWebsocket(t, url, path, {headers: ALICE, localAddress: ELSEWHERE}),
      attemptWebsocket(t, url, path, {headers: MALLORY}),
      attemptWebsocket(t, url, path, {headers: ALICE}),
    ]);
    assert.deepEqual(attempts.map(refusal), [
      notOwner(victim.channelId, 'another address'),
      notOwner(victim.channelId, 'another identity'),
      {status: 409, body: {error: `Tunnel \`${tunnel.id}\` of channel \`${victim.channelId}\` did not ask for a websocket`}},
    ]);
    await assertAllReachTheVictim(tunnel.entrance.port);
  });

  test('reverse, while a request is outstanding: only the owner address and identity may answer it (the residual risk)', async (t) => {
    const {url} = await serverWithUsers(t);
    const victim = await openRawChannel(t, url, {headers: ALICE});
    assert.equal(victim.secret, undefined, 'a 1.0.12 client gets no secret');
    const {tunnel_id: tunnelId} = (await victim.createTunnel({entrance_address: '127.0.0.1', entrance_port: null, reverse: true})) as {tunnel_id: number};
    // The victim answers the request but has not opened its websocket yet.
    const request = await victim.nextRequest();
    assert.deepEqual(request.data, {tunnel_id: tunnelId});
    const path = `/channels/${victim.id}/tunnels/${tunnelId}/connect`;
    const strangers = await Promise.all([
      attemptWebsocket(t, url, path, {headers: ALICE, localAddress: ELSEWHERE}),
      attemptWebsocket(t, url, path, {headers: MALLORY}),
    ]);
    assert.deepEqual(strangers.map(refusal), [notOwner(victim.id, 'another address'), notOwner(victim.id, 'another identity')]);
    // From the owner's address with the owner's identity, the classic wire cannot tell who answers.
    assert.deepEqual(refusal(await attemptWebsocket(t, url, path, {headers: ALICE})), {status: 101, body: 'opened'});
    assert.deepEqual(refusal(await victim.connectTunnel(tunnelId)), {
      status: 409,
      body: {error: `Tunnel \`${tunnelId}\` of channel \`${victim.id}\` did not ask for a websocket`},
    });
  });

  test('forward: refused from another address or identity', async (t) => {
    const {url, echo, defer} = await serverWithUsers(t);
    const victim = await connectClient(url, {auth: new UserAuthClient('alice', USERS.alice), features: []});
    defer(() => victim.close());
    const tunnel = await victim.openTunnelToServer({exitPort: echo.port});
    const path = `/channels/${victim.channelId}/tunnels/${tunnel.id}/connect`;
    const attempts = await Promise.all([
      attemptWebsocket(t, url, path, {headers: ALICE, localAddress: ELSEWHERE}),
      attemptWebsocket(t, url, path, {headers: MALLORY}),
    ]);
    assert.deepEqual(attempts.map(refusal), [notOwner(victim.channelId, 'another address'), notOwner(victim.channelId, 'another identity')]);
    await assertAllReachTheVictim(tunnel.entrance.port);
  });
});

test('without the address check (behind a proxy of several addresses), identity and secret still hold', async (t) => {
  const {url, echo} = await serverWithUsers(t, {ownerAddressCheck: false});
  const ours = await openRawChannel(t, url, {headers: ALICE, features: ['websocket-tokens']});
  const classic = await openRawChannel(t, url, {headers: ALICE});
  const forward = {exit_address: '127.0.0.1', exit_port: echo.port, reverse: false};
  const oursTunnel = (await ours.createTunnel(forward)).tunnel_id as number;
  const classicTunnel = (await classic.createTunnel(forward)).tunnel_id as number;
  const attempts = await Promise.all([
    attemptWebsocket(t, url, `/channels/${ours.id}/tunnels/${oursTunnel}/connect`, {headers: ALICE, localAddress: ELSEWHERE}),
    attemptWebsocket(t, url, `/channels/${ours.id}/tunnels/${oursTunnel}/connect`, {
      headers: {...ALICE, 'x-netunnel-channel-secret': ours.secret!},
      localAddress: ELSEWHERE,
    }),
    attemptWebsocket(t, url, `/channels/${classic.id}/tunnels/${classicTunnel}/connect`, {headers: MALLORY, localAddress: ELSEWHERE}),
    attemptWebsocket(t, url, `/channels/${classic.id}/tunnels/${classicTunnel}/connect`, {headers: ALICE, localAddress: ELSEWHERE}),
  ]);
  assert.deepEqual(attempts.map(refusal), [
    notOwner(ours.id, 'no channel secret'),
    {status: 101, body: 'opened'},
    notOwner(classic.id, 'another identity'),
    {status: 101, body: 'opened'},
  ]);
});

test('an auth plugin whose clientIdentity throws refuses the request', async (t) => {
  class BrokenIdentity extends UserAuthServer {
    override clientIdentity(): string {
      throw new Error('directory unreachable');
    }
  }
  const {server, url} = await startServer({auth: new BrokenIdentity(USERS)});
  t.after(() => server.close());
  assert.deepEqual(await rawJson(url, 'POST', '/channels', {version: '1.0.12'}, {headers: ALICE}), {
    status: 403,
    body: {error: 'Forbidden: the auth plugin could not identify the client'},
  });
  assert.deepEqual(server.channels.all(), []);
});

describe("a channel's REST routes", () => {
  test('another identity or another address can neither create nor delete tunnels on a channel; its owner can', async (t) => {
    const {url, echo, defer} = await serverWithUsers(t);
    const victim = await connectClient(url, {auth: new UserAuthClient('alice', USERS.alice)});
    defer(() => victim.close());
    const tunnel = await victim.openTunnelToServer({exitPort: echo.port});
    const forward = {exit_address: '127.0.0.1', exit_port: echo.port, reverse: false};
    const reverse = {entrance_address: '127.0.0.1', entrance_port: null, reverse: true};
    const tunnels = `/channels/${victim.channelId}/tunnels`;
    const refused = (why: string) => ({status: 403, body: {error: `Forbidden: this request is not from the client of channel \`${victim.channelId}\` (${why})`}});
    const attempts = await Promise.all([
      rawJson(url, 'POST', tunnels, forward, {headers: MALLORY}),
      rawJson(url, 'POST', tunnels, reverse, {headers: MALLORY}),
      rawJson(url, 'POST', tunnels, forward, {headers: ALICE, localAddress: ELSEWHERE}),
      rawJson(url, 'DELETE', `${tunnels}/${tunnel.id}`, {force: true}, {headers: MALLORY}),
      rawJson(url, 'DELETE', `${tunnels}/${tunnel.id}`, {force: true}, {headers: ALICE, localAddress: ELSEWHERE}),
    ]);
    assert.deepEqual(attempts, [
      refused('another identity'),
      refused('another identity'),
      refused('another address'),
      refused('another identity'),
      refused('another address'),
    ]);
    const payload = randomPayload(4096);
    assert.deepEqual(await exchange(tunnel.entrance.port, payload), payload, 'the tunnel is still there');
    // The owner (same address, same identity) may create one of its own, as a 1.0.12 client does.
    const own = await rawJson(url, 'POST', tunnels, forward, {headers: ALICE});
    assert.deepEqual(own, {status: 200, body: {tunnel_id: tunnel.id + 1}});
  });
});
