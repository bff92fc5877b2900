/** What `y` copies from each kind of row. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {copyTextOf, entranceToDial} from '../../../source/console/tui/copy-text.js';
import {formatTime} from '../../../source/console/format.js';
import {emptyServerView, type TunnelRow} from '../../../source/console/store.js';
import type {ConnectionPaneRow, PeerRow} from '../../../source/console/tui/pane-rows.js';
import {channel, peer, staticTunnel, connectionPaneRow, tunnelRow as quietTunnelRow} from '../../helpers/fake-console-api.js';

const view = emptyServerView('s1', 'lab', 'http://tunnels.example:4040');

function tunnelRow(overrides: Partial<TunnelRow> = {}): TunnelRow {
  return quietTunnelRow(1, 2, {entrance: {address: '127.0.0.1', port: 4022}, exit: {address: '10.0.0.5', port: 22}, ...overrides});
}

function connectionRow(overrides: Partial<ConnectionPaneRow> = {}): ConnectionPaneRow {
  return connectionPaneRow(7, {tunnelId: 2, tunnelKey: '1/2', source: {address: '127.0.0.1', port: 51234}, ...overrides});
}

describe('copy text', () => {
  it('a tunnel exiting on port 22: the ssh command through its entrance', () => {
    assert.deepEqual(copyTextOf(view, {pane: 'tunnels', row: tunnelRow()}), {text: 'ssh -p 4022 127.0.0.1'});
  });

  it('another tunnel: its entrance; a wildcard entrance is dialled where it listens', () => {
    const web = {address: '10.0.0.5', port: 8080};
    assert.deepEqual(copyTextOf(view, {pane: 'tunnels', row: tunnelRow({exit: web})}), {text: '127.0.0.1:4022'});
    assert.deepEqual(copyTextOf(view, {pane: 'tunnels', row: tunnelRow({exit: web, entrance: {address: '::1', port: 4022}})}), {text: '[::1]:4022'});
    // A reverse tunnel's entrance is on the server: at the server's host.
    const reverse = tunnelRow({direction: 'reverse', exit: web, entrance: {address: '0.0.0.0', port: 9000}});
    assert.deepEqual(copyTextOf(view, {pane: 'tunnels', row: reverse}), {text: 'tunnels.example:9000'});
    assert.deepEqual(entranceToDial(emptyServerView('s2', 'v6', 'http://[fd00::1]:4040'), {...reverse, entrance: {address: '::', port: 9000}}), {address: 'fd00::1', port: 9000});
    // A forward tunnel's entrance is on its client.
    assert.deepEqual(copyTextOf(view, {pane: 'tunnels', row: tunnelRow({exit: web, entrance: {address: '0.0.0.0', port: 4023}})}), {text: '127.0.0.1:4023'});
    assert.deepEqual(copyTextOf(view, {pane: 'tunnels', row: tunnelRow({entrance: null})}), {missing: 'Tunnel 1/2 did not say where its entrance is'});
  });

  it("a connection's source, a channel's address, a peer's URL, a static tunnel's local address, an event's line", () => {
    assert.deepEqual(copyTextOf(view, {pane: 'connections', row: connectionRow()}), {text: '127.0.0.1:51234'});
    assert.deepEqual(copyTextOf(view, {pane: 'connections', row: connectionRow({source: null})}), {missing: 'Connection 7 has no known source'});
    const channelRow = {...channel(3, {remote_address: '192.0.2.7'}), key: 'c3', own: false, rtts: []};
    assert.deepEqual(copyTextOf(view, {pane: 'channels', row: channelRow}), {text: '192.0.2.7'});
    assert.deepEqual(copyTextOf(view, {pane: 'channels', row: {...channelRow, remote_address: null}}), {missing: 'Channel 3 has no known address'});
    const owner = peer(4, 'edge');
    assert.deepEqual(copyTextOf(view, {pane: 'peers', row: {key: 'p4', kind: 'peer', peer: owner}}), {text: 'http://10.0.0.4:4040'});
    const staticRow = (address: string): PeerRow => ({key: 'p4/s1', kind: 'static', peer: owner, tunnel: staticTunnel(1, {tunnel_local_address: address}), last: true});
    assert.deepEqual(copyTextOf(view, {pane: 'peers', row: staticRow('127.0.0.1')}), {text: '127.0.0.1:20000'});
    assert.deepEqual(copyTextOf(view, {pane: 'peers', row: staticRow('0.0.0.0')}), {text: 'tunnels.example:20000'});
    const at = '2026-11-27T14:00:00.000Z';
    const event = {key: 'e1', at, type: 'auth.refused' as const, text: 'Refused 10.0.0.9: bad secret', tone: 'warn' as const, address: '10.0.0.9'};
    assert.deepEqual(copyTextOf(view, {pane: 'events', row: event}), {text: `${formatTime(at)} auth.refused Refused 10.0.0.9: bad secret`});
  });

  it('nothing selected', () => {
    assert.deepEqual(copyTextOf(view, undefined), {missing: 'Nothing is selected'});
  });
});
