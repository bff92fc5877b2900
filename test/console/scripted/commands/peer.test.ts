/** Scripted `peer` and `static` commands against real servers, with the listings in between and the server's refusals. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {eventually} from '../../../helpers/netunnel.js';
import {freePort} from '../../../helpers/tcp.js';
import {scriptedMode} from '../../../helpers/scripted.js';
import {useServerAndPeer} from '../../../helpers/suite-servers.js';

const {scripted} = scriptedMode();

describe('scripted mode: peers and static tunnels', () => {
  const suite = useServerAndPeer();

  it('peer add, rename, rm and static add, rm, with the listings in between', async () => {
    const {server, url, peer, staticPort} = suite;
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
    const {url} = suite;
    const port = await freePort();
    assert.deepEqual(await scripted(['-s', url, 'peer', 'add', 'gone', `http://127.0.0.1:${port}`]), {
      code: 1,
      stdout: '',
      stderr: 'netunnel-tui: Failed to connect with peer `gone`\n',
    });
  });
});
