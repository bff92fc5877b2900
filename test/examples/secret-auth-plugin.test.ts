/**
 * examples/secret-auth-plugin: its README run as written, with the built-in plugin (server,
 * curl on the wire, client, a secret file, console in a pseudo-terminal, scripted mode, a
 * saved server, a peer) and with the example's own plugin. The plugin itself is tested in
 * test/auth/secret-auth.test.ts.
 */
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as pty from 'node-pty';
import xterm from '@xterm/headless';
import {eventually} from '../helpers/netunnel.js';
import {ROOT, readmeCommands, runShell, startShell, type RunningShell} from '../helpers/readme.js';
import {freePort} from '../helpers/tcp.js';

describe('examples/secret-auth-plugin README', () => {
  let configHome: string;
  before(() => {
    configHome = mkdtempSync(join(tmpdir(), 'netunnel-secret-example-'));
  });
  after(() => rmSync(configHome, {recursive: true, force: true}));

  it('every command works as written', async () => {
    const commands = readmeCommands('examples/secret-auth-plugin/README.md');
    assert.deepEqual(
      [...commands.keys()],
      ['server', 'no-token', 'with-token', 'client', 'wrong-secret', 'secret-file', 'console', 'scripted', 'save', 'use-saved', 'peer-server', 'peer-add', 'own-plugin'],
    );
    const [port, peerPort] = [await freePort(), await freePort()];
    const env = {PORT: String(port), PEER_PORT: String(peerPort), XDG_CONFIG_HOME: configHome, SECRET_DIR: configHome};
    const started: RunningShell[] = [];
    let tui: pty.IPty | undefined;
    try {
      const server = startShell(commands.get('server')!, env);
      const peerServer = startShell(commands.get('peer-server')!, env);
      started.push(server, peerServer);
      await Promise.all([
        server.waitForLine(new RegExp(`INFO Starting server on 127\\.0\\.0\\.1:${port}$`)),
        peerServer.waitForLine(new RegExp(`INFO Starting server on 127\\.0\\.0\\.1:${peerPort}$`)),
      ]);

      const client = startShell(commands.get('client')!, env);
      started.push(client);
      const [noToken, withToken, wrongSecret, secretFile, scripted, save] = await Promise.all([
        runShell(commands.get('no-token')!, env),
        runShell(commands.get('with-token')!, env),
        runShell(commands.get('wrong-secret')!, env),
        runShell(commands.get('secret-file')!, env),
        runShell(commands.get('scripted')!, env),
        runShell(commands.get('save')!, env),
        client.waitForLine(/^Tunnel exit socket:/),
      ]);
      assert.deepEqual(noToken, {code: 0, stdout: '403\n', stderr: ''});
      assert.deepEqual(withToken, {code: 0, stdout: '1.0.12', stderr: ''});
      assert.deepEqual(wrongSecret, {code: 1, stdout: '', stderr: 'netunnel-client: Authentication failed: the server refused the secret\n'});
      const statusLine = new RegExp(`^NAME +URL +PROTOCOL +IMPLEMENTATION +RTT +HOSTNAME +STARTED\n127\\.0\\.0\\.1:${port}  http://127\\.0\\.0\\.1:${port}  1\\.0\\.12 +netunnel-ts `);
      for (const run of [secretFile, scripted]) {
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, '', 'a private secret file is not warned about');
        assert.match(run.stdout, statusLine);
      }
      assert.equal(statSync(join(configHome, 'netunnel.secret')).mode & 0o777, 0o600);
      assert.deepEqual(save, {code: 0, stderr: '', stdout: `Saved server "secured" (http://127.0.0.1:${port})\n`});
      const settings = JSON.parse(readFileSync(join(configHome, 'netunnel', 'config.json'), 'utf8')) as {servers: unknown[]};
      assert.deepEqual(settings.servers, [{name: 'secured', url: `http://127.0.0.1:${port}`, authPlugin: 'secret', authData: {secret: 'change-me'}}]);
      assert.match(client.stdout(), new RegExp(`^Opening tunnel to the server\\.\\.\\.\nTunnel entrance socket: 127\\.0\\.0\\.1:\\d+\nTunnel exit socket: 127\\.0\\.0\\.1:${port}\n$`));

      // The interactive console, in a pseudo-terminal, next to the scripted mode with the saved server.
      const terminal = new xterm.Terminal({cols: 100, rows: 30, allowProposedApi: true});
      tui = pty.spawn('bash', ['-c', commands.get('console')!], {
        name: 'xterm-256color',
        cols: 100,
        rows: 30,
        cwd: ROOT,
        env: {...(process.env as Record<string, string>), ...env, CI: 'false', TERM: 'xterm-256color'},
      });
      tui.onData((data) => terminal.write(data));
      const consoleExited = new Promise<number>((resolve) => tui!.onExit(({exitCode}) => resolve(exitCode)));
      const screen = () => {
        const lines: string[] = [];
        for (let y = 0; y < terminal.rows; y += 1) lines.push(terminal.buffer.active.getLine(y)?.translateToString(true) ?? '');
        return lines.join('\n');
      };
      const [useSaved] = await Promise.all([
        runShell(commands.get('use-saved')!, env),
        eventually(() => /Channels \(1\)/.test(screen()), 30_000, 'the console to list the client').catch((error: Error) => {
          throw new Error(`${error.message}; the screen:\n${screen()}`);
        }),
      ]);
      assert.equal(useSaved.code, 0, useSaved.stderr);
      assert.match(useSaved.stdout, /^ID  CLIENT +REMOTE +CONNECTED  SINCE +TUNNELS\n 1  1\.0\.12 \(netunnel-ts\)  127\.0\.0\.1  yes +\S+ \S+ +1\n$/);
      tui.write('q');
      assert.equal(await consoleExited, 0);
      tui = undefined;

      const peerAdd = await runShell(commands.get('peer-add')!, env);
      assert.deepEqual(peerAdd, {code: 0, stderr: '', stdout: `Added peer 1 "second" (http://127.0.0.1:${peerPort})\n`});
      const ownPlugin = await runShell(commands.get('own-plugin')!, env);
      assert.equal(ownPlugin.code, 0, ownPlugin.stderr);
      assert.deepEqual(
        (JSON.parse(ownPlugin.stdout) as Array<{name: string; auth_data: unknown}>).map((peer) => [peer.name, peer.auth_data]),
        [['second', {secret: 'peer-secret'}]],
      );

      client.signal('SIGINT');
      assert.equal(await client.exited, 0);
      for (const each of [server, peerServer]) {
        each.signal('SIGINT');
        assert.equal(await each.exited, 0);
      }
    } finally {
      tui?.kill('SIGKILL');
      for (const running of started) running.signal('SIGKILL');
    }
  });
});
