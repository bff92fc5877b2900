/**
 * netunnel-tui's Connections pane end to end, in a real pseudo-terminal: a real server on port
 * 0, a real client's reverse tunnel, real TCP connections made here. The pane lists them with
 * their source and exact bytes, orders them, closes one (both halves end), drains the tunnel
 * (an open connection finishes whole, a new one is refused), and `y` writes OSC 52; the
 * Events pane tells it all, filtered with `/`.
 */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import type {NetunnelClient} from '../../source/client/netunnel-client.js';
import {osc52} from '../../source/console/tui/clipboard.js';
import {closed, echo, holdConnection, startEchoingService} from '../helpers/held-connections.js';
import {connectClient, eventually, startServer} from '../helpers/netunnel.js';
import {startConsoleInPty} from '../helpers/pty-console.js';
import {within} from '../helpers/streams.js';
import {isPortClosed, randomPayload} from '../helpers/tcp.js';
import {deferrer} from '../helpers/cleanup.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A row of the Connections pane: id, tunnel, source, sent, received, ..., state. */
function connectionRow(tunnelKey: string, port: number | undefined, sent: string, received: string): RegExp {
  return new RegExp(`(\\d+) +${escape(tunnelKey)} +127\\.0\\.0\\.1:${port} +${escape(sent)} +${escape(received)} .* open`);
}

describe('netunnel-tui: the Connections pane in a terminal', () => {
  it('lists a connection with its source and exact bytes, shows it, copies it (OSC 52), sorts, closes it at both ends, drains its tunnel', async (t) => {
    const defer = deferrer(t);
    const {server, url} = await startServer();
    defer(() => server.close());
    const service = await startEchoingService();
    defer(() => service.close());
    let client: NetunnelClient | undefined;
    defer(() => client?.close());
    const tui = startConsoleInPty([url], {columns: 120, rows: 30});
    defer(() => tui.close());
    client = await connectClient(url);
    const tunnel = await client.openTunnelToClient({exitPort: service.port});
    const key = `${client.channelId}/${tunnel.id}`;
    const first = await holdConnection(service, tunnel.entrance.port);
    const payload = randomPayload(300);
    assert.deepEqual(await echo(first, payload), payload);

    await tui.waitFor(/^ 1 127\.0\.0\.1:\d+ ● /);
    // Tunnels, then Conns.
    tui.write('\t');
    const listed = await tui.waitFor(connectionRow(key, first.app.localPort, '300 B', '300 B'));
    const firstId = Number(connectionRow(key, first.app.localPort, '300 B', '300 B').exec(listed)![1]);
    assert.match(listed, /Conns \(1\)/);
    assert.doesNotMatch(listed.split('\n')[2]!, /[▲▼]/, 'in the natural order (oldest first) until o');

    // Details: where it came from, its tunnel, its exact bytes, its state.
    tui.write('\r');
    const details = await tui.waitFor(new RegExp(`Connection ${firstId}\\b`));
    assert.match(details, new RegExp(`Tunnel +${escape(key)} rev 0\\.0\\.0\\.0:${tunnel.entrance.port} -> 127\\.0\\.0\\.1:${service.port}|Tunnel +${escape(key)} rev [^ ]+:${tunnel.entrance.port} -> 127\\.0\\.0\\.1:${service.port}`));
    assert.match(details, new RegExp(`Source +127\\.0\\.0\\.1:${first.app.localPort}\\b`));
    assert.match(details, /Sent +300 B \(300 bytes, entrance to exit\)/);
    assert.match(details, /Received +300 B \(300 bytes, back\)/);
    assert.match(details, /State +open both ways/);
    tui.write('\u001B');
    // Back in the pane (and the Esc read alone: y right after it would be Alt-y).
    await tui.waitFor(/ID TUNNEL SOURCE/);

    // y: the exact OSC 52 sequence of the source address, straight to the terminal.
    const source = `127.0.0.1:${first.app.localPort}`;
    const before = tui.output().length;
    tui.write('y');
    await tui.waitFor(new RegExp(`Copied to the clipboard: ${escape(source)}`));
    assert.ok(tui.output().slice(before).includes(osc52(source)), 'the OSC 52 sequence of the source');
    assert.equal(osc52(source), `\u001b]52;c;${Buffer.from(source).toString('base64')}\u0007`);

    // A second connection, busier: o orders by id, tunnel, source, then sent (biggest first); O reverses.
    // The selection stays on the first connection's row.
    const second = await holdConnection(service, tunnel.entrance.port);
    const big = randomPayload(5000);
    assert.deepEqual(await echo(second, big), big);
    await tui.waitFor(connectionRow(key, second.app.localPort, '5.0 kB', '5.0 kB'));
    const order = (screen: string) => [first, second].map((held) => screen.indexOf(`127.0.0.1:${held.app.localPort}`));
    for (const sorted of ['ID, descending', 'TUNNEL, ascending', 'SOURCE, ascending', '↑SENT, descending']) {
      tui.write('o');
      await tui.waitFor(new RegExp(`Sorted by ${sorted} \\(o: next column, O: flip\\)`));
    }
    let [at1, at2] = order(tui.screen());
    assert.match(tui.screen(), / ↑SENT▼ /, 'the column marked in the header');
    assert.ok(at2! < at1!, `the busier connection first by sent:\n${tui.screen()}`);
    tui.write('O');
    await tui.waitFor(/Sorted by ↑SENT, ascending/);
    [at1, at2] = order(tui.screen());
    assert.ok(at1! < at2!, `the quieter connection first, reversed:\n${tui.screen()}`);

    // d on the first: the server cuts both halves.
    // Each key after the screen answered the previous one: keys that arrive together are one input.
    await tui.waitFor(new RegExp(`▶ *${firstId} +${escape(key)} `));
    tui.write('d');
    await tui.waitFor(new RegExp(`Close connection ${firstId}\\?`));
    tui.write('y');
    await tui.waitFor(new RegExp(`Connection ${firstId} closed`));
    await closed(first.app, 5000, "the application's socket to close");
    await closed(first.exit, 5000, "the exit's socket to close");
    await tui.waitFor((screen) => /Conns \(1\)/.test(screen) && !screen.includes(source));

    // r on the second: its tunnel drains. A new connection is refused, the open one finishes whole.
    tui.write('r');
    await tui.waitFor(new RegExp(`Drain tunnel ${escape(key)}\\?`));
    tui.write('y');
    await tui.waitFor(new RegExp(`Tunnel ${escape(key)} draining: it goes once its 1 open connection ended`));
    assert.equal(await isPortClosed(tunnel.entrance.port), true, 'a new connection is refused');
    const whole = randomPayload(1024 * 1024);
    assert.deepEqual(await echo(second, whole), whole);
    second.app.end();
    await closed(second.app, 5000, 'the drained connection to end');
    await eventually(() => !server.channels.all().some((channel) => channel.tunnels.has(tunnel.id)), 5000, 'the drained tunnel to go');
    await tui.waitFor((screen) => /Conns \(0\)/.test(screen));

    // Conns, then Peers, then Events: the timeline told the story, newest first; / filters it.
    tui.write('\t');
    await tui.waitFor(/No peer\. p adds one/);
    tui.write('\t');
    const events = await tui.waitFor(new RegExp(`tunnel\\.deleted +Tunnel ${escape(key)} deleted`));
    assert.match(events, new RegExp(`tunnel\\.draining +Tunnel ${escape(key)} draining: 1 open connection to finish`));
    // The tunnel may be older than the console's stream (then the snapshot has it): the stream's start is the oldest line.
    assert.match(events, /snapshot +Event stream started: \d+ channels?, \d+ tunnels?, 0 peers/);
    const at = (type: string) => events.indexOf(type);
    assert.ok(at('tunnel.deleted') < at('tunnel.draining') && at('tunnel.draining') < at('snapshot'), events);
    tui.write('/');
    await tui.waitFor(/Filter: /);
    tui.write('draining');
    await tui.waitFor(/Filter: draining/);
    tui.write('\r');
    const filtered = await tui.waitFor((screen) => screen.includes('filter: draining') && !screen.includes('snapshot') && /\? help +q quit/.test(screen));
    assert.match(filtered, /tunnel\.draining/);
    assert.doesNotMatch(filtered, /tunnel\.deleted/);

    tui.write('q');
    assert.equal(await within(tui.exited, 10_000, 'tui to exit'), 0);
  });
});
