/** Scripted `watch` against a real server: events as JSON lines until interrupted. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {SecretClientAuth, SecretServerAuth} from '../../../../source/auth/secret-auth.js';
import {holdConnection, startEchoingService} from '../../../helpers/held-connections.js';
import {call} from '../../../helpers/http.js';
import {PINNED, pinned, timeSince} from '../../../helpers/pinned.js';
import {connectClient, eventually, startServer} from '../../../helpers/netunnel.js';
import {exchange, randomPayload} from '../../../helpers/tcp.js';
import {scriptedMode} from '../../../helpers/scripted.js';
import {useServerAndEcho} from '../../../helpers/suite-servers.js';
import {within} from '../../../helpers/streams.js';

const {scripted, startScripted} = scriptedMode();

describe('scripted mode: watch', () => {
  const suite = useServerAndEcho();

  it('watch: the events of a scripted sequence, one JSON object per line, until interrupted', async () => {
    const {server, url, echo} = suite;
    const {server: peerServer, url: peerUrl} = await startServer();
    const watch = startScripted(['-s', url, 'watch', '--no-stats']);
    try {
      const watchedFrom = Date.now();
      const [first] = await watch.waitForLines(1);
      const snapshot = JSON.parse(first!) as Record<string, unknown>;
      assert.deepEqual(pinned(snapshot, {at: timeSince(watchedFrom)}), {
        server_url: url,
        type: 'snapshot',
        at: PINNED,
        server: server.serverInfo(),
        channels: [],
        tunnels: [],
        peers: [],
        connections: [],
        connections_omitted: 0,
      });

      const client = await connectClient(url);
      const tunnel = await client.openTunnelToServer({exitPort: echo.port});
      await exchange(tunnel.entrance.port, Buffer.from('ping'));
      await client.closeTunnel(tunnel.id);
      await client.close();
      assert.equal((await scripted(['-s', url, 'peer', 'add', 'watched', peerUrl])).code, 0);
      assert.equal((await scripted(['-s', url, 'peer', 'rm', 'watched'])).code, 0);
      await eventually(() => watch.lines().some((line) => line.includes('"type":"peer.removed"')), 10_000, 'peer.removed');
      // The connection's own frames (connection.opened / closed) come once per tick: not part of the sequence.
      const events = watch
        .lines()
        .map((line) => JSON.parse(line) as Record<string, unknown> & {type: string})
        .filter((event) => !event.type.startsWith('connection.'));
      assert.ok(events.every((event) => event.server_url === url));
      assert.deepEqual(
        events.map((event) => event.type),
        ['snapshot', 'channel.opened', 'tunnel.created', 'tunnel.deleted', 'channel.closed', 'peer.added', 'peer.removed'],
      );
      assert.equal((events[1]!.channel as {id: number}).id, client.channelId);
      assert.deepEqual(events[3], {server_url: url, type: 'tunnel.deleted', channel_id: client.channelId, tunnel_id: tunnel.id});
      assert.equal((events[5]!.peer as {name: string}).name, 'watched');
      watch.stop();
      const result = await within(watch.done, 10_000, 'watch to end');
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
    } finally {
      watch.stop();
      await peerServer.close();
    }
  });

  it('watch without --no-stats prints the counters as they move', async () => {
    const {url, echo} = suite;
    const client = await connectClient(url);
    const watch = startScripted(['-s', url, 'watch']);
    try {
      await watch.waitForLines(1);
      const tunnel = await client.openTunnelToServer({exitPort: echo.port});
      await exchange(tunnel.entrance.port, randomPayload(1000));
      await eventually(() => watch.lines().some((line) => line.includes('"type":"stats"') && line.includes('"sent":1000')), 10_000, 'a stats line');
    } finally {
      watch.stop();
      await within(watch.done, 10_000, 'watch to end');
      await client.close();
    }
  });
});

describe('scripted mode: watch, the connections API and refusals', () => {
  it('prints auth.refused with the address, connection.opened/closed, tunnel.draining and the deletion after it', async () => {
    const secret = 'watch-s3cret';
    const {server, url} = await startServer({auth: new SecretServerAuth({secret}), events: {statsIntervalMs: 100}});
    const service = await startEchoingService();
    const client = await connectClient(url, {auth: new SecretClientAuth({secret})});
    const watch = startScripted(['-s', url, '--auth-plugin', 'secret', '--auth-data', JSON.stringify({secret}), 'watch', '--no-stats']);
    try {
      await watch.waitForLines(1);
      const started = Date.now();
      const events = () => watch.lines().map((line) => JSON.parse(line) as Record<string, unknown> & {type: string});
      const seen = (type: string) => eventually(() => events().some((event) => event.type === type), 10_000, type);
      assert.equal((await call(url, 'GET', '/tunnels')).status, 403);
      await seen('auth.refused');
      const tunnel = await client.openTunnelToClient({exitPort: service.port});
      const held = await holdConnection(service, tunnel.entrance.port);
      const sourcePort = held.app.localPort;
      await seen('connection.opened');
      const drained = await scripted(['-s', url, '--auth-plugin', 'secret', '--auth-data', JSON.stringify({secret}), 'drain', String(client.channelId), String(tunnel.id)]);
      assert.equal(drained.code, 0, drained.stderr);
      await seen('tunnel.draining');
      held.app.end();
      await seen('tunnel.deleted');
      const byType = (type: string) => events().find((event) => event.type === type)!;
      assert.deepEqual(pinned(byType('auth.refused'), {at: timeSince(started)}), {server_url: url, type: 'auth.refused', at: PINNED, remote_address: '127.0.0.1', method: 'GET', path: '/tunnels'});
      assert.deepEqual(pinned(byType('tunnel.draining'), {at: timeSince(started)}), {server_url: url, type: 'tunnel.draining', at: PINNED, channel_id: client.channelId, tunnel_id: tunnel.id});
      const anyNumber = (value: unknown) => typeof value === 'number';
      assert.deepEqual(
        pinned(byType('connection.opened'), {
          at: timeSince(started),
          'connections.0.id': anyNumber,
          'connections.0.opened_at': timeSince(started),
          'connections.0.last_activity_at': timeSince(started),
          'connections.0.idle_ms': anyNumber,
        }),
        {
          server_url: url,
          type: 'connection.opened',
          at: PINNED,
          connections: [
            {
              id: PINNED,
              channel_id: client.channelId,
              tunnel_id: tunnel.id,
              source: {address: '127.0.0.1', port: sourcePort},
              opened_at: PINNED,
              last_activity_at: PINNED,
              idle_ms: PINNED,
              state: 'open',
              ended: null,
              bytes: {sent: 0, received: 0},
              rate: {sent: 0, received: 0},
            },
          ],
          omitted: 0,
        },
      );
      const order = events().map((event) => event.type).filter((type) => ['tunnel.draining', 'connection.closed', 'tunnel.deleted'].includes(type));
      assert.deepEqual(order, ['tunnel.draining', 'connection.closed', 'tunnel.deleted'], 'the last connection is reported before its tunnel goes');
    } finally {
      watch.stop();
      await within(watch.done, 10_000, 'watch to end');
      await client.close();
      await server.close();
      await service.close();
    }
  });
});
