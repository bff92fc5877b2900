/**
 * Health at a glance, from real servers: each channel's heartbeat round trips (the server's
 * stats frames) in the Channels pane, the console's own round trips, reconnects and the
 * last loss in the server's tab and details.
 */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {ManagementClient} from '../../source/client/management-client.js';
import {ConsoleSession} from '../../source/console/session.js';
import {transportOptionsOf} from '../../source/console/server-handle.js';
import {tabText} from '../../source/console/tui/chrome.js';
import {serverLines} from '../../source/console/tui/details.js';
import {Pane} from '../../source/console/tui/panes.js';
import {rowsOf} from '../../source/console/tui/pane-rows.js';
import {NetunnelServer} from '../../source/server/netunnel-server.js';
import {connectClient, eventually, startServer} from '../helpers/netunnel.js';
import {freePort} from '../helpers/tcp.js';
import {plain, renderThemed} from '../helpers/ink.js';

const FAST = {pollMs: 50, probeMs: 50, sampleMs: 50, retryMinMs: 20, retryMaxMs: 100, downAfterMs: 5000};
// A heartbeat fast enough for three round trips soon, slow enough that a loaded machine's
// pause (the server, client and console share this process) does not make the server drop the
// client as dead (two intervals of silence): at 60 ms it did, beside the pty tests.
const SERVER = {heartbeatMs: 250, events: {statsIntervalMs: 60}};

describe('health at a glance', () => {
  it("shows each channel's heartbeat round trips, and the server's reconnects and last loss", async () => {
    let {server, url} = await startServer(SERVER);
    const port = Number(new URL(url).port);
    const client = await connectClient(url);
    const session = new ConsoleSession({createApi: (target) => new ManagementClient(transportOptionsOf(target)), timing: FAST});
    const entry = session.addServer({name: 'lab', url});
    const view = () => session.store.getServer(entry.key)!;
    try {
      await eventually(() => (view().channelRtts[String(client.channelId)]?.length ?? 0) >= 3, 10_000, 'three heartbeat round trips of the channel');
      await eventually(() => view().health.rttHistory.length >= 2, 10_000, 'two probes');
      const rtts = view().channelRtts[String(client.channelId)]!;
      assert.ok(rtts.every((rtt) => rtt >= 0 && rtt < 1000), String(rtts));

      const instance = renderThemed(<Pane view={view()} rows={rowsOf(view(), 'channels')} selectedKey={undefined} width={100} height={5} filter="" />);
      const frame = plain(instance.lastFrame());
      instance.unmount();
      assert.match(frame.split('\n')[0]!, / HEARTBEAT +NOTE$/);
      assert.match(frame.split('\n')[1]!, /netunnel-ts .* \d+\.\dms [ ▁▂▃▄▅▆▇█]{1,4}( +\S+)?$/, frame);
      assert.match(tabText(view(), 0, false), /^1 lab ● 0\.1\.0 \d+ms [▁▂▃▄▅▆▇█ ]+$/);

      await server.close();
      await eventually(() => view().status === 'reconnecting', 10_000, 'the loss to be seen');
      ({server} = {server: new NetunnelServer({port, ...SERVER})});
      await server.start();
      await eventually(() => view().status === 'connected' && view().health.reconnects === 1, 10_000, 'the return');
      const {health} = view();
      assert.ok(health.lastLoss !== null && health.lastLoss.reason !== '', 'why it was lost');
      assert.match(tabText(view(), 0, false), / ↻1$/);
      assert.match(tabText(view(), 0, true), / r1$/);
      const lines = new Map(serverLines(view(), 'argument').flatMap((line) => (line.length === 2 ? [line] : [])));
      assert.equal(lines.get('Reconnects'), '1');
      assert.match(lines.get('Last loss')!, new RegExp(`: ${health.lastLoss!.reason.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));
      assert.match(lines.get('Last answer')!, / ago\)$/);
      assert.equal(lines.get('URL'), url);
      assert.equal(new Map(serverLines(view(), 'embedded').flatMap((line) => (line.length === 2 ? [line] : []))).get('URL'), `${url} (the embedded server, run by this console)`);
    } finally {
      await session.close();
      await client.close();
      await server.close();
    }
  });

  it('a server that never answered is down, with nothing stale (it showed "stale" before)', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const session = new ConsoleSession({createApi: (target) => new ManagementClient(transportOptionsOf(target)), timing: FAST});
    const entry = session.addServer({name: 'nowhere', url});
    try {
      await eventually(() => session.store.getServer(entry.key)!.status === 'down', 10_000, 'the server to be down');
      const view = session.store.getServer(entry.key)!;
      assert.equal(view.stale, false);
      assert.match(view.detail ?? '', /^Cannot reach http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
      assert.equal(view.health.lastLoss, null, 'nothing was lost: it never answered');
    } finally {
      await session.close();
    }
  });
});
