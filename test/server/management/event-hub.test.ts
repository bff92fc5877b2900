/**
 * The event hub's own rules (the frames' shapes are in the tests of each producer): the snapshot
 * says when it was taken and lists the open connections but those a `connection.opened` frame
 * is about to bring, and
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

test("the snapshot says when it was taken (a tunnel's connect history ends at that second)", async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer();
  defer(() => server.close());
  const before = Date.now();
  const events = await subscribeEvents(defer, url);
  const snapshot = await events.waitFor('snapshot');
  const after = Date.now();
  assert.match(snapshot.at ?? '', ISO_TIME);
  const at = Date.parse(snapshot.at ?? '');
  assert.ok(at >= before && at <= after, `${snapshot.at} between the subscription and its first frame`);
});

test('the snapshot lists open connections, but not those a later connection.opened frame will bring', async (t) => {
  const defer = deferrer(t);
  const service = await startHalfOpenService(defer);
  const intervalMs = 1000;
  const {url, entrancePort} = await startTunnel(t, 'reverse', service.port, {server: {events: {statsIntervalMs: intervalMs}}});
  const listed = async () => (await call(url, 'GET', '/connections')).body as Array<{id: number; opened_at: string}>;
  await openHalfOpen(defer, entrancePort);
  await within(service.nextSocket(), 5000, 'the first at the service');
  // Nobody listens yet; once the first connection is a whole interval old, it is the snapshot's.
  await eventually(async () => (await listed()).some((item) => Date.now() - Date.parse(item.opened_at) > intervalMs), 5000, 'an interval to pass');
  await openHalfOpen(defer, entrancePort);
  await within(service.nextSocket(), 5000, 'the second at the service');
  const [first, second] = await listed();
  const events = await subscribeEvents(defer, url);
  const snapshot = await events.waitFor('snapshot');
  assert.deepEqual([snapshot.connections?.map((item) => item.id), snapshot.connections_omitted], [[first!.id], 0], `connection ${second!.id} waits for its frame`);
  const opened = await events.waitFor('connection.opened', () => true, 5000);
  assert.deepEqual(opened.connections.map((item) => item.id), [second!.id], 'the second comes once an interval old, the first is not sent again');
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
