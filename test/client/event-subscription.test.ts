/**
 * `/events` frames are parsed like answers: a type this client does not know (a newer
 * server's) is skipped, a known one that does not fit breaks the stream, which reconnects and
 * says why.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {EventSubscription, type SubscriptionState} from '../../source/client/event-subscription.js';
import {ServerTransport} from '../../source/client/server-transport.js';
import type {ServerEvent} from '../../source/protocol/server-events.js';
import {startAnsweringServer} from '../helpers/answering-server.js';
import {within} from '../helpers/streams.js';

test('an unknown frame type is skipped, a known one that does not fit reconnects with the field named', async (t) => {
  const frames = [
    JSON.stringify({type: 'future.thing', thing: {id: 1}}),
    JSON.stringify({type: 'peer.removed', peer_id: 3}),
    JSON.stringify({type: 'channel.closed', channel_id: 'one'}),
    JSON.stringify({type: 'peer.removed', peer_id: 4}),
  ];
  const server = await startAnsweringServer(t, {}, frames);
  const transport = new ServerTransport({serverUrl: server.url});
  const events: ServerEvent[] = [];
  const states: Array<[SubscriptionState, string | undefined]> = [];
  let reconnecting!: () => void;
  const reconnected = new Promise<void>((resolve) => (reconnecting = resolve));
  const subscription = new EventSubscription(
    transport,
    (event) => events.push(event),
    (state, detail) => {
      states.push([state, detail]);
      if (state === 'reconnecting') reconnecting();
    },
    {initialDelayMs: 20, maxDelayMs: 20},
  );
  t.after(() => {
    subscription.close();
    transport.close();
  });
  await within(reconnected, 5000, 'the broken stream to reconnect');
  assert.deepEqual(events, [{type: 'peer.removed', peer_id: 3}], 'nothing after the frame that does not fit');
  assert.deepEqual(states.slice(0, 3), [
    ['connecting', undefined],
    ['open', undefined],
    ['reconnecting', 'GET /events answered an unexpected body: channel.closed frame: channel_id: expected number'],
  ]);
});
