/**
 * The event hub's own rules (the frames' shapes are in the tests of each producer): the snapshot
 * lists the open connections but those a `connection.opened` frame is about to bring, and
 * refusals past the budget are counted in one `events.suppressed` frame per interval.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {deferrer} from '../../helpers/cleanup.js';
import {subscribeEvents} from '../../helpers/event-stream.js';
import {call} from '../../helpers/http.js';
import {HeaderAuthClient, HeaderAuthServer} from '../../helpers/header-auth.js';
import {openHalfOpen, startHalfOpenService} from '../../helpers/half-open.js';
import {eventually, startServer} from '../../helpers/netunnel.js';
import {ISO_TIME, PINNED, pinned} from '../../helpers/pinned.js';
import {within} from '../../helpers/streams.js';
import {startTunnel} from '../../helpers/tunnels.js';

test('the snapshot lists open connections, but not those its next connection.opened frame will bring', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  // No tick during the test: what waits for a frame keeps waiting.
  const {server, url, entrancePort} = await startTunnel(t, 'reverse', service.port, {server: {events: {statsIntervalMs: 600_000}}});
  const ids = async () => ((await call(url, 'GET', '/connections')).body as Array<{id: number}>).map((item) => item.id);
  await openHalfOpen(defer, entrancePort);
  await eventually(async () => (await ids()).length === 1, 5000, 'the first connection');
  // Nobody listened when it opened: the first subscriber's snapshot has it, no frame will.
  const first = await subscribeEvents(defer, url);
  const snapshot = await first.waitFor('snapshot');
  assert.deepEqual([snapshot.connections?.map((item) => item.id), snapshot.connections_omitted], [await ids(), 0]);
  await openHalfOpen(defer, entrancePort);
  await within(service.nextSocket(), 5000, 'the first at the service');
  await within(service.nextSocket(), 5000, 'the second at the service');
  await eventually(async () => (await ids()).length === 2, 5000, 'the second connection');
  const [firstId, secondId] = await ids();
  const later = server.events.snapshot();
  assert.ok(later.type === 'snapshot');
  assert.deepEqual(later.connections?.map((item) => item.id), [firstId], `connection ${secondId} waits for its frame`);
});

test('refusals past the budget of an interval are counted in one events.suppressed frame', async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer({auth: new HeaderAuthServer('s3cret'), events: {statsIntervalMs: 200, maxRefusalsPerInterval: 5}});
  defer(() => server.close());
  const events = await subscribeEvents(defer, url, new HeaderAuthClient('s3cret').getAuthorizedHeaders());
  await events.waitFor('snapshot');
  const answers = await Promise.all(Array.from({length: 30}, () => call(url, 'GET', '/tunnels')));
  assert.ok(answers.every((answer) => answer.status === 403));
  const listed = () => events.all('auth.refused').length;
  const suppressed = () => events.all('events.suppressed').reduce((total, event) => total + (event.counts['auth.refused'] ?? 0), 0);
  await eventually(() => listed() + suppressed() === 30, 5000, 'every refusal, sent or counted');
  assert.ok(suppressed() > 0, 'thirty refusals at once exceed a budget of five');
  const frame = events.all('events.suppressed')[0]!;
  assert.deepEqual(pinned(frame, {at: ISO_TIME}), {type: 'events.suppressed', at: PINNED, counts: {'auth.refused': frame.counts['auth.refused']}});
});
