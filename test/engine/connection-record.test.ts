/** The live record of one connection: which way bytes go at each end, and its states. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ConnectionRecord} from '../../source/engine/connection-record.js';
import {TunnelTraffic} from '../../source/engine/traffic.js';

test("at the entrance the socket's bytes go to the exit; at the exit they go back to the entrance", () => {
  for (const [end, fromSocket, toSocket] of [
    ['entrance', 'bytesToExit', 'bytesToEntrance'],
    ['exit', 'bytesToEntrance', 'bytesToExit'],
  ] as const) {
    const traffic = new TunnelTraffic();
    const record = new ConnectionRecord(7, end, undefined, traffic);
    record.socketToWebsocket(10);
    record.socketToWebsocket(5);
    record.websocketToSocket(3);
    assert.equal(record[fromSocket], 15, end);
    assert.equal(record[toSocket], 3, end);
    assert.equal(traffic[fromSocket], 15, `${end}: the tunnel counts the same bytes`);
    assert.equal(traffic[toSocket], 3, end);
  }
});

test('every byte moves the last activity time', async () => {
  const record = new ConnectionRecord(1, 'entrance', undefined, new TunnelTraffic());
  const opened = record.lastActivityAt;
  assert.equal(opened, record.openedAt);
  await new Promise((resolve) => setTimeout(resolve, 5));
  record.websocketToSocket(1);
  assert.ok(record.lastActivityAt > opened);
});

test('open, half-closed with the first direction that ended, then closed clean or aborted', () => {
  const entrance = new ConnectionRecord(1, 'entrance', {address: '10.0.0.1', port: 1234}, new TunnelTraffic());
  assert.equal(entrance.state, 'open');
  entrance.socketEnded();
  assert.deepEqual([entrance.state, entrance.endedDirection], ['half-closed', 'to-exit']);
  entrance.websocketEnded();
  assert.deepEqual([entrance.state, entrance.endedDirection], ['half-closed', 'to-exit'], 'the first direction that ended stays');
  entrance.closed(false);
  assert.deepEqual([entrance.state, entrance.aborted], ['closed', false]);
  assert.ok(entrance.closedAt! >= entrance.openedAt);

  const exit = new ConnectionRecord(2, 'exit', undefined, new TunnelTraffic());
  exit.socketEnded();
  assert.equal(exit.endedDirection, 'to-entrance', "at the exit the socket's EOF ends the way back");
  exit.closed(true);
  exit.closed(false);
  assert.deepEqual([exit.state, exit.aborted], ['closed', true], 'the first close is the one that counts');
});

test('destroy() cuts through the pipe that carries the connection', async () => {
  const record = new ConnectionRecord(1, 'exit', undefined, new TunnelTraffic());
  record.destroy();
  let cut = 0;
  const done = Promise.resolve();
  record.carriedBy({done, destroy: () => (cut += 1)});
  record.destroy();
  assert.equal(cut, 1);
  assert.equal(record.done, done);
});

test('the connect time is kept on the record and recorded as a sample of the tunnel', () => {
  const traffic = new TunnelTraffic();
  const record = new ConnectionRecord(1, 'exit', undefined, traffic);
  assert.equal(record.connectMs, undefined);
  assert.deepEqual(traffic.connectTimes.percentiles(), {p50: null, p90: null});
  record.connected(2.5);
  assert.equal(record.connectMs, 2.5);
  assert.deepEqual(traffic.connectTimes.percentiles(), {p50: 2.5, p90: 2.5});
});
