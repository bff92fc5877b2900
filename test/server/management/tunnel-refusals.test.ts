/**
 * Tunnels the server refuses to create are reported on the stream with what was asked: a
 * destination or a port not allowed, an entrance address not allowed, an entrance port taken.
 * Other failures of the route (an unknown channel, a bad body) are no such refusal.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ServerRefusedError} from '../../../source/client/client-errors.js';
import {deferrer} from '../../helpers/cleanup.js';
import {subscribeEvents} from '../../helpers/event-stream.js';
import {call} from '../../helpers/http.js';
import {connectClient, startServer} from '../../helpers/netunnel.js';
import {PINNED, pinned, timeSince} from '../../helpers/pinned.js';
import {startEchoServer} from '../../helpers/tcp.js';

test('refused destinations and entrances are events with what was asked, the channel and the remote address', async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer({allowedTunnelDestinations: {'127.0.0.1': '22'}});
  defer(() => server.close());
  const taken = await startEchoServer();
  defer(() => taken.close());
  const events = await subscribeEvents(defer, url);
  await events.waitFor('snapshot');
  const client = await connectClient(url);
  defer(() => client.close());
  const started = Date.now();
  const refusals: Array<[() => Promise<unknown>, number, string]> = [
    [() => client.openTunnelToServer({exitAddress: '10.1.1.1', exitPort: 22}), 403, 'Address 10.1.1.1 is not allowed as a tunnel destination'],
    [() => client.openTunnelToServer({exitPort: 23}), 403, 'Port 127.0.0.1:23 is not allowed as a tunnel destination'],
    [() => client.openTunnelToClient({entranceAddress: '0.0.0.0', exitPort: 22}), 403, 'Address 0.0.0.0 is not allowed as a tunnel entrance (allowed: 127.0.0.1)'],
    [() => client.openTunnelToClient({entrancePort: taken.port, exitPort: 22}), 409, `Cannot listen on 127.0.0.1:${taken.port}: the address is already in use`],
  ];
  for (const [attempt, status, message] of refusals) {
    await assert.rejects(attempt(), (error: unknown) => error instanceof ServerRefusedError && error.status === status && error.message === message);
  }
  // Not refusals of what was asked: an unknown channel, a body that does not parse.
  assert.equal((await call(url, 'POST', '/channels/99/tunnels', {exit_address: '10.1.1.1', exit_port: 22, reverse: false})).status, 404);
  assert.equal((await call(url, 'POST', `/channels/${client.channelId}/tunnels`, {exit_address: '10.1.1.1', reverse: false})).status, 400);
  const destination = await events.waitFor('destination.refused', (event) => event.exit.port === 23);
  const entrance = await events.waitFor('entrance.refused', (event) => event.entrance.port === taken.port);
  const at = {at: timeSince(started)};
  const common = {at: PINNED, channel_id: client.channelId, remote_address: '127.0.0.1'};
  assert.deepEqual(
    events.all('destination.refused').map((event) => pinned(event, at)),
    [
      {type: 'destination.refused', ...common, exit: {address: '10.1.1.1', port: 22}, error: refusals[0]![2]},
      {type: 'destination.refused', ...common, exit: {address: '127.0.0.1', port: 23}, error: refusals[1]![2]},
    ],
  );
  assert.deepEqual(
    events.all('entrance.refused').map((event) => pinned(event, at)),
    [
      {type: 'entrance.refused', ...common, entrance: {address: '0.0.0.0', port: null}, error: refusals[2]![2]},
      {type: 'entrance.refused', ...common, entrance: {address: '127.0.0.1', port: taken.port}, error: refusals[3]![2]},
    ],
  );
  assert.ok(destination && entrance);
});
