/**
 * The client's tunnel halves with the stream extension, against our server (both announce it):
 * forward, the client's entrance and the server's exit; reverse, the server's entrance and the
 * client's exit. Half-closes lose nothing (issue 10), resets arrive as resets, and each side's
 * tunnel really speaks the extension (a pool at the entrance).
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {ForwardClientTunnel} from '../../source/client/client-tunnel.js';
import {ReverseServerTunnel} from '../../source/server/channels/server-tunnel.js';
import {deferrer} from '../helpers/cleanup.js';
import {
  answersAfterEof,
  connectionMidStream,
  endingOf,
  startAnswerAfterEofService,
  startHalfOpenEcho,
  wholeEchoesAfterShutdown,
} from '../helpers/half-close.js';
import {openHalfOpen, startHalfOpenService} from '../helpers/half-open.js';
import {eventually} from '../helpers/netunnel.js';
import {within} from '../helpers/streams.js';
import {DIRECTIONS, startPair, startTunnel, type TunnelSetup} from '../helpers/tunnels.js';
import type WebSocket from 'ws';

/** The pool at the tunnel's entrance: the client's (forward) or the server's (reverse). */
function entrancePool(setup: TunnelSetup) {
  const {tunnel, serverTunnel} = setup;
  return tunnel instanceof ForwardClientTunnel ? tunnel.websocketPool : (serverTunnel as ReverseServerTunnel).websocketPool;
}

for (const direction of DIRECTIONS) {
  describe(`${direction}: half-close between our client and our server`, () => {
    test('a service that answers only after EOF gets every answer through: 100 of 100', async (t) => {
      const defer = deferrer(t);
      const service = await startAnswerAfterEofService(defer);
      const setup = await startTunnel(t, direction, service.port);
      assert.ok(entrancePool(setup), 'the tunnel speaks the stream extension');
      assert.equal(await answersAfterEof(defer, setup.entrancePort, 100), 100);
    });

    test('an echo of 256 KiB followed by shutdown comes back whole: 200 of 200', async (t) => {
      const defer = deferrer(t);
      const service = await startHalfOpenEcho(defer);
      const {entrancePort} = await startTunnel(t, direction, service.port);
      assert.equal(await wholeEchoesAfterShutdown(defer, entrancePort, 200, 256 * 1024), 200);
    });

    for (const who of ['application', 'service'] as const) {
      test(`the ${who} resetting mid-stream is seen as a reset at the other end`, async (t) => {
        const defer = deferrer(t);
        const service = await startHalfOpenService(defer);
        const {entrancePort, tunnel, serverTunnel} = await startTunnel(t, direction, service.port);
        const {app, serviceSocket} = await connectionMidStream(defer, service, entrancePort);
        const [resetting, other] = who === 'application' ? [app, serviceSocket] : [serviceSocket, app];
        const seen = endingOf(other);
        resetting.resetAndDestroy();
        assert.equal(await within(seen, 5000, 'the reset at the other end'), 'ECONNRESET');
        await eventually(() => tunnel.traffic.activeConnections === 0 && serverTunnel.traffic.activeConnections === 0, 5000, 'both halves to close it');
        assert.equal(tunnel.traffic.totalConnections, 1);
      });
    }
  });
}

test("classic wire: a connection's start marker leaves before the replacement of its websocket is asked for", async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenEcho(defer);
  const {client} = await startPair(t, {client: {features: []}});
  // What the client does, in order: websockets asked for, and markers sent on them.
  const events: string[] = [];
  const transport = client.transport;
  const openWebsocket = transport.openWebsocket.bind(transport);
  transport.openWebsocket = async (path, headers) => {
    events.push('ask');
    const websocket = await openWebsocket(path, headers);
    const send = websocket.send.bind(websocket) as (data: unknown, ...rest: unknown[]) => void;
    websocket.send = ((data: unknown, ...rest: unknown[]) => {
      if (data === 'pasten') events.push('marker');
      send(data, ...rest);
    }) as WebSocket['send'];
    return websocket;
  };
  const tunnel = await client.openTunnelToServer({exitPort: service.port});
  for (let index = 0; index < 5; index += 1) {
    const app = await openHalfOpen(defer, tunnel.entrance.port);
    // The classic wire ends a connection at its first EOF: the echo comes back before it.
    const echoed = new Promise<Buffer>((resolve) => app.once('data', resolve));
    app.write('x');
    assert.equal((await within(echoed, 5000, 'the echo')).toString(), 'x');
    app.end();
    await eventually(() => events.filter((event) => event === 'ask').length === index + 2, 5000, 'the replacement');
  }
  assert.deepEqual(events, ['ask', ...Array.from({length: 5}, () => ['marker', 'ask']).flat()]);
});
