/** The details of a connection, an event and a tunnel's latencies, line by line. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {formatTime} from '../../../source/console/format.js';
import {emptyServerView, type ServerView, type TunnelRow} from '../../../source/console/store.js';
import {connectionLines, eventLines, slidHistory, tunnelActivityLines} from '../../../source/console/tui/activity-details.js';
import type {ConnectionPaneRow} from '../../../source/console/tui/pane-rows.js';
import {SERVER_INFO, connectionPaneRow, tunnelRow as quietTunnelRow} from '../../helpers/fake-console-api.js';

const OPENED = '2026-11-27T14:00:00.000Z';
const ACTIVE = '2026-11-27T14:01:00.000Z';
const NOW = Date.parse('2026-11-27T14:01:30.000Z');

const ours: ServerView = {...emptyServerView('s1', 'lab', 'http://127.0.0.1:4040'), mode: 'management', info: SERVER_INFO};

function tunnelRow(overrides: Partial<TunnelRow> = {}): TunnelRow {
  return quietTunnelRow(1, 2, {direction: 'reverse', entrance: {address: '0.0.0.0', port: 9000}, exit: {address: '127.0.0.1', port: 8080}, active: 1, total: 5, createdAt: OPENED, ...overrides});
}

function connectionRow(overrides: Partial<ConnectionPaneRow> = {}): ConnectionPaneRow {
  return connectionPaneRow(7, {
    tunnelId: 2,
    tunnelKey: '1/2',
    source: {address: '127.0.0.1', port: 51234},
    openedAt: OPENED,
    lastActivityAt: ACTIVE,
    sent: 1500,
    received: 20,
    rateSent: 2048,
    tunnel: tunnelRow(),
    ...overrides,
  });
}

describe('activity details', () => {
  it("a connection: its route, source, ages by the server's clock, exact bytes, rates", () => {
    assert.deepEqual(connectionLines(ours, connectionRow(), NOW), [
      ['Connection 7'],
      ['Tunnel', '1/2 rev 0.0.0.0:9000 -> 127.0.0.1:8080'],
      ['Source', '127.0.0.1:51234'],
      ['Opened', `${formatTime(OPENED)} (1m ago)`],
      ['Last activity', `${formatTime(ACTIVE)} (idle 30s)`],
      ['State', 'open both ways'],
      ['Sent', '1.5 kB (1500 bytes, entrance to exit)'],
      ['Received', '20 B (20 bytes, back)'],
      ['Rate', '2.0 kB/s sent, - received'],
    ]);
    // The console's clock 20 s ahead of the server's: the same ages.
    assert.deepEqual(connectionLines({...ours, clockOffsetMs: 20_000}, connectionRow(), NOW + 20_000)[4], ['Last activity', `${formatTime(ACTIVE)} (idle 30s)`]);
  });

  it('a half-closed connection says which way ended; an unknown source and a gone tunnel say so', () => {
    const lines = connectionLines(ours, connectionRow({state: 'half-closed', ended: 'sent', source: null, tunnel: undefined, own: true}), NOW);
    assert.deepEqual(lines[0], ["Connection 7 (through this console's own tunnel)"]);
    assert.deepEqual(lines[1], ['Tunnel', '1/2']);
    assert.deepEqual(lines[2], ['Source', '? (not told: a 1.0.12 client, or a forward tunnel without the stream extension)']);
    assert.deepEqual(lines[5], ['State', 'half-closed: the way toward the exit ended, the way back still flows']);
    assert.deepEqual(connectionLines(ours, connectionRow({state: 'half-closed', ended: 'received'}), NOW)[5], ['State', 'half-closed: the way back ended, the way toward the exit still flows']);
    assert.deepEqual(connectionLines(ours, connectionRow({tunnel: tunnelRow({draining: true})}), NOW)[1], ['Tunnel', '1/2 rev 0.0.0.0:9000 -> 127.0.0.1:8080, draining']);
  });

  it("a tunnel: drain state, this server's connect p50/p90 and its last 30 s, open and short-lived connections", () => {
    const connect = {p50: 0.41, p90: 12.5, history: [null, 1, 2, null, 4]};
    const view: ServerView = {
      ...ours,
      connections: [connectionRow()],
      shortLived: {'1/2': {count: 3, aborted: 1, sent: 300, received: 30}},
    };
    assert.deepEqual(tunnelActivityLines(view, tunnelRow({connect, draining: true}), false, NOW), [
      ['State', 'draining: takes no new connection, goes once the open ones ended'],
      ['Connect', "p50 0.41 ms, p90 12.5 ms (this server's part: accept to start sent)"],
      ['Connect, 30 s', ' ▃▅ █  max 4.00 ms'],
      ['Listed now', '1 open connection (Connections pane)'],
      ['Short-lived', '3 closed within a second (1 aborted): 300 B sent, 30 B received'],
    ]);
    assert.deepEqual(tunnelActivityLines(view, tunnelRow({connect: {p50: null, p90: 340.4, history: [null]}, direction: 'forward', key: '1/3'}), true, NOW), [
      ['State', 'open'],
      ['Connect', "p50 -, p90 340 ms (this server's part: start to target connected)"],
      ['Connect, 30 s', '   no connect in the last 30 s'],
      ['Listed now', '0 open connections (Connections pane)'],
    ]);
  });

  it('slidHistory: the history moves left one slot a second after the frame that told it, emptied slots come in', () => {
    const asOf = Date.parse('2026-11-27T14:01:30.400Z');
    const history = [null, 1, 2, null, 4];
    assert.deepEqual(slidHistory(history, asOf, asOf + 500), history, 'the same second');
    assert.deepEqual(slidHistory(history, asOf, asOf + 700), [1, 2, null, 4, null], 'the next second, though less than 1000 ms later');
    assert.deepEqual(slidHistory(history, asOf, asOf + 3000), [null, 4, null, null, null]);
    assert.deepEqual(slidHistory(history, asOf, asOf + 60_000), [null, null, null, null, null], 'all of it gone');
    assert.deepEqual(slidHistory(history, asOf, asOf - 5000), history, 'a clock behind the frame moves nothing');
    assert.deepEqual(slidHistory(history, null, asOf + 60_000), history, 'an older server tells no time: as it came');
  });

  it("a tunnel's connect history slides with the clock between frames, by the server's clock", () => {
    const asOf = Date.parse('2026-11-27T14:01:30.000Z');
    const view: ServerView = {...ours, clockOffsetMs: 20_000};
    const row = tunnelRow({connect: {p50: 2, p90: 4, history: [null, 1, 2, null, 4]}, connectAsOf: asOf});
    const sparkAt = (localNow: number) => tunnelActivityLines(view, row, false, localNow)[2];
    // The console's clock 20 s ahead: as of the frame's own second, nothing moved.
    assert.deepEqual(sparkAt(asOf + 20_000), ['Connect, 30 s', ' ▃▅ █  max 4.00 ms']);
    assert.deepEqual(sparkAt(asOf + 22_000), ['Connect, 30 s', '▅ █    max 4.00 ms']);
    assert.deepEqual(sparkAt(asOf + 26_000), ['Connect, 30 s', '       no connect in the last 30 s']);
  });

  it("nothing of it from a server without the connections API", () => {
    const legacy: ServerView = {...emptyServerView('s2', 'old', 'http://127.0.0.1:4041'), mode: 'legacy'};
    assert.deepEqual(tunnelActivityLines(legacy, tunnelRow(), false, NOW), []);
    assert.deepEqual(tunnelActivityLines({...ours, info: {...SERVER_INFO, features: ['management-api', 'events']}}, tunnelRow(), false, NOW), []);
  });

  it('an event: its time, its text wrapped to 58 columns, its address', () => {
    const text = 'Refused authentication from 203.0.113.9: POST /channels with a secret that does not match';
    assert.deepEqual(eventLines({key: 'e1', at: OPENED, type: 'auth.refused', text, tone: 'error', address: '203.0.113.9'}), [
      ['Event auth.refused'],
      ['Time', formatTime(OPENED)],
      ['What', 'Refused authentication from 203.0.113.9: POST /channels'],
      ['', 'with a secret that does not match'],
      ['Address', '203.0.113.9'],
    ]);
    assert.deepEqual(eventLines({key: 'e2', at: OPENED, type: 'peer.removed', text: 'Peer "b" removed', tone: 'muted', address: null}).at(-1), ['Address', '-']);
  });
});
