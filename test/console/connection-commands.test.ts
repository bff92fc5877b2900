/** The connection commands (list, get, close, drain) against real servers: ours, and one without the management API. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import * as connectionCommands from '../../source/console/connection-commands.js';
import {InvalidInputError, UnsupportedByServerError} from '../../source/console/errors.js';
import {closed, echo, holdConnection} from '../helpers/held-connections.js';
import {eventually, startServer} from '../helpers/netunnel.js';
import {randomPayload} from '../helpers/tcp.js';
import {consoleHandleOn, useTunnelledService} from '../helpers/suite-servers.js';

describe('connection commands against our server', () => {
  const suite = useTunnelledService();

  it('lists (all, by channel, by tunnel) and shows a connection with exact bytes; closing it ends both halves', async () => {
    const {service, client, handle} = suite;
    const tunnel = await client.openTunnelToClient({exitPort: service.port});
    const held = await holdConnection(service, tunnel.entrance.port);
    const payload = randomPayload(1234);
    assert.deepEqual(await echo(held, payload), payload);
    const channelId = client.channelId;
    let listed: Awaited<ReturnType<typeof connectionCommands.listConnections>> = [];
    await eventually(async () => {
      listed = await connectionCommands.listConnections(handle);
      return listed.length === 1 && listed[0]!.bytes.received === 1234;
    }, 5000, 'the connection to be listed with its 1234 bytes');
    const [connection] = listed;
    assert.deepEqual([connection!.channel_id, connection!.tunnel_id, connection!.source, connection!.bytes, connection!.state], [
      channelId,
      tunnel.id,
      {address: '127.0.0.1', port: held.app.localPort},
      {sent: 1234, received: 1234},
      'open',
    ]);
    assert.deepEqual((await connectionCommands.listConnections(handle, {channelId})).map((item) => item.id), [connection!.id]);
    assert.deepEqual((await connectionCommands.listConnections(handle, {channelId, tunnelId: tunnel.id})).map((item) => item.id), [connection!.id]);
    assert.equal((await connectionCommands.getConnection(handle, connection!.id)).id, connection!.id);

    await connectionCommands.closeConnection(handle, connection!.id);
    await closed(held.app, 5000, "the application's socket to close");
    await closed(held.exit, 5000, "the exit's socket to close");
    assert.deepEqual(await connectionCommands.listConnections(handle), []);
    await client.closeTunnel(tunnel.id);
  });

  it('drains a tunnel with no connection: it goes at once', async () => {
    const {service, client, handle} = suite;
    const tunnel = await client.openTunnelToClient({exitPort: service.port});
    const answer = await connectionCommands.drainTunnel(handle, {channelId: client.channelId, tunnelId: tunnel.id});
    assert.equal(answer.connections.active, 0);
    await eventually(async () => !(await handle.api.tunnels.list()).some((item) => item.id === tunnel.id && item.channel_id === client.channelId), 5000, 'the drained tunnel to go');
  });

  it('says what is wrong with its input before asking the server', async () => {
    const {handle} = suite;
    const invalid = (field: string, message: string) => (error: unknown) => error instanceof InvalidInputError && error.field === field && error.message === message;
    await assert.rejects(connectionCommands.listConnections(handle, {tunnelId: 1}), invalid('tunnel', 'a tunnel is picked with its channel'));
    await assert.rejects(connectionCommands.getConnection(handle, 0), invalid('connection', 'connection id must be a positive integer'));
    await assert.rejects(connectionCommands.closeConnection(handle, 1.5), invalid('connection', 'connection id must be a positive integer'));
    for (const timeoutMs of [0, -1, 2.5]) {
      await assert.rejects(connectionCommands.drainTunnel(handle, {channelId: 1, tunnelId: 1, timeoutMs}), invalid('timeout', 'the timeout must be a positive whole number of milliseconds'));
    }
  });
});

describe('connection commands against a server without the management API', () => {
  it('each says it needs it', async () => {
    const {server, url} = await startServer({extensions: false});
    const handle = consoleHandleOn(url);
    try {
      const refused = (what: string) => (error: unknown) =>
        error instanceof UnsupportedByServerError && error.message === `${url} cannot ${what}: it has no management API (a NETunnel 1.0.12 server, or netunnel-server --no-extensions)`;
      await assert.rejects(connectionCommands.listConnections(handle), refused('list connections'));
      await assert.rejects(connectionCommands.getConnection(handle, 1), refused('show connections'));
      await assert.rejects(connectionCommands.closeConnection(handle, 1), refused('close connections'));
      await assert.rejects(connectionCommands.drainTunnel(handle, {channelId: 1, tunnelId: 1}), refused('drain tunnels'));
    } finally {
      await handle.close();
      await server.close();
    }
  });
});
