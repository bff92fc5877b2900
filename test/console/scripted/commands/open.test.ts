/** Scripted `open` against real servers: netunnel-client's lines, interruption, the server closing the tunnel or going away. */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {eventually, startServer} from '../../../helpers/netunnel.js';
import {exchange, isPortClosed, randomPayload} from '../../../helpers/tcp.js';
import {scriptedMode} from '../../../helpers/scripted.js';
import {useServerAndEcho} from '../../../helpers/suite-servers.js';
import {within} from '../../../helpers/streams.js';

const {scripted, startScripted} = scriptedMode();

describe('scripted mode: open', () => {
  const suite = useServerAndEcho();

  it("open: a forward tunnel with netunnel-client's lines, closed on the server when interrupted", async () => {
    const {server, url, echo} = suite;
    const open = startScripted(['-s', url, 'open', '--remote-port', String(echo.port)]);
    const lines = await open.waitForLines(3);
    const entrancePort = Number(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/.exec(lines[1]!)?.[1]);
    assert.deepEqual(lines, ['Opening tunnel to the server...', `Tunnel entrance socket: 127.0.0.1:${entrancePort}`, `Tunnel exit socket: 127.0.0.1:${echo.port}`]);
    const payload = randomPayload(200_000);
    assert.deepEqual(await exchange(entrancePort, payload), payload);
    assert.equal(server.channels.all().length, 1);
    open.stop();
    assert.deepEqual(await within(open.done, 10_000, 'open to end'), {code: 0, stderr: '', stdout: `${lines.join('\n')}\n`});
    assert.equal(await isPortClosed(entrancePort), true);
    await eventually(() => server.channels.all().length === 0, 5000, 'the channel to close on the server');
  });

  it('open --reverse --json: one JSON line with the port the server chose', async () => {
    const {url, echo} = suite;
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
    assert.equal((await within(open.done, 10_000, 'open to end')).code, 0);
    await eventually(() => isPortClosed(opened.entrance.port), 5000, 'the reverse entrance to close');
  });

  it('open against a 1.0.12-like server: forward works; reverse needs the entrance port, since that server would not tell it', async () => {
    const {echo} = suite;
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
      assert.equal((await within(open.done, 10_000, 'open to end')).code, 0);
      assert.equal(await isPortClosed(entrancePort), true);
    } finally {
      await legacy.server.close();
    }
  });

  it('open ends with 0 when the server closes the tunnel, 1 when the server goes away', async () => {
    const {echo} = suite;
    const other = await startServer();
    try {
      const first = startScripted(['-s', other.url, 'open', '--remote-port', String(echo.port)]);
      await first.waitForLines(3);
      const [channel] = other.server.channels.all();
      channel!.deleteTunnel(1, true, true);
      assert.deepEqual((({code, stderr}) => ({code, stderr}))(await within(first.done, 10_000, 'first to end')), {code: 0, stderr: 'netunnel-tui: Tunnel 1 was closed by the server\n'});

      const second = startScripted(['-s', other.url, 'open', '--remote-port', String(echo.port)]);
      await second.waitForLines(3);
      await other.server.close();
      assert.deepEqual((({code, stderr}) => ({code, stderr}))(await within(second.done, 10_000, 'second to end')), {code: 1, stderr: `netunnel-tui: The connection to ${other.url} was lost\n`});
    } finally {
      await other.server.close();
    }
  });
});
