/**
 * The owner check of a channel's routes reports each stranger it refuses on the event stream:
 * a control or tunnel websocket, a tunnel created, from another address. The owner's own
 * websockets and requests, and an unknown channel, are no such refusal.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {deferrer} from '../../helpers/cleanup.js';
import {subscribeEvents} from '../../helpers/event-stream.js';
import {startServer} from '../../helpers/netunnel.js';
import {PINNED, pinned, timeSince} from '../../helpers/pinned.js';
import {rawRequest} from '../../helpers/raw-http.js';
import {rawUpgrade} from '../../helpers/raw-websocket.js';
import {startEchoServer} from '../../helpers/tcp.js';
import {openChannel, openForwardTunnel, tunnelWebsocket} from '../hostile/attacks/raw-session.js';

test("strangers refused by a channel's owner check are events with the channel, their address and what they tried", async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer();
  defer(() => server.close());
  const port = server.address!.port;
  const echo = await startEchoServer();
  defer(() => echo.close());
  const events = await subscribeEvents(defer, url);
  await events.waitFor('snapshot');
  const started = Date.now();
  const {channelId, control} = await openChannel(port);
  defer(() => control.destroy());
  const tunnelId = await openForwardTunnel(port, channelId, echo.port);
  const own = await tunnelWebsocket(port, channelId, tunnelId);
  defer(() => own.destroy());

  const stranger = {localAddress: '127.0.0.2'};
  const tunnelPath = `/channels/${channelId}/tunnels/${tunnelId}/connect`;
  assert.equal((await rawUpgrade(port, `${tunnelPath}?x=1`, undefined, 'GET', stranger)).status, 403);
  assert.equal((await rawUpgrade(port, `/channels/${channelId}/connect`, undefined, 'GET', stranger)).status, 403);
  const body = {exit_address: '127.0.0.1', exit_port: 22, reverse: false};
  assert.equal((await rawRequest(url, 'POST', `/channels/${channelId}/tunnels`, {body, ...stranger})).status, 403);
  assert.equal((await rawUpgrade(port, '/channels/99/tunnels/1/connect', undefined, 'GET', stranger)).status, 404);
  await events.waitFor('owner.refused', (event) => event.kind === 'request');

  const refused = (kind: 'websocket' | 'request') =>
    `Forbidden: this ${kind} is not from the client of channel \`${channelId}\` (another address)`;
  const common = {type: 'owner.refused', at: PINNED, channel_id: channelId, remote_address: '127.0.0.2'};
  assert.deepEqual(
    events.all('owner.refused').map((event) => pinned(event, {at: timeSince(started)})),
    [
      {...common, kind: 'websocket', path: tunnelPath, error: refused('websocket')},
      {...common, kind: 'websocket', path: `/channels/${channelId}/connect`, error: refused('websocket')},
      {...common, kind: 'request', path: `/channels/${channelId}/tunnels`, error: refused('request')},
    ],
  );
});
