/** Scripted `connections`, `kill-connection` and `drain` against a real server, through a reverse tunnel (the server sees the application's address). */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {closed, echo, holdConnection} from '../../../helpers/held-connections.js';
import {eventually, startServer} from '../../../helpers/netunnel.js';
import {PINNED, pinned, timeSince} from '../../../helpers/pinned.js';
import {NO_MANAGEMENT, scriptedMode} from '../../../helpers/scripted.js';
import {isPortClosed, randomPayload} from '../../../helpers/tcp.js';
import {useTunnelledService} from '../../../helpers/suite-servers.js';

const {scripted} = scriptedMode();

const USAGE_DRAIN = 'Usage: netunnel-tui --no-tui drain CHANNEL TUNNEL [--timeout SECONDS] [options]';

describe('scripted mode: connections, kill-connection, drain', () => {
  const suite = useTunnelledService();

  it('connections lists each open connection with its source and exact bytes; kill-connection cuts both ends', async () => {
    const {url, service, client} = suite;
    const started = Date.now();
    const tunnel = await client.openTunnelToClient({exitPort: service.port});
    const held = await holdConnection(service, tunnel.entrance.port);
    const payload = randomPayload(300);
    assert.deepEqual(await echo(held, payload), payload);
    const source = `127.0.0.1:${held.app.localPort}`;
    const channelId = client.channelId;

    const listed = await scripted(['-s', url, 'connections', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const [connection] = JSON.parse(listed.stdout) as Array<{id: number}>;
    assert.deepEqual(
      pinned(JSON.parse(listed.stdout), {'0.id': (value) => typeof value === 'number', '0.opened_at': timeSince(started), '0.last_activity_at': timeSince(started), '0.idle_ms': (value) => typeof value === 'number', '0.rate': () => true}),
      [
        {
          server_url: url,
          id: PINNED,
          channel_id: channelId,
          tunnel_id: tunnel.id,
          source: {address: '127.0.0.1', port: held.app.localPort},
          opened_at: PINNED,
          last_activity_at: PINNED,
          idle_ms: PINNED,
          state: 'open',
          ended: null,
          bytes: {sent: 300, received: 300},
          rate: PINNED,
        },
      ],
    );
    const id = connection!.id;

    const plain = await scripted(['-s', url, 'connections']);
    const lines = plain.stdout.split('\n');
    assert.deepEqual([plain.code, plain.stderr, lines.length], [0, '', 3]);
    assert.equal(lines[0], `ID  CHANNEL  TUNNEL  SOURCE${' '.repeat(source.length - 6)}  OPENED                SENT  RECEIVED  IDLE  STATE`);
    assert.match(lines[1]!, new RegExp(`^ *${id} +${channelId} +${tunnel.id}  ${source.replace(/\./g, '\\.')}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  300 B     300 B +\\d+s  open$`));

    // The filters: by channel, by tunnel (two spellings), and a tunnel without its channel.
    for (const filter of [['--channel', String(channelId)], ['--channel', String(channelId), '--tunnel', String(tunnel.id)], ['--tunnel', `${channelId}/${tunnel.id}`]]) {
      const result = await scripted(['-s', url, 'connections', '--json', ...filter]);
      assert.deepEqual((JSON.parse(result.stdout) as Array<{id: number}>).map((item) => item.id), [id], filter.join(' '));
    }
    const other = await scripted(['-s', url, 'connections', '--json', '--channel', String(channelId), '--tunnel', String(tunnel.id + 1)]);
    // --json prints what could be read (nothing), as every listing does.
    assert.deepEqual(other, {code: 1, stdout: '[]\n', stderr: `netunnel-tui: Tunnel \`${tunnel.id + 1}\` was not found on channel \`${channelId}\`\n`});
    assert.deepEqual(await scripted(['-s', url, 'connections', '--tunnel', '2']), {
      code: 2,
      stdout: '',
      stderr: 'netunnel-tui: --tunnel needs --channel (or --tunnel CHANNEL/TUNNEL)\nUsage: netunnel-tui --no-tui connections [--channel CHANNEL] [--tunnel TUNNEL] [options]\n',
    });

    const killed = await scripted(['-s', url, 'kill-connection', String(id)]);
    assert.deepEqual(killed, {code: 0, stderr: '', stdout: `Closed connection ${id} from ${source} (tunnel ${tunnel.id} of channel ${channelId})\n`});
    await closed(held.app, 5000, "the application's socket to close");
    await closed(held.exit, 5000, "the exit's socket to close");
    assert.deepEqual(JSON.parse((await scripted(['-s', url, 'connections', '--json'])).stdout), []);
    assert.deepEqual(await scripted(['-s', url, 'kill-connection', String(id)]), {code: 1, stdout: '', stderr: `netunnel-tui: Connection \`${id}\` was not found\n`});
    assert.deepEqual(await scripted(['-s', url, 'kill-connection', 'x']), {
      code: 2,
      stdout: '',
      stderr: 'netunnel-tui: ID must be a positive integer\nUsage: netunnel-tui --no-tui kill-connection ID [options]\n',
    });
    await client.closeTunnel(tunnel.id);
  });

  it('drain lets an open connection finish, whole, refuses new ones, then the tunnel goes', async () => {
    const {server, url, service, client} = suite;
    const tunnel = await client.openTunnelToClient({exitPort: service.port});
    const held = await holdConnection(service, tunnel.entrance.port);
    const channelId = client.channelId;
    const drained = await scripted(['-s', url, 'drain', String(channelId), String(tunnel.id)]);
    assert.deepEqual(drained, {code: 0, stderr: '', stdout: `Draining tunnel ${tunnel.id} of channel ${channelId}: it goes once its 1 open connection ended\n`});
    assert.equal(await isPortClosed(tunnel.entrance.port), true, 'a new connection is refused');
    const tunnels = JSON.parse((await scripted(['-s', url, 'tunnels', '--json'])).stdout) as Array<{id: number; state: string}>;
    assert.equal(tunnels.find((item) => item.id === tunnel.id)?.state, 'draining');
    const again = await scripted(['-s', url, 'drain', String(channelId), String(tunnel.id), '--json']);
    assert.deepEqual(again, {code: 1, stdout: '', stderr: `netunnel-tui: Tunnel \`${tunnel.id}\` of channel \`${channelId}\` is already draining\n`});
    // The open connection goes on: a megabyte both ways, whole.
    const payload = randomPayload(1024 * 1024);
    assert.deepEqual(await echo(held, payload), payload);
    held.app.end();
    await closed(held.app, 5000, 'the drained connection to end');
    await eventually(() => !server.channels.all().some((channel) => channel.tunnels.has(tunnel.id)), 5000, 'the drained tunnel to go');
  });

  it('drain --timeout in whole seconds, --json; bad timeouts are usage errors', async () => {
    const {url, service, client} = suite;
    const tunnel = await client.openTunnelToClient({exitPort: service.port});
    const channelId = client.channelId;
    const drained = await scripted(['-s', url, 'drain', String(channelId), String(tunnel.id), '--timeout', '30', '--json']);
    assert.deepEqual(JSON.parse(drained.stdout), {server_url: url, channel_id: channelId, tunnel_id: tunnel.id, state: 'draining', connections: {active: 0, total: 0}, timeout_ms: 30_000});
    for (const bad of ['0', '1.5', '86401', 'soon']) {
      assert.deepEqual(await scripted(['-s', url, 'drain', '1', '1', '--timeout', bad]), {
        code: 2,
        stdout: '',
        stderr: `netunnel-tui: --timeout must be a whole number of seconds from 1 to 86400\n${USAGE_DRAIN}\n`,
      });
    }
    assert.deepEqual(await scripted(['-s', url, 'drain', '99', '1']), {code: 1, stdout: '', stderr: 'netunnel-tui: Channel `99` was not found\n'});
  });

  it('against a server without the management API: each says it needs it, exit 1', async () => {
    const legacy = await startServer({extensions: false});
    try {
      for (const [argv, what] of [
        [['connections'], 'list connections'],
        [['kill-connection', '1'], 'show connections'],
        [['drain', '1', '1'], 'drain tunnels'],
      ] as const) {
        assert.deepEqual(await scripted(['-s', legacy.url, ...argv]), {
          code: 1,
          stdout: '',
          stderr: `netunnel-tui: ${legacy.url} cannot ${what}: it has no management API ${NO_MANAGEMENT}\n`,
        });
      }
    } finally {
      await legacy.server.close();
    }
  });
});
