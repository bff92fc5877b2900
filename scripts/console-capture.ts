/**
 * Prints text captures of netunnel-tui at 80x24, taken with the end-to-end test harness (a
 * pseudo-terminal rendered by a headless xterm), for the README. Run after `npm run build`: `npx tsx scripts/console-capture.ts`.
 */
import {fillForwardTunnelForm, startConsoleInPty, type ConsoleInPty} from '../test/helpers/pty-console.js';
import {FAST_STATIC_TUNNELS, connectClient, startServer} from '../test/helpers/netunnel.js';
import {exchange, openSocket, randomPayload, startEchoServer} from '../test/helpers/tcp.js';
import {readExactly} from '../test/helpers/streams.js';
import {ManagementClient} from '../source/client/management-client.js';

const show = (title: string, tui: ConsoleInPty) => {
  console.log(`--- ${title}`);
  console.log(tui.lines().map((line) => line.replace(/\s+$/, '')).join('\n'));
};

const peerSide = await startServer();
const {server, url} = await startServer({staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: {min: 20900, max: 21000}});
const echo = await startEchoServer();
const api = new ManagementClient({serverUrl: url});
const peer = await api.peers.add({name: 'branch-office', target_netunnel_url: peerSide.url});
await api.staticTunnels.add(peer.id, {tunnel_remote_port: echo.port});
const client = await connectClient(url);
const first = await client.openTunnelToServer({exitPort: echo.port});
const reverse = await client.openTunnelToClient({exitPort: echo.port});
const tui = startConsoleInPty([url], {columns: 80, rows: 24});
try {
  await tui.waitFor(/Tunnels \(2\)/);
  await exchange(first.entrance.port, randomPayload(150_000));
  await fillForwardTunnelForm(tui, echo.port);
  show('new tunnel form', tui);
  tui.write('\r');
  const opened = await tui.waitFor(/open: connect to 127\.0\.0\.1:(\d+)/);
  const port = Number(/connect to 127\.0\.0\.1:(\d+)/.exec(opened)![1]);
  await tui.waitFor(/Tunnels \(3\)/);
  // A rate is shown for the second in which the bytes moved: the capture is taken then.
  for (let round = 0; round < 4; round += 1) await exchange(port, randomPayload(40_000 * (round + 1)));
  await tui.waitFor((screen) => /★2\/1 .* 400 kB +400 kB +\d+ kB\/s/.test(screen), 3000).catch(async () => {
    await exchange(port, randomPayload(100_000));
    await tui.waitFor((screen) => /★2\/1 .* 500 kB +500 kB +\d+ kB\/s/.test(screen), 3000);
  });
  show('tunnels', tui);
  // A connection held open through the client's reverse tunnel (the server sees where it came from), for the Conns pane.
  const held = await openSocket(reverse.entrance.port);
  const answer = readExactly(held, 64_000);
  held.write(randomPayload(64_000));
  await answer;
  tui.write('\t');
  await tui.waitFor(/ 64 kB +64 kB .* open/);
  show('connections', tui);
  tui.write('\t');
  await tui.waitFor(/branch-office.*online/);
  show('peers', tui);
  tui.write('\t');
  await tui.waitFor(/EVENT +WHAT/);
  show('events', tui);
  tui.write('\t');
  await tui.waitFor(/REMOTE ADDRESS/);
  show('channels', tui);
  held.destroy();
  tui.write('?');
  await tui.waitFor(/Keys/);
  show('help', tui);
  tui.write('q');
  await tui.waitFor(/zzz/, 100).catch(() => {});
  tui.write('q');
  await tui.exited;
} finally {
  await tui.close();
  await client.close();
  api.close();
  await server.close();
  await peerSide.server.close();
  await echo.close();
}
