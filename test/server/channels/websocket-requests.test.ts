/**
 * A reverse tunnel takes a websocket only in answer to one of its requests. With
 * websocket-tokens, a request's token is one-time, bound to its tunnel, and expires with the
 * request; the channel secret must come along. Spoken to by a raw client that announces the
 * feature and holds on to the tokens, as no real client would.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import type WebSocket from 'ws';
import {statusOf} from '../../../source/server/http/error-status.js';
import {WebsocketRequests} from '../../../source/server/channels/websocket-requests.js';
import {deferrer} from '../../helpers/cleanup.js';
import {startServer} from '../../helpers/netunnel.js';
import {openRawChannel, type Attempt} from '../../helpers/raw-channel.js';
import {within} from '../../helpers/streams.js';
import {openSocket} from '../../helpers/tcp.js';
import {websocketPair} from '../../helpers/websockets.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function refusal(attempt: Attempt) {
  if ('websocket' in attempt) return {status: 101, body: 'opened'};
  return attempt;
}

/** The secret with its last character changed (never to itself: a fixed 'A' is the same one time in 64). */
function otherSecret(secret: string): string {
  return `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
}

function opened(attempt: Attempt): WebSocket {
  if (!('websocket' in attempt)) throw new Error(`refused: ${attempt.status} ${JSON.stringify(attempt.body)}`);
  return attempt.websocket;
}

describe('request tokens on the wire of a reverse tunnel', () => {
  test('a token for another tunnel, a missing, wrong-secret or replayed one is refused; the right one is taken and used', async (t) => {
    const defer = deferrer(t);
    const {server, url} = await startServer();
    defer(() => server.close());
    const channel = await openRawChannel(t, url, {features: ['websocket-tokens']});
    assert.match(channel.secret ?? '', TOKEN);
    const reverse = {entrance_address: '127.0.0.1', entrance_port: null, reverse: true};
    const first = (await channel.createTunnel(reverse)) as {tunnel_id: number; entrance_port: number};
    const firstRequest = await channel.nextRequest();
    const second = (await channel.createTunnel(reverse)) as {tunnel_id: number};
    const secondRequest = await channel.nextRequest();
    assert.deepEqual(Object.keys(firstRequest.data), ['tunnel_id', 'token']);
    assert.equal(firstRequest.data.tunnel_id, first.tunnel_id);
    assert.equal(secondRequest.data.tunnel_id, second.tunnel_id);
    const [firstToken, secondToken] = [firstRequest.data.token as string, secondRequest.data.token as string];
    assert.match(firstToken, TOKEN);
    assert.notEqual(firstToken, secondToken);

    const noSuchToken = {
      status: 403,
      body: {error: `Forbidden: no websocket request of tunnel \`${first.tunnel_id}\` on channel \`${channel.id}\` has this token (missing, used, expired or another's)`},
    };
    assert.deepEqual(refusal(await channel.connectTunnel(first.tunnel_id, {'x-netunnel-token': secondToken})), noSuchToken, "another tunnel's token");
    assert.deepEqual(refusal(await channel.connectTunnel(first.tunnel_id)), noSuchToken, 'no token');
    assert.deepEqual(
      refusal(await channel.connectTunnel(first.tunnel_id, {'x-netunnel-token': firstToken, 'x-netunnel-channel-secret': otherSecret(channel.secret!)})),
      {status: 403, body: {error: `Forbidden: this websocket is not from the client of channel \`${channel.id}\` (wrong channel secret)`}},
    );
    const answer = opened(await channel.connectTunnel(first.tunnel_id, {'x-netunnel-token': firstToken}));
    assert.deepEqual(refusal(await channel.connectTunnel(first.tunnel_id, {'x-netunnel-token': firstToken})), noSuchToken, 'replayed');
    // The failed attempts used up nothing: the second tunnel's token still answers its request.
    opened(await channel.connectTunnel(second.tunnel_id, {'x-netunnel-token': secondToken}));

    // The websocket taken is the one the entrance uses.
    const user = await openSocket(first.entrance_port);
    defer(() => user.destroy());
    const frames: string[] = [];
    const twoFrames = new Promise<void>((resolve) =>
      answer.on('message', (data: Buffer) => {
        frames.push(data.toString());
        if (frames.length === 2) resolve();
      }),
    );
    user.write('hello');
    await within(twoFrames, 10_000, 'two frames');
    assert.deepEqual(frames, ['pasten', 'hello']);
  });
});

describe('WebsocketRequests', () => {
  test('a token expires with its request, and a websocket opening after that is closed', async (t) => {
    const requests = new WebsocketRequests(1, 2, true, 50);
    const expired = requests.open();
    // within(): the request's own timer does not keep a process alive.
    await assert.rejects(within(expired.websocket, 5000, 'the expiry'), {code: 'NETUNNEL_ERR_NO_WEBSOCKET', message: 'The client sent no websocket for tunnel 2 within 50 ms'});
    assert.throws(() => requests.claim(expired.token), (error: unknown) => statusOf(error) === 403);

    // Claimed in time, opened too late (the handshake outlived the request).
    const late = requests.open();
    const onOpen = requests.claim(late.token);
    await assert.rejects(within(late.websocket, 5000, 'the expiry'), {code: 'NETUNNEL_ERR_NO_WEBSOCKET'});
    const pair = await websocketPair();
    t.after(() => pair.close());
    const closed = once(pair.client, 'close');
    onOpen(pair.server);
    assert.equal((await closed)[0], 1000);
  });

  test('without tokens: the oldest request is answered, one websocket each, then 409', async (t) => {
    const requests = new WebsocketRequests(4, 7, false);
    const [older, newer] = [requests.open(), requests.open()];
    assert.deepEqual([older.token, newer.token], [undefined, undefined]);
    const pairs = await Promise.all([websocketPair(), websocketPair()]);
    t.after(() => Promise.all(pairs.map((pair) => pair.close())));
    requests.claim(undefined)(pairs[0]!.server);
    requests.claim(undefined)(pairs[1]!.server);
    assert.equal(await older.websocket, pairs[0]!.server);
    assert.equal(await newer.websocket, pairs[1]!.server);
    assert.throws(
      () => requests.claim(undefined),
      (error: unknown) => statusOf(error) === 409 && error instanceof Error && error.message === 'Tunnel `7` of channel `4` did not ask for a websocket',
    );
  });
});
