/** The confirmations of closing a connection and draining a tunnel, against a real server. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import type {TunnelRow} from '../../../source/console/store.js';
import {closeConnectionConfirm, drainConfirm} from '../../../source/console/tui/connection-actions.js';
import type {ConnectionPaneRow} from '../../../source/console/tui/pane-rows.js';
import {tunnelRow as quietTunnelRow} from '../../helpers/fake-console-api.js';
import {closed, holdConnection} from '../../helpers/held-connections.js';
import {eventually} from '../../helpers/netunnel.js';
import {useTunnelledService} from '../../helpers/suite-servers.js';

function tunnelRow(channelId: number, id: number, entrancePort: number, exitPort: number, active: number): TunnelRow {
  return quietTunnelRow(channelId, id, {direction: 'reverse', entrance: {address: '127.0.0.1', port: entrancePort}, exit: {address: '127.0.0.1', port: exitPort}, active, total: active});
}

describe('connection actions', () => {
  const suite = useTunnelledService();

  it('closing a connection says what it cuts, then cuts both halves', async () => {
    const {service, client, handle} = suite;
    const tunnel = await client.openTunnelToClient({exitPort: service.port});
    const held = await holdConnection(service, tunnel.entrance.port);
    const [listed] = await handle.api.connections.list({});
    const row: ConnectionPaneRow = {
      key: `#${listed!.id}`, id: listed!.id, channelId: client.channelId, tunnelId: tunnel.id, tunnelKey: `${client.channelId}/${tunnel.id}`,
      source: {address: '127.0.0.1', port: held.app.localPort!}, openedAt: listed!.opened_at, lastActivityAt: listed!.last_activity_at,
      state: 'open', ended: null, sent: 1500, received: 20, rateSent: 0, rateReceived: 0, own: false,
      tunnel: tunnelRow(client.channelId, tunnel.id, tunnel.entrance.port, service.port, 1),
    };
    const spec = closeConnectionConfirm(handle, row);
    assert.equal(spec.title, `Close connection ${listed!.id}?`);
    assert.deepEqual(spec.lines, [
      `From 127.0.0.1:${held.app.localPort} through tunnel ${row.tunnelKey} (rev 127.0.0.1:${tunnel.entrance.port} -> 127.0.0.1:${service.port})`,
      '1.5 kB sent, 20 B received so far.',
      'The server cuts both halves: the application and the exit both see it end.',
    ]);
    assert.deepEqual(await spec.run(), {text: `Connection ${listed!.id} closed`, tone: 'ok'});
    await closed(held.app, 5000, "the application's socket to close");
    await closed(held.exit, 5000, "the exit's socket to close");
    await client.closeTunnel(tunnel.id);
  });

  it('draining a tunnel says what happens, then the tunnel goes once its connection ended', async () => {
    const {server, service, client, handle} = suite;
    const tunnel = await client.openTunnelToClient({exitPort: service.port});
    const held = await holdConnection(service, tunnel.entrance.port);
    const row = tunnelRow(client.channelId, tunnel.id, tunnel.entrance.port, service.port, 1);
    const spec = drainConfirm(handle, row);
    assert.equal(spec.title, `Drain tunnel ${row.key}?`);
    assert.deepEqual(spec.lines, [
      `reverse 127.0.0.1:${tunnel.entrance.port} -> 127.0.0.1:${service.port}, 1 connection open`,
      'It takes no new connection from now on; the open ones run to their end, then it goes.',
      'd on it afterwards tears it down at once, cutting what is left.',
    ]);
    assert.deepEqual(await spec.run(), {text: `Tunnel ${row.key} draining: it goes once its 1 open connection ended`, tone: 'warn'});
    held.app.end();
    await closed(held.app, 5000, 'the drained connection to end');
    await eventually(() => !server.channels.all().some((channel) => channel.tunnels.has(tunnel.id)), 5000, 'the drained tunnel to go');
  });
});
