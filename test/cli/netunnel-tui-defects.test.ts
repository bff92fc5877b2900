/**
 * netunnel-tui in a real pseudo-terminal, on what once went wrong: keys that arrive in one
 * read, a saved server that cannot be used, a URL that is no NETunnel server.
 */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ConsoleSettings} from '../../source/console/settings.js';
import {startConsoleInPty, typeInto} from '../helpers/pty-console.js';
import {connectClient, startServer} from '../helpers/netunnel.js';
import {exchange, randomPayload, startEchoServer} from '../helpers/tcp.js';
import {fillForwardTunnelForm} from '../helpers/pty-console.js';
import {NetunnelServer} from '../../source/server/netunnel-server.js';
import {within} from '../helpers/streams.js';
import {runCli} from '../helpers/cli.js';
import {startGreetingServer, startWebServer} from '../helpers/strangers.js';
import {deferrer} from '../helpers/cleanup.js';

/** The row the selection marker is on. */
function selectedRow(screen: string): string | undefined {
  return screen.split('\n').find((line) => line.startsWith('▶'));
}

describe('netunnel-tui on its past defects', {concurrency: 2}, () => {
  it('acts on every key of one read: jjj moves three rows, Tab Tab two panes, three Backspaces three characters', async (t) => {
    const defer = deferrer(t);
    const {server, url} = await startServer();
    defer(() => server.close());
    const echo = await startEchoServer();
    defer(() => echo.close());
    const client = await connectClient(url);
    defer(() => client.close());
    const tui = startConsoleInPty([url], {columns: 100, rows: 30});
    defer(() => tui.close());
    for (let index = 0; index < 5; index += 1) await client.openTunnelToServer({exitPort: echo.port});
    await tui.waitFor(/Tunnels \(5\)[\s\S]*1\/5 +fwd/);
    assert.match(selectedRow(tui.screen()) ?? '', /^▶ 1\/1 /);
    tui.write('jjj');
    await tui.waitFor((screen) => /^▶ 1\/4 /.test(selectedRow(screen) ?? ''));
    // The panes: Channels, Tunnels, Conns, Peers, Events.
    tui.write('\t\t');
    await tui.waitFor(/PEER \/ TUNNEL/);
    tui.write('\t\t');
    const channels = await tui.waitFor((screen) => /^▶ +1 /.test(selectedRow(screen) ?? ''));
    assert.match(channels, /REMOTE ADDRESS/, 'Peers, then Events, then Channels');

    tui.write('n');
    await tui.waitFor(/> Direction +forward +reverse/);
    tui.write('\t\t');
    await tui.waitFor(/> Exit port/);
    await typeInto(tui, 'Exit port', '12345');
    tui.write('\u007f\u007f\u007f');
    await tui.waitFor((screen) => /> Exit port +12(?!3)/.test(screen));
    tui.write('\u001b');
    await tui.waitFor(/REMOTE ADDRESS/);
    tui.write('q');
    assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
  });

  it('starts with a saved server whose auth plugin cannot load, shown as broken next to the others', async (t) => {
    const defer = deferrer(t);
    const {server, url} = await startServer();
    defer(() => server.close());
    const configDir = mkdtempSync(join(tmpdir(), 'netunnel-tui-broken-'));
    defer(() => rmSync(configDir, {recursive: true, force: true}));
    const settings = new ConsoleSettings({configDir});
    settings.addServer({name: 'broken', url: 'http://127.0.0.1:9', authPlugin: './no-such-plugin.js#Auth'});
    settings.addServer({name: 'good', url});
    const tui = startConsoleInPty([], {columns: 100, rows: 30, configDir});
    defer(() => tui.close());
    const screen = await tui.waitFor(/^ 1 broken ○ broken entry +2 good ● /);
    assert.match(screen.split('\n')[27]!, /^broken: Cannot load auth plugin module "\.\/no-such-plugin\.js": /);
    tui.write('q');
    assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
  });

  it('tells a URL that is no NETunnel server (a web server) apart from a server, and from 1.0.12', async (t) => {
    const web = await startWebServer(t.after.bind(t));
    const classic = await startServer({extensions: false});
    t.after(() => classic.server.close());
    const tui = startConsoleInPty([web, classic.url], {columns: 120, rows: 30});
    try {
      const screen = await tui.waitFor(/^ 1 127\.0\.0\.1:\d+ ○ not a NETunnel server +2 127\.0\.0\.1:\d+ ● 1\.0\.12 \(no mgmt\)/);
      assert.equal(screen.split('\n')[27], `127.0.0.1:${new URL(web).port}: ${web} is not a NETunnel server (GET /version answered 404 text/html)`);
      assert.doesNotMatch(screen, /stale/, 'it never answered as a server: nothing of it is stale');
      tui.write('q');
      assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
    } finally {
      await tui.close();
    }
  });
});

describe("netunnel-tui's own tunnels across a server restart", {concurrency: 2}, () => {
  for (const [kind, extensions] of [['our server', true], ['a server without the management API (as 1.0.12)', false]] as const) {
    it(`reopens them on the same local ports when ${kind} is back, and bytes flow again`, async (t) => {
      const defer = deferrer(t);
      let {server, url} = await startServer({extensions});
      defer(() => server.close());
      const port = Number(new URL(url).port);
      const echo = await startEchoServer();
      defer(() => echo.close());
      const tui = startConsoleInPty([url], {columns: 100, rows: 30});
      defer(() => tui.close());
      await tui.waitFor(/^ 1 127\.0\.0\.1:\d+ ● /);
      await fillForwardTunnelForm(tui, echo.port);
      tui.write('\r');
      const opened = await tui.waitFor(/Tunnel \d+\/1 open: connect to 127\.0\.0\.1:(\d+)/);
      const entrancePort = Number(/connect to 127\.0\.0\.1:(\d+)/.exec(opened)![1]);
      const payload = randomPayload(500);
      assert.deepEqual(await exchange(entrancePort, payload), payload);

      await server.close();
      await tui.waitFor(new RegExp(`★\\d+/1 +fwd 127\\.0\\.0\\.1:${entrancePort} +127\\.0\\.0\\.1:${echo.port} +reopening`));
      assert.match(tui.screen(), /; the console's 1 tunnel\(s\) reopen when it is back/);

      server = new NetunnelServer({port, extensions});
      await server.start();
      await tui.waitFor(/Reopened the console's 1 tunnel\(s\) on 127\.0\.0\.1:\d+, on the same ports/, 30_000);
      await tui.waitFor(new RegExp(`★\\d+/1 +fwd 127\\.0\\.0\\.1:${entrancePort} +127\\.0\\.0\\.1:${echo.port} +0/0 `));
      const again = randomPayload(700);
      assert.deepEqual(await exchange(entrancePort, again), again, 'the same local port, through the new server');
      tui.write('q');
      assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
    });
  }
});

describe('netunnel-client at a URL that is no NETunnel server', () => {
  it('says so in one line and exits 1, instead of the page or a parse error', async (t) => {
    const web = await startWebServer(t.after.bind(t));
    const greeting = await startGreetingServer(t.after.bind(t));
    const [atWeb, atGreeting] = await Promise.all([runCli('netunnel-client', ['--server', web]), runCli('netunnel-client', ['--server', greeting])]);
    assert.deepEqual([atWeb.code, atWeb.stderr], [1, `netunnel-client: ${web} is not a NETunnel server (GET /version answered 404 text/html)\n`]);
    assert.equal(atGreeting.code, 1);
    assert.match(atGreeting.stderr, new RegExp(`^netunnel-client: ${greeting.replace(/[.]/g, '\\.')} is not a NETunnel server \\(it does not answer in HTTP: Parse Error: [^\\n]+\\)\\n$`));
  });
});

describe('netunnel-tui on what it cannot do, and on quitting', {concurrency: 2}, () => {
  it('refuses TERM=dumb in one line, exit 2, before it draws anything', async (t) => {
    const defer = deferrer(t);
    const tui = startConsoleInPty([], {columns: 80, rows: 24, env: {TERM: 'dumb'}});
    defer(() => tui.close());
    assert.equal(await within(tui.exited, 20_000, 'tui to exit'), 2);
    assert.equal(tui.output().trim(), 'netunnel-tui: netunnel-tui needs a terminal that can draw a screen (TERM=dumb cannot); scripts use netunnel-tui --no-tui');
  });

  it("says why a key does nothing in this pane, and asks before Ctrl-C in a form closes the console's tunnels", async (t) => {
    const defer = deferrer(t);
    const echo = await startEchoServer();
    defer(() => echo.close());
    const tui = startConsoleInPty([], {columns: 100, rows: 30});
    defer(() => tui.close());
    await tui.waitFor(/^ 1 embedded ● /);
    tui.write('p');
    await tui.waitFor(/p \(add a peer\) works in the Peers pane: Tab moves there/);
    tui.write('x');
    await tui.waitFor(/x \(disconnect the channel\) works in the Channels pane: Tab moves there/);
    // Enter after a key was seen: the terminal is in raw mode by then (a CR sent before is a line feed).
    tui.write('\r');
    await tui.waitFor(/No row is selected \(i shows the server\)/);

    // No tunnel of its own yet: Ctrl-C in a form quits at once... after one is open, it asks.
    await fillForwardTunnelForm(tui, echo.port);
    tui.write('\r');
    await tui.waitFor(/Tunnel 1\/1 open/);
    tui.write('n');
    await tui.waitFor(/> Direction/);
    tui.write('\t\t');
    await typeInto(tui, 'Exit port', '7');
    tui.write('\u0003');
    await tui.waitFor(/Quit\? The console's 1 tunnel\(s\) close\./);
    tui.write('n');
    await tui.waitFor(/> Exit port +7/, 5000);
    tui.write('\u0003');
    await tui.waitFor(/Quit\? The console's 1 tunnel\(s\) close\./);
    tui.write('\u0003');
    assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
  });
});
