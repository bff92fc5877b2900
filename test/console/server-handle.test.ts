/**
 * A server that stops answering (kill -STOP: no FIN, no RST) is noticed by the console within
 * the heartbeat's bound: its view goes `reconnecting`, the console's own channel is lost
 * (`ownChannelLost`, the hook for reopening its tunnels), and the view is `connected` again
 * once the server answers.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import * as commands from '../../source/console/commands.js';
import {ManagementClient} from '../../source/client/management-client.js';
import {ServerConnection} from '../../source/console/connection.js';
import {ServerHandle} from '../../source/console/server-handle.js';
import {ConsoleStore, emptyServerView} from '../../source/console/store.js';
import {deferrer} from '../helpers/cleanup.js';
import {eventually} from '../helpers/netunnel.js';
import {startFixtureProcess} from '../helpers/processes.js';
import {within} from '../helpers/streams.js';
import {startEchoServer} from '../helpers/tcp.js';

const HEARTBEAT_MS = 200;

test('a stopped server: the view goes reconnecting and the own channel is lost within 1.5 heartbeats; back to connected after', async (t) => {
  const defer = deferrer(t);
  const echo = await startEchoServer();
  defer(() => echo.close());
  const serverProcess = await startFixtureProcess<{port: number}>('server-process.ts');
  defer(() => serverProcess.kill());
  const url = `http://127.0.0.1:${serverProcess.ready.port}`;
  const handle = new ServerHandle(
    {name: 'frozen', url},
    {
      api: new ManagementClient({serverUrl: url, heartbeatMs: HEARTBEAT_MS}),
      createClient: (target) => new NetunnelClient({serverUrl: target.url, heartbeatMs: HEARTBEAT_MS}),
    },
  );
  defer(() => handle.close());
  const store = new ConsoleStore();
  store.addServer(emptyServerView('s1', 'frozen', url));
  // Quick retries; shown `down` only after a minute, so `reconnecting` is what a loss shows.
  const connection = new ServerConnection(handle, store, 's1', {retryMinMs: 50, retryMaxMs: 200, downAfterMs: 60_000});
  connection.start();
  defer(() => connection.stop());
  const view = () => store.getServer('s1')!;
  await eventually(() => view().status === 'connected', 10_000, 'connected');
  await commands.openForwardTunnel(handle, {exitPort: echo.port});

  const lost = once(handle, 'ownChannelLost');
  const stoppedAt = Date.now();
  serverProcess.child.kill('SIGSTOP');
  const [reason] = (await within(lost, 10_000, 'the own channel to be lost')) as [string];
  assert.match(reason, new RegExp(`^Lost the server ${url}: no answer to pings for 0\\.\\d s$`));
  await eventually(() => view().status === 'reconnecting', 10_000, 'reconnecting');
  const noticedMs = Date.now() - stoppedAt;
  t.diagnostic(`stopped server noticed by the console after ${noticedMs} ms (heartbeat ${HEARTBEAT_MS} ms)`);
  assert.ok(noticedMs < 5000, `noticed after ${noticedMs} ms`);
  assert.match(view().detail ?? '', /^No answer to pings for 0\.\d s$|^Cannot reach /);
  assert.equal(view().stale, true);
  assert.deepEqual(handle.ownTunnels, [], 'the own tunnels stopped with the channel');

  serverProcess.child.kill('SIGCONT');
  await eventually(() => view().status === 'connected', 10_000, 'connected again');
});
