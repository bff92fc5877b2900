/** Scripted reading commands (status, channels, tunnels, peers, static-tunnels) against real servers: tables, plain text, JSON, exit codes. */
import {describe, it, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {formatTime} from '../../../../source/console/format.js';
import type {NetunnelClient} from '../../../../source/client/netunnel-client.js';
import type {NetunnelServer} from '../../../../source/server/netunnel-server.js';
import {connectClient, eventually, startServer} from '../../../helpers/netunnel.js';
import {exchange, freePort, randomPayload, startEchoServer, type TcpService} from '../../../helpers/tcp.js';
import {NO_MANAGEMENT, scriptedMode} from '../../../helpers/scripted.js';

const {scripted} = scriptedMode();

describe('scripted mode: reading a server', () => {
  let server: NetunnelServer;
  let url: string;
  let legacy: {server: NetunnelServer; url: string};
  let echo: TcpService;
  let client: NetunnelClient;

  before(async () => {
    ({server, url} = await startServer());
    legacy = await startServer({extensions: false});
    echo = await startEchoServer();
    client = await connectClient(url);
  });
  after(async () => {
    await client.close();
    await server.close();
    await legacy.server.close();
    await echo.close();
  });

  it('status: our server and a 1.0.12-like one, as plain text, JSON and a table', async () => {
    const [plain, json, table, ascii] = await Promise.all([
      scripted(['status', '-s', url, '--server', legacy.url]),
      scripted(['--json', 'status', '-s', url, '-s', legacy.url]),
      scripted(['status', '-s', legacy.url], {tty: true}),
      scripted(['status', '-s', legacy.url, '--ascii'], {tty: true}),
    ]);
    assert.equal(plain.code, 0);
    assert.equal(plain.stderr, '');
    const name = (serverUrl: string) => new URL(serverUrl).host;
    const [header, ours, old] = plain.stdout.split('\n');
    assert.match(header!, /^NAME +URL +PROTOCOL +IMPLEMENTATION +RTT +HOSTNAME +STARTED$/);
    const started = formatTime(server.serverInfo().started_at);
    assert.match(ours!, new RegExp(`^${name(url)}  ${url}  1\\.0\\.12 +netunnel-ts 0\\.1\\.0 +\\d+ms  \\S+ +${started}$`));
    assert.match(old!, new RegExp(`^${name(legacy.url)}  ${legacy.url}  1\\.0\\.12 +no management API +\\d+ms  - +-$`));

    assert.equal(json.code, 0);
    const documents = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      documents.map(({round_trip_ms, ...rest}) => (assert.equal(typeof round_trip_ms, 'number'), rest)),
      [
        {server_url: url, name: name(url), version: '1.0.12', management_api: true, info: server.serverInfo()},
        {server_url: legacy.url, name: name(legacy.url), version: '1.0.12', management_api: false, info: null},
      ],
    );

    assert.equal(table.code, 0);
    const rows = table.stdout.split('\n');
    assert.match(rows[0]!, /^┌─+┬─+┬/);
    assert.match(rows[1]!, /^│ NAME +│ URL +│ PROTOCOL │ IMPLEMENTATION +│ +RTT │ HOSTNAME │ STARTED │$/);
    assert.match(rows[3]!, new RegExp(`^│ ${name(legacy.url)} │ ${legacy.url} │ 1\\.0\\.12 +│ no management API │ +\\d+ms │ - +│ - +│$`));
    assert.match(rows[4]!, /^└─+┴/);
    const asciiRows = ascii.stdout.split('\n');
    assert.match(asciiRows[0]!, /^\+-+\+-+\+/);
    assert.match(asciiRows[1]!, /^\| NAME +\| URL +\| PROTOCOL \|/);
    assert.equal(asciiRows.length, 6);
  });

  it('status: a server that cannot be reached exits 1 with one line; the others are still shown', async () => {
    const port = await freePort();
    const down = `http://127.0.0.1:${port}`;
    const [alone, mixed] = await Promise.all([scripted(['status', '-s', down]), scripted(['status', '-s', url, '-s', down])]);
    assert.deepEqual(alone, {code: 1, stdout: '', stderr: `netunnel-tui: Cannot reach ${down}: connect ECONNREFUSED 127.0.0.1:${port}\n`});
    assert.equal(mixed.code, 1);
    assert.equal(mixed.stdout.split('\n').length, 3, 'the header, the reachable server, the final newline');
    assert.equal(mixed.stderr, `netunnel-tui: 127.0.0.1:${port}: Cannot reach ${down}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it('channels and tunnels: plain, JSON, and a SERVER column with several servers', async () => {
    const tunnel = await client.openTunnelToServer({exitPort: echo.port});
    await exchange(tunnel.entrance.port, randomPayload(500));
    const channel = server.channels.all().find((candidate) => candidate.id === client.channelId)!;
    const traffic = channel.tunnels.get(tunnel.id)!.traffic;
    await eventually(() => traffic.bytesToEntrance === 500 && traffic.activeConnections === 0, 5000, 'the echo to be counted and its connection to end');
    try {
      const [channels, tunnels, channelsJson, tunnelsJson, both] = await Promise.all([
        scripted(['channels', '-s', url]),
        scripted(['tunnels', '-s', url]),
        scripted(['channels', '-s', url, '--json']),
        scripted(['tunnels', '-s', url, '--json']),
        scripted(['tunnels', '-s', url, '-s', url]),
      ]);
      const info = channel.connectedAt!;
      assert.deepEqual(channels, {
        code: 0,
        stderr: '',
        stdout:
          'ID  CLIENT                REMOTE     CONNECTED  SINCE                TUNNELS\n' +
          ` ${client.channelId}  1.0.12 (netunnel-ts)  127.0.0.1  yes        ${formatTime(info.toISOString())}        1\n`,
      });
      const created = formatTime(tunnel.createdAt.toISOString()).length;
      const entrance = `127.0.0.1:${tunnel.entrance.port}`;
      const exit = `127.0.0.1:${echo.port}`;
      assert.equal(tunnels.code, 0);
      const [header, row] = tunnels.stdout.split('\n');
      assert.equal(header, `CHANNEL  ID  DIRECTION  ENTRANCE${' '.repeat(entrance.length - 6)}EXIT${' '.repeat(exit.length - 2)}ACTIVE  TOTAL   SENT  RECEIVED  CREATED`);
      assert.match(row!, new RegExp(`^ {6}${client.channelId} {3}1  forward    ${entrance}  ${exit}  {6}0 {6}1  500 B {5}500 B  .{${created}}$`));

      const listed = JSON.parse(channelsJson.stdout) as Array<Record<string, unknown>>;
      assert.equal(listed.length, 1);
      assert.deepEqual(Object.keys(listed[0]!), [
        'server_url',
        'id',
        'client_version',
        'client_features',
        'remote_address',
        'connected',
        'created_at',
        'connected_at',
        'last_seen',
        'tunnel_count',
        'heartbeat',
      ]);
      assert.equal(listed[0]!.server_url, url);
      assert.equal(listed[0]!.id, client.channelId);
      const [listedTunnel] = JSON.parse(tunnelsJson.stdout) as Array<Record<string, unknown>>;
      assert.deepEqual(listedTunnel, {
        server_url: url,
        channel_id: client.channelId,
        id: tunnel.id,
        direction: 'forward',
        entrance: {address: '127.0.0.1', port: tunnel.entrance.port},
        exit: {address: '127.0.0.1', port: echo.port},
        connections: {active: 0, total: 1},
        bytes: {sent: 500, received: 500},
        durations_ms: listedTunnel!.durations_ms,
        created_at: listedTunnel!.created_at,
        state: 'open',
        connect_ms: listedTunnel!.connect_ms,
      });

      const name = new URL(url).host;
      const lines = both.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 3);
      assert.match(lines[0]!, /^SERVER +CHANNEL  ID  DIRECTION/);
      assert.ok(lines[1]!.startsWith(`${name}  `) && lines[2]!.startsWith(`${name}  `));
    } finally {
      await client.closeTunnel(tunnel.id);
    }
  });

  it('an empty listing prints its header (plain) or an empty list (JSON)', async () => {
    const {server: empty, url: emptyUrl} = await startServer();
    try {
      const [peers, json] = await Promise.all([scripted(['peers', '-s', emptyUrl]), scripted(['peers', '-s', emptyUrl, '--json'])]);
      assert.deepEqual(peers, {code: 0, stderr: '', stdout: 'ID  NAME  URL  STATUS  STATIC TUNNELS\n'});
      assert.deepEqual(json, {code: 0, stderr: '', stdout: '[]\n'});
    } finally {
      await empty.close();
    }
  });

  it('against a 1.0.12-like server, what needs our management API says so and exits 1', async () => {
    const results = await Promise.all([
      scripted(['channels', '-s', legacy.url]),
      scripted(['tunnels', '-s', legacy.url]),
      scripted(['disconnect', '1', '-s', legacy.url]),
      scripted(['watch', '-s', legacy.url]),
      scripted(['peers', '-s', legacy.url]),
    ]);
    const refusal = (what: string) => `netunnel-tui: ${legacy.url} cannot ${what}: it has no management API ${NO_MANAGEMENT}\n`;
    assert.deepEqual(
      results.map((result) => [result.code, result.stderr, result.stdout]),
      [
        [1, refusal('list channels'), ''],
        [1, refusal('list tunnels'), ''],
        [1, refusal('disconnect channels'), ''],
        [1, refusal('stream events'), ''],
        [0, '', 'ID  NAME  URL  STATUS  STATIC TUNNELS\n'],
      ],
    );
  });
});
