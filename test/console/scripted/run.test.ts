/**
 * Scripted mode in this process (runScripted with captured stdout/stderr) against real
 * servers: every command, as a table (terminal), plain text (pipe) and JSON, with its exit
 * code and the server's exact message when it refuses. The CLI process itself (signals,
 * exit codes of the real process) is tested in test/cli/netunnel-tui-scripted.test.ts.
 */
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runScripted, type ScriptedIo} from '../../../source/console/scripted/run.js';
import {NO_SSL_VALIDATE_WARNING} from '../../../source/client/server-transport.js';
import {SecretServerAuth} from '../../../source/auth/secret-auth.js';
import {connectApi} from '../../../source/console/connect-api.js';
import {formatTime} from '../../../source/console/format.js';
import type {NetunnelClient} from '../../../source/client/netunnel-client.js';
import type {NetunnelServer} from '../../../source/server/netunnel-server.js';
import {FAST_STATIC_TUNNELS, connectClient, eventually, startServer} from '../../helpers/netunnel.js';
import {exchange, freePort, isPortClosed, randomPayload, startEchoServer, type TcpService} from '../../helpers/tcp.js';
import {startProxy, startWebServer} from '../../helpers/proxy.js';
import {readTlsFixture, tlsFixturePath} from '../../helpers/tls.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  tty?: boolean;
  signal?: AbortSignal;
  /** Called with each chunk written to stdout (watch, open). */
  onStdout?: (text: string) => void;
  createApi?: ScriptedIo['createApi'];
  /** Another settings dir than the shared one. */
  configDir?: string;
}

let configDir: string;

const scriptedIn = (argv: string[], options: RunOptions) => scripted(argv, options);

function scripted(argv: string[], options: RunOptions = {}): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: ScriptedIo = {
    stdout: {
      write: (text: string) => {
        stdout += text;
        options.onStdout?.(stdout);
        return true;
      },
      isTTY: options.tty ?? false,
    },
    stderr: {write: (text: string) => (stderr += text)},
    ...(options.signal ? {signal: options.signal} : {}),
    ...(options.createApi ? {createApi: options.createApi} : {}),
  };
  return runScripted(['--config-dir', options.configDir ?? configDir, ...argv], io).then((code) => ({code, stdout, stderr}));
}

/** Starts a long command (open, watch); `lines()` is what it printed so far. */
function startScripted(argv: string[]) {
  const controller = new AbortController();
  const waiters = new Set<() => void>();
  let printed = '';
  const done = scripted(argv, {
    signal: controller.signal,
    onStdout: (text) => {
      printed = text;
      for (const waiter of waiters) waiter();
    },
  });
  return {
    done,
    stop: () => controller.abort(),
    lines: () => printed.split('\n').filter((line) => line !== ''),
    /** Resolves when at least `count` lines were printed. */
    waitForLines(count: number, timeoutMs = 10_000): Promise<string[]> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const lines = printed.split('\n').filter((line) => line !== '');
          if (lines.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(lines);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Fewer than ${count} lines within ${timeoutMs} ms: ${printed}`));
        }, timeoutMs);
        waiters.add(check);
        void done.then(check);
        check();
      });
    },
  };
}

const NO_MANAGEMENT = '(a NETunnel 1.0.12 server, or netunnel-server --no-extensions)';

before(() => {
  configDir = mkdtempSync(join(tmpdir(), 'netunnel-scripted-'));
});
after(() => rmSync(configDir, {recursive: true, force: true}));

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
      assert.deepEqual(Object.keys(listed[0]!), ['server_url', 'id', 'client_version', 'client_features', 'remote_address', 'connected', 'created_at', 'connected_at', 'last_seen', 'tunnel_count']);
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

describe('scripted mode: changing a server', () => {
  let server: NetunnelServer;
  let url: string;
  let peer: {server: NetunnelServer; url: string};
  let staticPort: number;

  before(async () => {
    staticPort = await freePort();
    ({server, url} = await startServer({staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: {min: staticPort, max: staticPort + 1}}));
    peer = await startServer();
  });
  after(async () => {
    await server.close();
    await peer.server.close();
  });

  it('peer add, rename, rm and static add, rm, with the listings in between', async () => {
    const peerPort = new URL(peer.url).port;
    assert.deepEqual(await scripted(['peer', 'add', 'site-b', peer.url, '-s', url]), {code: 0, stderr: '', stdout: `Added peer 1 "site-b" (${peer.url})\n`});
    assert.deepEqual(await scripted(['-s', url, 'peer', 'add', 'site-b', peer.url]), {
      code: 1,
      stdout: '',
      stderr: 'netunnel-tui: Peer `site-b` already exists\n',
    });
    const added = await scripted(['-s', url, 'static', 'add', 'site-b', peerPort, '--json']);
    assert.equal(added.code, 0);
    const created = JSON.parse(added.stdout) as Record<string, unknown>;
    assert.deepEqual(
      {...created, status: undefined, since: undefined, last_error: undefined},
      {
        server_url: url,
        peer_id: 1,
        id: 1,
        tunnel_local_address: '127.0.0.1',
        tunnel_local_port: staticPort,
        tunnel_remote_address: '127.0.0.1',
        tunnel_remote_port: Number(peerPort),
        status: undefined,
        since: undefined,
        last_error: undefined,
        connections: {active: 0, total: 0},
        bytes: {sent: 0, received: 0},
      },
    );
    await eventually(async () => (await scripted(['-s', url, 'static-tunnels', 'site-b'])).stdout.includes(' online '), 10_000, 'the static tunnel to be online');

    const local = `127.0.0.1:${staticPort}`;
    const remote = `127.0.0.1:${peerPort}`;
    const [peers, peersTable, statics, staticsById, staticsJson] = await Promise.all([
      scripted(['-s', url, 'peers']),
      scripted(['-s', url, 'peers'], {tty: true}),
      scripted(['-s', url, 'static-tunnels', 'site-b']),
      scripted(['-s', url, 'static-tunnels', '1']),
      scripted(['-s', url, 'static-tunnels', 'site-b', '--json']),
    ]);
    const urlWidth = peer.url.length;
    assert.deepEqual(peers, {
      code: 0,
      stderr: '',
      stdout: `ID  NAME    URL${' '.repeat(urlWidth - 3)}  STATUS  STATIC TUNNELS\n 1  site-b  ${peer.url}  online               1\n`,
    });
    assert.deepEqual(peersTable, {
      code: 0,
      stderr: '',
      stdout: [
        `┌────┬────────┬─${'─'.repeat(urlWidth)}─┬────────┬────────────────┐`,
        `│ ID │ NAME   │ URL${' '.repeat(urlWidth - 3)} │ STATUS │ STATIC TUNNELS │`,
        `├────┼────────┼─${'─'.repeat(urlWidth)}─┼────────┼────────────────┤`,
        `│  1 │ site-b │ ${peer.url} │ online │              1 │`,
        `└────┴────────┴─${'─'.repeat(urlWidth)}─┴────────┴────────────────┘`,
        '',
      ].join('\n'),
    });
    const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - text.length));
    const expectedStatics =
      `ID  ${pad('LOCAL', local.length)}  ${pad('REMOTE', remote.length)}  STATUS  ACTIVE  TOTAL  SENT  RECEIVED  LAST ERROR\n` +
      ` 1  ${local}  ${remote}  online       0      0   0 B       0 B  -\n`;
    assert.deepEqual(statics, {code: 0, stderr: '', stdout: expectedStatics});
    assert.deepEqual(staticsById, statics, 'a peer can be named by its id');
    const [listed] = JSON.parse(staticsJson.stdout) as Array<Record<string, unknown>>;
    assert.equal(listed!.server_url, url);
    assert.equal(listed!.peer_id, 1);
    assert.equal(listed!.status, 'online');

    assert.deepEqual(await scripted(['-s', url, 'static', 'rm', 'site-b', '9']), {
      code: 1,
      stdout: '',
      stderr: 'netunnel-tui: No static tunnel by id `9` on `site-b`\n',
    });
    assert.deepEqual(await scripted(['-s', url, 'static', 'rm', 'site-b', '1']), {code: 0, stderr: '', stdout: 'Removed static tunnel 1 of peer "site-b"\n'});
    assert.deepEqual(await scripted(['-s', url, 'peer', 'rename', 'site-b', 'site-c']), {code: 0, stderr: '', stdout: 'Renamed peer 1 "site-b" to "site-c"\n'});
    const renamed = await scripted(['-s', url, 'peer', 'rename', 'site-c', 'site-d', '--json']);
    assert.equal(renamed.code, 0);
    assert.deepEqual(
      {...(JSON.parse(renamed.stdout) as Record<string, unknown>), status: undefined},
      {server_url: url, id: 1, name: 'site-d', target_netunnel_url: peer.url, auth_data: {}, static_tunnels: [], status: undefined},
    );
    assert.deepEqual(await scripted(['-s', url, 'peer', 'rm', 'nope']), {code: 1, stdout: '', stderr: `netunnel-tui: No peer called "nope" on ${url}\n`});
    assert.deepEqual(await scripted(['-s', url, 'peer', 'rm', 'site-d']), {code: 0, stderr: '', stdout: 'Removed peer 1 "site-d"\n'});
    assert.deepEqual(server.peers.list(), []);
  });

  it("peer add: the server's refusal when it cannot reach the peer", async () => {
    const port = await freePort();
    assert.deepEqual(await scripted(['-s', url, 'peer', 'add', 'gone', `http://127.0.0.1:${port}`]), {
      code: 1,
      stdout: '',
      stderr: 'netunnel-tui: Failed to connect with peer `gone`\n',
    });
  });

  it('proxy get, set (checked through a real proxy, with credentials) and clear', async () => {
    const proxy = await startProxy({username: 'user', password: 'pass'});
    const web = await startWebServer();
    try {
      assert.deepEqual(await scripted(['-s', url, 'proxy', 'get']), {code: 0, stderr: '', stdout: 'none\n'});
      assert.deepEqual(JSON.parse((await scripted(['-s', url, 'proxy', 'get', '--json'])).stdout), {server_url: url, proxy_url: null, username: null, password: null});
      const set = await scripted(['-s', url, 'proxy', 'set', proxy.url, '--username', 'user', '--password', 'pass', '--test-url', `${web.url}/ok`]);
      assert.deepEqual(set, {code: 0, stderr: '', stdout: `Proxy set: ${proxy.url} (username ******, password ******)\n`});
      assert.ok(proxy.seen.includes(`GET ${web.url}/ok`), 'the server checked the proxy');
      assert.deepEqual(JSON.parse((await scripted(['-s', url, 'proxy', 'get', '--json'])).stdout), {server_url: url, proxy_url: proxy.url, username: '******', password: '******'});
      const refused = await scripted(['-s', url, 'proxy', 'set', proxy.url, '--test-url', `${web.url}/ok`]);
      assert.equal(refused.code, 1);
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, /^netunnel-tui: [^\n]+\n$/);
      assert.deepEqual(await scripted(['-s', url, 'proxy', 'clear']), {code: 0, stderr: '', stdout: 'Proxy cleared\n'});
      assert.deepEqual(await scripted(['-s', url, 'proxy', 'get']), {code: 0, stderr: '', stdout: 'none\n'});
    } finally {
      await proxy.close();
      await web.close();
    }
  });

  it("close and disconnect another client's tunnel and channel; refused ids get the server's message", async () => {
    const echo = await startEchoServer();
    const other = await connectClient(url);
    try {
      // A reverse tunnel: the server's entrance closes.
      const tunnel = await other.openTunnelToClient({exitPort: echo.port});
      const closed = await scripted(['-s', url, 'close', String(other.channelId), String(tunnel.id)]);
      assert.deepEqual(closed, {code: 0, stderr: '', stdout: `Closed tunnel ${tunnel.id} of channel ${other.channelId}\n`});
      assert.equal(await isPortClosed(tunnel.entrance.port), true);
      assert.equal(server.channels.all().find((channel) => channel.id === other.channelId)!.tunnels.size, 0);
      const again = await scripted(['-s', url, 'close', String(other.channelId), String(tunnel.id), '--json']);
      assert.equal(again.code, 1);
      assert.equal(again.stdout, '');
      assert.equal(again.stderr, `netunnel-tui: Tunnel \`${tunnel.id}\` was not found on channel \`${other.channelId}\`\n`);

      const second = await other.openTunnelToServer({exitPort: echo.port});
      const graceful = await scripted(['-s', url, 'close', String(other.channelId), String(second.id), '--graceful', '--json']);
      assert.deepEqual(JSON.parse(graceful.stdout), {server_url: url, channel_id: other.channelId, tunnel_id: second.id, force: false});

      const lost = new Promise<string>((resolve) => other.once('disconnected', resolve));
      assert.deepEqual(await scripted(['-s', url, 'disconnect', String(other.channelId)]), {code: 0, stderr: '', stdout: `Disconnected channel ${other.channelId}\n`});
      assert.equal(await lost, `The connection to ${url} was lost`);
      const unknown = await scripted(['-s', url, 'disconnect', '999']);
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr, 'netunnel-tui: Channel `999` was not found\n');
    } finally {
      await other.close();
      await echo.close();
    }
  });

  it('factory-reset needs --yes; with --disconnect-clients every client goes', async () => {
    const other = await connectClient(url);
    try {
      await scripted(['-s', url, 'peer', 'add', 'to-reset', peer.url]);
      const refused = await scripted(['-s', url, 'factory-reset']);
      assert.deepEqual(refused, {
        code: 2,
        stdout: '',
        stderr:
          "netunnel-tui: factory-reset erases the server's peers, static tunnels and proxy: add --yes to do it\n" +
          'Usage: netunnel-tui --no-tui factory-reset --yes [--disconnect-clients] [options]\n',
      });
      assert.equal(server.peers.list().length, 1);
      const lost = new Promise<string>((resolve) => other.once('disconnected', resolve));
      const reset = await scripted(['-s', url, 'factory-reset', '--yes', '--disconnect-clients', '--json']);
      assert.deepEqual({code: reset.code, stderr: reset.stderr, json: JSON.parse(reset.stdout)}, {code: 0, stderr: '', json: {server_url: url, disconnect_clients: true}});
      await lost;
      assert.deepEqual(server.peers.list(), []);
      assert.deepEqual(await scripted(['-s', url, 'factory-reset', '--yes']), {code: 0, stderr: '', stdout: `Factory reset of ${url} done\n`});
    } finally {
      await other.close();
    }
  });
});

describe('scripted mode: open and watch', () => {
  let server: NetunnelServer;
  let url: string;
  let echo: TcpService;

  before(async () => {
    ({server, url} = await startServer());
    echo = await startEchoServer();
  });
  after(async () => {
    await server.close();
    await echo.close();
  });

  it("open: a forward tunnel with netunnel-client's lines, closed on the server when interrupted", async () => {
    const open = startScripted(['-s', url, 'open', '--remote-port', String(echo.port)]);
    const lines = await open.waitForLines(3);
    const entrancePort = Number(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/.exec(lines[1]!)?.[1]);
    assert.deepEqual(lines, ['Opening tunnel to the server...', `Tunnel entrance socket: 127.0.0.1:${entrancePort}`, `Tunnel exit socket: 127.0.0.1:${echo.port}`]);
    const payload = randomPayload(200_000);
    assert.deepEqual(await exchange(entrancePort, payload), payload);
    assert.equal(server.channels.all().length, 1);
    open.stop();
    assert.deepEqual(await open.done, {code: 0, stderr: '', stdout: `${lines.join('\n')}\n`});
    assert.equal(await isPortClosed(entrancePort), true);
    await eventually(() => server.channels.all().length === 0, 5000, 'the channel to close on the server');
  });

  it('open --reverse --json: one JSON line with the port the server chose', async () => {
    const open = startScripted(['-s', url, 'open', '-r', '--local-port', String(echo.port), '--remote-port', '0', '--json']);
    const [line] = await open.waitForLines(1);
    const opened = JSON.parse(line!) as {entrance: {port: number}; channel_id: number};
    assert.deepEqual(opened, {
      server_url: url,
      channel_id: opened.channel_id,
      tunnel_id: 1,
      direction: 'reverse',
      entrance: {address: '127.0.0.1', port: opened.entrance.port},
      exit: {address: '127.0.0.1', port: echo.port},
    });
    const payload = randomPayload(50_000);
    assert.deepEqual(await exchange(opened.entrance.port, payload), payload);
    open.stop();
    assert.equal((await open.done).code, 0);
    await eventually(() => isPortClosed(opened.entrance.port), 5000, 'the reverse entrance to close');
  });

  it('open against a 1.0.12-like server: forward works; reverse needs the entrance port, since that server would not tell it', async () => {
    const legacy = await startServer({extensions: false});
    try {
      const refused = await scripted(['-s', legacy.url, 'open', '-r', '--local-port', String(echo.port), '--remote-port', '0']);
      assert.deepEqual(refused, {
        code: 2,
        stdout: 'Opening tunnel to the client...\n',
        stderr:
          'netunnel-tui: --remote-port is required: this server does not tell which port it would choose\n' +
          'Usage: netunnel-tui --no-tui open [--local-address IP] [--local-port PORT] [--remote-address IP] [--remote-port PORT] [--reverse] [--debug] [options]\n',
      });
      const open = startScripted(['-s', legacy.url, 'open', '--remote-port', String(echo.port)]);
      const lines = await open.waitForLines(3);
      const entrancePort = Number(/(\d+)$/.exec(lines[1]!)?.[1]);
      const payload = randomPayload(10_000);
      assert.deepEqual(await exchange(entrancePort, payload), payload);
      open.stop();
      assert.equal((await open.done).code, 0);
      assert.equal(await isPortClosed(entrancePort), true);
    } finally {
      await legacy.server.close();
    }
  });

  it('open ends with 0 when the server closes the tunnel, 1 when the server goes away', async () => {
    const other = await startServer();
    try {
      const first = startScripted(['-s', other.url, 'open', '--remote-port', String(echo.port)]);
      await first.waitForLines(3);
      const [channel] = other.server.channels.all();
      channel!.deleteTunnel(1, true, true);
      assert.deepEqual((({code, stderr}) => ({code, stderr}))(await first.done), {code: 0, stderr: 'netunnel-tui: Tunnel 1 was closed by the server\n'});

      const second = startScripted(['-s', other.url, 'open', '--remote-port', String(echo.port)]);
      await second.waitForLines(3);
      await other.server.close();
      assert.deepEqual((({code, stderr}) => ({code, stderr}))(await second.done), {code: 1, stderr: `netunnel-tui: The connection to ${other.url} was lost\n`});
    } finally {
      await other.server.close();
    }
  });

  it('watch: the events of a scripted sequence, one JSON object per line, until interrupted', async () => {
    const {server: peerServer, url: peerUrl} = await startServer();
    const watch = startScripted(['-s', url, 'watch', '--no-stats']);
    try {
      const [first] = await watch.waitForLines(1);
      const snapshot = JSON.parse(first!) as Record<string, unknown>;
      assert.deepEqual(snapshot, {server_url: url, type: 'snapshot', server: server.serverInfo(), channels: [], tunnels: [], peers: []});

      const client = await connectClient(url);
      const tunnel = await client.openTunnelToServer({exitPort: echo.port});
      await exchange(tunnel.entrance.port, Buffer.from('ping'));
      await client.closeTunnel(tunnel.id);
      await client.close();
      assert.equal((await scripted(['-s', url, 'peer', 'add', 'watched', peerUrl])).code, 0);
      assert.equal((await scripted(['-s', url, 'peer', 'rm', 'watched'])).code, 0);
      const lines = await watch.waitForLines(7);
      const events = lines.map((line) => JSON.parse(line) as Record<string, unknown> & {type: string});
      assert.ok(events.every((event) => event.server_url === url));
      assert.deepEqual(
        events.map((event) => event.type),
        ['snapshot', 'channel.opened', 'tunnel.created', 'tunnel.deleted', 'channel.closed', 'peer.added', 'peer.removed'],
      );
      assert.equal((events[1]!.channel as {id: number}).id, client.channelId);
      assert.deepEqual(events[3], {server_url: url, type: 'tunnel.deleted', channel_id: client.channelId, tunnel_id: tunnel.id});
      assert.equal((events[5]!.peer as {name: string}).name, 'watched');
      watch.stop();
      const result = await watch.done;
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '');
    } finally {
      watch.stop();
      await peerServer.close();
    }
  });

  it('watch without --no-stats prints the counters as they move', async () => {
    const client = await connectClient(url);
    const watch = startScripted(['-s', url, 'watch']);
    try {
      await watch.waitForLines(1);
      const tunnel = await client.openTunnelToServer({exitPort: echo.port});
      await exchange(tunnel.entrance.port, randomPayload(1000));
      await eventually(() => watch.lines().some((line) => line.includes('"type":"stats"') && line.includes('"sent":1000')), 10_000, 'a stats line');
    } finally {
      watch.stop();
      await watch.done;
      await client.close();
    }
  });
});

describe('scripted mode: saved servers and picking servers', () => {
  it('servers add, list and rm in the console settings; --server NAME and the default pick them', async () => {
    const {server, url} = await startServer();
    const ownDir = mkdtempSync(join(tmpdir(), 'netunnel-scripted-servers-'));
    const scripted = (argv: string[]) => scriptedIn(argv, {configDir: ownDir});
    try {
      assert.deepEqual(await scripted(['servers', 'list']), {code: 0, stderr: '', stdout: 'NAME  URL  AUTH PLUGIN  PROXY  TLS CHECK\n'});
      assert.deepEqual(await scripted(['servers', 'add', url, '--name', 'lab']), {code: 0, stderr: '', stdout: `Saved server "lab" (${url})\n`});
      assert.deepEqual(await scripted(['servers', 'add', url, '--name', 'lab']), {code: 1, stdout: '', stderr: 'netunnel-tui: A saved server is already called "lab"\n'});
      const auto = await scripted(['servers', 'add', 'https://10.1.2.3:4443', '--no-ssl-validate', '--proxy-url', 'http://proxy:3128', '--json']);
      assert.deepEqual(JSON.parse(auto.stdout), {
        name: '10.1.2.3:4443',
        url: 'https://10.1.2.3:4443',
        auth_plugin: null,
        auth_data: null,
        proxy: {url: 'http://proxy:3128', username: null, password: null},
        ssl_validate: false,
        ca_file: null,
        tls_cert: null,
        tls_key: null,
      });
      const urlWidth = Math.max(url.length, 'https://10.1.2.3:4443'.length);
      assert.deepEqual(await scripted(['servers', 'list']), {
        code: 0,
        stderr: '',
        stdout:
          `NAME           URL${' '.repeat(urlWidth - 3)}  AUTH PLUGIN  PROXY              TLS CHECK\n` +
          `lab            ${url}${' '.repeat(urlWidth - url.length)}  -            -                  yes\n` +
          `10.1.2.3:4443  https://10.1.2.3:4443${' '.repeat(urlWidth - 21)}  -            http://proxy:3128  no\n`,
      });
      // --server NAME uses the saved one; without --server, every saved server is used.
      const picked = await scripted(['--server', 'lab', 'peers', '--json']);
      assert.deepEqual(picked, {code: 0, stderr: '', stdout: '[]\n'});
      const all = await scripted(['peers']);
      assert.equal(all.code, 1, 'the second saved server is not there');
      assert.match(all.stderr, /^netunnel-tui: 10\.1\.2\.3:4443: Cannot reach https:\/\/10\.1\.2\.3:4443[ :]/);
      assert.deepEqual(await scripted(['peer', 'add', 'x', url]), {
        code: 2,
        stdout: '',
        stderr:
          'netunnel-tui: peer add acts on one server: pick it with --server (2 are selected: lab, 10.1.2.3:4443)\n' +
          'Usage: netunnel-tui --no-tui peer add NAME URL [--peer-auth-data JSON] [options]\n',
      });
      assert.deepEqual(await scripted(['servers', 'rm', '10.1.2.3:4443']), {code: 0, stderr: '', stdout: 'Removed saved server "10.1.2.3:4443"\n'});
      assert.deepEqual(await scripted(['servers', 'rm', 'nope']), {code: 1, stdout: '', stderr: 'netunnel-tui: No saved server is called "nope"\n'});
      assert.deepEqual(await scripted(['servers', 'rm', 'lab', '--json']), {
        code: 0,
        stderr: '',
        stdout: `${JSON.stringify({name: 'lab', url, auth_plugin: null, auth_data: null, proxy: null, ssl_validate: true, ca_file: null, tls_cert: null, tls_key: null}, null, 2)}\n`,
      });
    } finally {
      await server.close();
      rmSync(ownDir, {recursive: true, force: true});
    }
  });

  it('with no --server and nothing saved, http://127.0.0.1:4040 is used', async () => {
    const {server, url} = await startServer();
    const asked: string[] = [];
    const emptyDir = mkdtempSync(join(tmpdir(), 'netunnel-scripted-empty-'));
    try {
      // The API is pointed at a test server, so that nothing on the real port 4040 matters.
      const result = await scripted(['peers', '--json'], {
        configDir: emptyDir,
        createApi: (target) => {
          asked.push(target.url);
          return connectApi({serverUrl: url});
        },
      });
      assert.deepEqual(asked, ['http://127.0.0.1:4040']);
      assert.deepEqual(result, {code: 0, stderr: '', stdout: '[]\n'});
    } finally {
      await server.close();
      rmSync(emptyDir, {recursive: true, force: true});
    }
  });

  it('an auth plugin given on the command line is used (the built-in secret one); a broken one is a usage error', async () => {
    const {server, url} = await startServer({auth: new SecretServerAuth({secret: 's3cret'})});
    const plugin = 'secret';
    try {
      const [without, wrong, missing, right] = await Promise.all([
        scripted(['-s', url, 'peers']),
        scripted(['-s', url, 'peers', '--auth-plugin', plugin, '--auth-data', '{"secret": "guess"}']),
        scripted(['-s', url, 'peers', '--auth-plugin', './nowhere.ts#X']),
        scripted(['-s', url, 'peers', '--auth-plugin', plugin, '--auth-data', '{"secret": "s3cret"}', '--json']),
      ]);
      assert.deepEqual(without, {code: 1, stdout: '', stderr: 'netunnel-tui: Forbidden: the auth plugin refused this request\n'});
      assert.deepEqual(wrong, {code: 1, stdout: '', stderr: 'netunnel-tui: Authentication failed: the server refused the secret\n'});
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^netunnel-tui: Cannot load auth plugin module "\.\/nowhere\.ts": [^\n]+\nUsage: netunnel-tui --no-tui peers \[options\]\n$/);
      assert.deepEqual(right, {code: 0, stderr: '', stdout: '[]\n'});
    } finally {
      await server.close();
    }
  });
});

describe('scripted mode: TLS and the built-in secret plugin', () => {
  it('--ca-file and --tls-cert/--tls-key reach a server that wants both; servers add keeps their absolute paths (and a secret_file) and uses them', async () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'netunnel-scripted-tls-'));
    const tls = {cert: readTlsFixture('server.crt'), key: readTlsFixture('server.key'), clientCa: readTlsFixture('ca.crt')};
    const {server} = await startServer({tls, auth: new SecretServerAuth({secret: 's3cret'})});
    const url = `https://127.0.0.1:${server.address!.port}`;
    for (const name of ['ca.crt', 'client.crt', 'client.key'] as const) copyFileSync(tlsFixturePath(name), join(ownDir, name));
    writeFileSync(join(ownDir, 'secret'), 's3cret\n', {mode: 0o600});
    const run = async (argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const io: ScriptedIo = {stdout: {write: (text: string) => ((stdout += text), true), isTTY: false}, stderr: {write: (text: string) => ((stderr += text), true)}, cwd: ownDir};
      const code = await runScripted(['--config-dir', ownDir, ...argv], io);
      return {code, stdout, stderr};
    };
    const auth = ['--auth-plugin', 'secret', '--auth-data', '{"secret_file": "secret"}'];
    const files = ['--ca-file', 'ca.crt', '--tls-cert', 'client.crt', '--tls-key', 'client.key'];
    try {
      assert.deepEqual(await run(['-s', url, 'peers', '--json', ...auth, ...files]), {code: 0, stderr: '', stdout: '[]\n'});
      const anonymous = await run(['-s', url, 'peers', ...auth, '--ca-file', 'ca.crt']);
      assert.deepEqual(anonymous, {code: 1, stdout: '', stderr: `netunnel-tui: Cannot reach ${url}: the server requires a client certificate\n`});
      const unchecked = await run(['-s', url, 'peers', ...auth, '--no-ssl-validate']);
      assert.equal(unchecked.stderr.split('\n')[0], `netunnel-tui: warning: ${NO_SSL_VALIDATE_WARNING}`);
      const missing = await run(['-s', url, 'peers', '--ca-file', 'nope.crt']);
      assert.deepEqual([missing.code, missing.stderr.split('\n')[0]], [2, `netunnel-tui: Cannot read --ca-file ${join(ownDir, 'nope.crt')}: ENOENT`]);

      const saved = await run(['servers', 'add', url, '--name', 'mutual', '--json', ...auth, ...files]);
      assert.equal(saved.code, 0, saved.stderr);
      assert.deepEqual(JSON.parse(saved.stdout), {
        name: 'mutual',
        url,
        auth_plugin: 'secret',
        auth_data: {secret_file: join(ownDir, 'secret')},
        proxy: null,
        ssl_validate: true,
        ca_file: join(ownDir, 'ca.crt'),
        tls_cert: join(ownDir, 'client.crt'),
        tls_key: join(ownDir, 'client.key'),
      });
      assert.deepEqual(await run(['--server', 'mutual', 'peers', '--json']), {code: 0, stderr: '', stdout: '[]\n'});
    } finally {
      await server.close();
      rmSync(ownDir, {recursive: true, force: true});
    }
  });
});

describe('scripted mode: usage', () => {
  it('bad usage exits 2 with one line and the usage line', async () => {
    const usage = (line: string) => `Usage: netunnel-tui --no-tui ${line}\n`;
    const general = 'Usage: netunnel-tui --no-tui COMMAND [ARGS] [options] (netunnel-tui --no-tui --help lists the commands)\n';
    const cases: Array<[string[], string]> = [
      [[], `netunnel-tui: A command is needed (see --help)\n${general}`],
      [['nope'], `netunnel-tui: Unknown command "nope" (see --help)\n${general}`],
      [['peer'], `netunnel-tui: peer needs a subcommand: add, rename, rm\n${general}`],
      [['peer', 'move'], `netunnel-tui: Unknown command "peer move" (peer takes add, rename, rm)\n${general}`],
      [['status', '--nope'], `netunnel-tui: Unknown flag --nope (see --help)\n${general}`],
      [['status', '--graceful'], `netunnel-tui: --graceful is not an option of status (see status --help)\n${usage('status [options]')}`],
      [['status', 'extra'], `netunnel-tui: Unexpected argument "extra"\n${usage('status [options]')}`],
      [['status', '--json=yes'], `netunnel-tui: --json takes no value\n${general}`],
      [['status', '--server'], `netunnel-tui: --server needs a value\n${general}`],
      [['static-tunnels'], `netunnel-tui: static-tunnels needs PEER\n${usage('static-tunnels PEER [options]')}`],
      [['close', '1', 'x'], `netunnel-tui: TUNNEL must be a positive integer\n${usage('close CHANNEL TUNNEL [--graceful] [options]')}`],
      [['static', 'add', 'p', '70000'], `netunnel-tui: REMOTE_PORT must be a number from 1 to 65535\n${usage('static add PEER REMOTE_PORT [--remote-address IP] [--local-address IP] [options]')}`],
      [['peer', 'add', 'a', 'ftp://x'], `netunnel-tui: URL must start with http:// or https://\n${usage('peer add NAME URL [--peer-auth-data JSON] [options]')}`],
      [['peer', 'add', 'a', 'http://x:1', '--peer-auth-data', '[1]'], `netunnel-tui: --peer-auth-data must be a JSON object\n${usage('peer add NAME URL [--peer-auth-data JSON] [options]')}`],
      [['open', '--reverse'], `netunnel-tui: --local-port is required with --reverse\n${usage('open [--local-address IP] [--local-port PORT] [--remote-address IP] [--remote-port PORT] [--reverse] [--debug] [options]')}`],
      [['open', '--remote-port', '0'], `netunnel-tui: --remote-port must be a number from 1 to 65535\n${usage('open [--local-address IP] [--local-port PORT] [--remote-address IP] [--remote-port PORT] [--reverse] [--debug] [options]')}`],
      [['open', '--remote-address', 'localhost'], `netunnel-tui: --remote-address must be an IPv4 address, like 127.0.0.1\n${usage('open [--local-address IP] [--local-port PORT] [--remote-address IP] [--remote-port PORT] [--reverse] [--debug] [options]')}`],
      [['proxy', 'set', 'http://p:1', '--username', 'u'], `netunnel-tui: --username and --password go together\n${usage('proxy set URL [--username USER] [--password PASS] [--test-url URL] [--no-check] [options]')}`],
      [['peers', '--server', 'nowhere'], `netunnel-tui: --server "nowhere" is neither a URL nor the name of a saved server (see servers list)\n${usage('peers [options]')}`],
      [['peers', '--server', 'ftp://x'], `netunnel-tui: --server "ftp://x" must start with http:// or https://\n${usage('peers [options]')}`],
      [['peers', '-s', 'http://x:1', '--auth-data', '{}'], `netunnel-tui: --auth-data needs --auth-plugin\n${usage('peers [options]')}`],
      [['peers', '-s', 'http://x:1', '--proxy-url', 'http://p:1', '--proxy-username', 'u'], `netunnel-tui: --proxy-username and --proxy-password go together\n${usage('peers [options]')}`],
      [['peer', 'add', 'a', 'http://x:1', '-s', 'http://x:1', '-s', 'http://y:1'], `netunnel-tui: peer add acts on one server: pick it with --server (2 are selected: x:1, y:1)\n${usage('peer add NAME URL [--peer-auth-data JSON] [options]')}`],
    ];
    const results = await Promise.all(cases.map(([argv]) => scripted(argv)));
    for (const [index, [argv, stderr]] of cases.entries()) {
      assert.deepEqual(results[index], {code: 2, stdout: '', stderr}, argv.join(' '));
    }
  });

  it('--help: the commands, a group, a command; --version', async () => {
    const [general, group, command, version] = await Promise.all([
      scripted(['--help']),
      scripted(['peer', '--help']),
      scripted(['static', 'add', '--help']),
      scripted(['--version']),
    ]);
    assert.equal(general.code, 0);
    for (const name of ['status', 'channels', 'tunnels', 'peers', 'static-tunnels PEER', 'open', 'close CHANNEL TUNNEL', 'disconnect CHANNEL', 'peer add NAME URL', 'peer rename PEER NEW_NAME', 'peer rm PEER', 'static add PEER REMOTE_PORT', 'static rm PEER ID', 'proxy get', 'proxy set URL', 'proxy clear', 'factory-reset', 'watch', 'servers list', 'servers add URL', 'servers rm NAME']) {
      assert.match(general.stdout, new RegExp(`\\n    ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  `), name);
    }
    assert.equal(group.code, 0);
    assert.match(group.stdout, /\$ netunnel-tui --no-tui peer add\|rename\|rm \.\.\./);
    assert.equal(command.code, 0);
    assert.match(command.stdout, /^\n {2}Usage: netunnel-tui --no-tui static add PEER REMOTE_PORT \[--remote-address IP\] \[--local-address IP\] \[options\]\n/);
    assert.match(command.stdout, /--remote-address IP +What the peer connects to/);
    assert.deepEqual(version, {code: 0, stderr: '', stdout: '0.1.0\n'});
  });
});
