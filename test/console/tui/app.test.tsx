/** The whole screen, fed by a session over fake servers: tabs, panes, modes, actions, and its size. */
import {afterEach, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ConsoleSession} from '../../../source/console/session.js';
import {ConsoleSettings} from '../../../source/console/settings.js';
import {App} from '../../../source/console/tui/app.js';
import {FakeConsoleApi, SERVER_INFO, channel, connectionInfo, peer, staticTunnel, tunnel} from '../../helpers/fake-console-api.js';
import {KEYS, press, renderThemed, waitForFrame, widthOf, type Rendered} from '../../helpers/ink.js';
import {eventually} from '../../helpers/netunnel.js';

const FAST = {pollMs: 20, probeMs: 10_000, sampleMs: 20, retryMinMs: 10, retryMaxMs: 40, downAfterMs: 100};

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

function start(apis: FakeConsoleApi[], size = {columns: 80, rows: 24}, settings?: ConsoleSettings) {
  const createApi = (target: {url: string}) => {
    let api = apis.find((candidate) => candidate.serverUrl === target.url);
    if (!api) {
      api = new FakeConsoleApi(target.url);
      apis.push(api);
    }
    return api;
  };
  const session = new ConsoleSession({createApi, timing: FAST});
  apis.forEach((api, index) => session.addServer({name: `srv${index + 1}`, url: api.serverUrl}));
  let quits = 0;
  const instance = renderThemed(<App session={session} onQuit={() => (quits += 1)} size={size} refreshMs={0} {...(settings ? {settings} : {})} />);
  cleanups.push(async () => {
    instance.unmount();
    await session.close();
  });
  return {session, instance, quits: () => quits};
}

function snapshot(api: FakeConsoleApi) {
  api.emit({
    type: 'snapshot',
    server: SERVER_INFO,
    channels: [channel(1, {tunnel_count: 2}), channel(2)],
    tunnels: [tunnel(1, 1, {bytes: {sent: 2048, received: 10}}), tunnel(1, 2, {direction: 'reverse', entrance: {address: '127.0.0.1', port: 2222}})],
    peers: [peer(1, 'alpha', [staticTunnel(1)])],
  });
}

function assertFrameFits(frame: string, columns: number, rows: number) {
  const lines = frame.split('\n');
  assert.equal(lines.length, rows - 1, `a frame of rows - 1 lines:\n${frame}`);
  for (const line of lines) assert.ok(widthOf(line) <= columns, `line wider than ${columns}: "${line}"`);
}

async function ready(instance: Rendered, api: FakeConsoleApi) {
  await eventually(() => api.subscribers === 1, 5000, 'the subscription');
  snapshot(api);
  return waitForFrame(instance, /1\/2 +rev/);
}

describe('App', () => {
  it('shows a server tab in each state: connecting, connected, reconnecting, down', async () => {
    const api = new FakeConsoleApi('http://127.0.0.1:4001');
    const legacy = new FakeConsoleApi('http://127.0.0.1:4002');
    legacy.info = null;
    legacy.reachable = false;
    const {instance} = start([api, legacy]);
    await waitForFrame(instance, /^ 1 srv1 ◌ connecting +2 srv2 ○ down/);
    await ready(instance, api);
    await waitForFrame(instance, /^ 1 srv1 ● 0\.1\.0 /);
    api.emitState('reconnecting', 'Cannot reach http://127.0.0.1:4001: socket hang up');
    let frame = await waitForFrame(instance, /^ 1 srv1 ◐ reconnecting/);
    assert.match(frame.split('\n')[1]!, /stale: Cannot/);
    assert.match(frame.split('\n')[21]!, /^srv1: Cannot reach http:\/\/127\.0\.0\.1:4001: socket hang up/);
    legacy.reachable = true;
    frame = await press(instance, '2', /2 srv2 ● 1\.0\.12 \(no mgmt\)/);
    assert.match(frame, /Channels +Tunnels \(0\) +Conns +Peers \(0\) +Events/);
    frame = await press(instance, KEYS.shiftTab, /This server cannot list channels/);
    assertFrameFits(frame, 80, 24);
  });

  it('keeps every frame to rows - 1 lines of at most the width, in every mode', async () => {
    for (const size of [{columns: 80, rows: 24}, {columns: 60, rows: 12}, {columns: 132, rows: 40}]) {
      const api = new FakeConsoleApi();
      const {instance} = start([api], size);
      assertFrameFits(await ready(instance, api), size.columns, size.rows);
      assertFrameFits(await press(instance, KEYS.tab, /No connection open/), size.columns, size.rows);
      assertFrameFits(await press(instance, KEYS.tab, /PEER/), size.columns, size.rows);
      assertFrameFits(await press(instance, KEYS.tab, /TIME +EVENT|TIME +WHAT/), size.columns, size.rows);
      assertFrameFits(await press(instance, KEYS.tab, /REMOTE ADDRESS/), size.columns, size.rows);
      assertFrameFits(await press(instance, '?', /Keys/), size.columns, size.rows);
      assertFrameFits(await press(instance, KEYS.escape, /REMOTE ADDRESS/), size.columns, size.rows);
      assertFrameFits(await press(instance, KEYS.enter, /Channel 1/), size.columns, size.rows);
      assertFrameFits(await press(instance, KEYS.escape, /REMOTE ADDRESS/), size.columns, size.rows);
      assertFrameFits(await press(instance, 'n', /New tunnel on srv1/), size.columns, size.rows);
      assertFrameFits(await press(instance, KEYS.escape, /REMOTE ADDRESS/), size.columns, size.rows);
      assertFrameFits(await press(instance, 'x', /Disconnect channel 1\?/), size.columns, size.rows);
      assertFrameFits(await press(instance, 'n', /REMOTE ADDRESS/), size.columns, size.rows);
      for (const cleanup of cleanups) await cleanup();
      cleanups = [];
    }
  });

  it('moves between panes and rows, shows details, and filters', async () => {
    const api = new FakeConsoleApi();
    const {instance} = start([api]);
    let frame = await ready(instance, api);
    assert.match(frame, /▶ 1\/1 +fwd/);
    frame = await press(instance, 'j', /▶ 1\/2 +rev/);
    frame = await press(instance, KEYS.enter, /Tunnel 1\/2\n/);
    assert.match(frame, /Direction +reverse: entrance on the server/);
    assert.match(frame, /Entrance +127\.0\.0\.1:2222/);
    frame = await press(instance, KEYS.escape, /▶ 1\/2 +rev/);
    frame = await press(instance, '/', /Filter:/);
    for (const key of '2222') await press(instance, key, new RegExp(`Filter: ${'2222'.slice(0, 1)}`));
    frame = await waitForFrame(instance, (text) => !text.includes('1/1 ') && text.includes('1/2'));
    frame = await press(instance, KEYS.enter, /filter: 2222/);
    frame = await press(instance, KEYS.escape, /1\/1 +fwd/);
    assert.doesNotMatch(frame, /filter:/);
    await press(instance, KEYS.tab, /Conns \(0\)/);
    frame = await press(instance, KEYS.tab, /▶ alpha/);
    frame = await press(instance, 'G', /▶ +└ #1/);
    frame = await press(instance, KEYS.enter, /Static tunnel 1 of peer alpha/);
  });

  it("keeps details moving without frames: a tunnel's connect history slides a slot each second, a connection's idle time grows", async () => {
    const api = new FakeConsoleApi();
    const {instance} = start([api]);
    await eventually(() => api.subscribers === 1, 5000, 'the subscription');
    const history = [...new Array<null>(25).fill(null), 3, ...new Array<null>(4).fill(null)];
    const now = new Date().toISOString();
    api.emit({
      type: 'snapshot',
      at: now,
      server: SERVER_INFO,
      channels: [channel(1)],
      tunnels: [tunnel(1, 1, {connect_ms: {p50: 3, p90: 3, history}})],
      peers: [],
      connections: [connectionInfo(5, {opened_at: now, last_activity_at: now})],
    });
    await waitForFrame(instance, /▶ 1\/1 +fwd/);
    // The bar's column on the screen (the label's width is fixed).
    const barAt = (frame: string) => (/^.*Connect, 30 s.*$/m.exec(frame)?.[0] ?? '').indexOf('█');
    const frame = await press(instance, KEYS.enter, /Connect, 30 s +.*█/);
    const first = barAt(frame);
    // Where the values start: the slots of the history are the 30 columns from there.
    const slots = (/^.*Connect +p50/m.exec(frame)?.[0] ?? '').indexOf('p50');
    assert.ok(first >= slots + 20 && first <= slots + 25, `the bar near the 26th of 30 slots where the frame put it:\n${frame}`);
    // No frame comes: only the clock moves it.
    const later = barAt(await waitForFrame(instance, (frame) => barAt(frame) !== first, 3000));
    assert.equal(later, first - 1);
    await press(instance, KEYS.escape, /▶ 1\/1 +fwd/);
    await press(instance, KEYS.tab, /▶ +5 1\/1 +127\.0\.0\.1:50005/);
    const idleOf = (frame: string) => Number(/\(idle (\d+)s\)/.exec(frame)?.[1]);
    const idle = idleOf(await press(instance, KEYS.enter, /Connection 5\n[\s\S]*\(idle \d+s\)/));
    assert.equal(idleOf(await waitForFrame(instance, (frame) => idleOf(frame) > idle, 3000)), idle + 1);
  });

  it('runs actions through forms and confirmations, and shows results and refusals', async () => {
    const api = new FakeConsoleApi();
    const {instance} = start([api]);
    await ready(instance, api);
    // Tear down another client's tunnel.
    await press(instance, 'd', /Tear down tunnel 1\/1\?/);
    await press(instance, 'y', /Tunnel 1\/1 torn down/);
    assert.ok(api.calls.includes('tunnels.close 1/1 force=true'));
    // Disconnect a channel.
    await press(instance, KEYS.shiftTab, /CLIENT/);
    await press(instance, 'x', /Disconnect channel 1\?/);
    await press(instance, 'y', /Channel 1 disconnected/);
    assert.ok(api.calls.includes('channels.disconnect 1'));
    // Add a peer, refused, then accepted.
    await press(instance, KEYS.shiftTab, /TIME +EVENT/);
    await press(instance, KEYS.shiftTab, /PEER/);
    await press(instance, 'p', /Add a peer to srv1/);
    for (const key of 'beta') await press(instance, key, new RegExp(`> Name +${'beta'.slice(0, 1)}`));
    await waitForFrame(instance, /> Name +beta/);
    await press(instance, KEYS.tab, /> URL/);
    for (const key of 'http://b:1') await press(instance, key, /> URL +h/);
    await waitForFrame(instance, /> URL +http:\/\/b:1/);
    api.refuseNext = 'Failed to connect to peer http://b:1: Cannot connect to host b:1';
    const refused = await press(instance, KEYS.enter, /The server refused/);
    // Wrapped by whole words: a line break only where a space was.
    assert.match(refused.replace(/\n/g, ' '), /The server refused: Failed to connect to peer http:\/\/b:1: Cannot connect to host b:1/);
    await press(instance, KEYS.enter, /Peer beta added \(id 1\)/);
    assert.ok(api.calls.includes('peers.add beta http://b:1 null'));
  });

  it('says what a server without the management API cannot do, and quits on q', async () => {
    const api = new FakeConsoleApi();
    api.info = null;
    const {instance, quits} = start([api]);
    await waitForFrame(instance, /1\.0\.12 \(no mgmt\)/);
    await press(instance, KEYS.shiftTab, /This server cannot list channels/);
    await press(instance, 'x', /This server cannot list or disconnect channels \(no management API\)/);
    instance.stdin.write('q');
    await waitForFrame(instance, () => quits() === 1);
  });

  it('adds, edits and forgets saved servers; sets the proxy; factory resets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netunnel-app-'));
    cleanups.push(async () => rmSync(dir, {recursive: true, force: true}));
    const settings = new ConsoleSettings({configDir: dir});
    const api = new FakeConsoleApi();
    const {instance} = start([api], {columns: 100, rows: 30}, settings);
    await ready(instance, api);
    const type = async (label: string, text: string) => {
      for (let index = 1; index <= text.length; index += 1) {
        const typed = text.slice(0, index).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        await press(instance, text[index - 1]!, new RegExp(`> ${label} +${typed}`));
      }
    };

    await press(instance, 'e', /srv1 is not a saved server \(a saves one\)/);
    await press(instance, 'a', /Add a server/);
    await type('URL', 'http://127.0.0.1:4999');
    await press(instance, KEYS.enter, /Server 127\.0\.0\.1:4999 saved and opened/);
    await waitForFrame(instance, /2 127\.0\.0\.1:4999 /);
    assert.deepEqual(settings.listServers(), [{name: '127.0.0.1:4999', url: 'http://127.0.0.1:4999'}]);

    await press(instance, 'e', /Edit saved server 127\.0\.0\.1:4999/);
    await press(instance, KEYS.tab, /> Name +127\.0\.0\.1:4999/);
    await press(instance, '\u0015', /> Name +(e\.g\.|empty)/);
    await type('Name', 'prod');
    await press(instance, KEYS.enter, /Server prod saved/);
    await waitForFrame(instance, /2 prod /);
    assert.deepEqual(settings.listServers(), [{name: 'prod', url: 'http://127.0.0.1:4999'}]);

    await press(instance, 'D', /Forget saved server prod\?/);
    await press(instance, 'y', /Server prod forgotten/);
    await waitForFrame(instance, (frame) => !frame.includes('2 prod'));
    assert.deepEqual(settings.listServers(), []);

    await press(instance, '1', /1 srv1/);
    await press(instance, 'P', /HTTP proxy of srv1 \(used toward its peers\)\nnow none\. An empty URL clears it\./);
    await type('Proxy URL', 'http://p:3128');
    await press(instance, KEYS.enter, /Proxy of srv1 set to http:\/\/p:3128/);
    assert.ok(api.calls.includes('proxy.set {"proxy_url":"http://p:3128","check_proxy":true}'));

    await press(instance, 'R', /Factory reset srv1\?/);
    // Submitting unconfirmed moves to the confirmation, which says what it wants.
    await press(instance, KEYS.enter, /> Type "reset" to confirm +✗ type reset/);
    await type('Type "reset" to confirm', 'reset');
    await press(instance, KEYS.enter, /srv1 was reset to its defaults/);
    assert.ok(api.calls.includes('server.factoryReset {"disconnect_clients":false}'));
  });
});
