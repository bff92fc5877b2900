/** Scripted `close` and `disconnect` against a real server and its clients. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {connectClient} from '../../../helpers/netunnel.js';
import {isPortClosed, startEchoServer} from '../../../helpers/tcp.js';
import {scriptedMode} from '../../../helpers/scripted.js';
import {useServerAndPeer} from '../../../helpers/suite-servers.js';

const {scripted} = scriptedMode();

describe('scripted mode: tearing down', () => {
  const suite = useServerAndPeer();

  it("close and disconnect another client's tunnel and channel; refused ids get the server's message", async () => {
    const {server, url} = suite;
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
});
