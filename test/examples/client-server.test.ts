/** examples/client-server, run as its README says: the library example and the CLI example side by side. */
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {readmeCommands, runShell, startShell, type RunningShell} from '../helpers/readme.js';
import {freePort} from '../helpers/tcp.js';

let configHome: string;
before(() => {
  configHome = mkdtempSync(join(tmpdir(), 'netunnel-example-'));
});
after(() => rmSync(configHome, {recursive: true, force: true}));

async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

test('examples/client-server: every command of the README', async () => {
  const commands = readmeCommands('examples/client-server/README.md');
  assert.deepEqual([...commands.keys()], ['library-server', 'library-client', 'cli-server', 'cli-client', 'cli-curl', 'cli-tunnels']);
  const [libraryPort, cliPort, localPort] = await freePorts(3);
  const libraryEnv = {PORT: String(libraryPort), XDG_CONFIG_HOME: configHome};
  const cliEnv = {PORT: String(cliPort), LOCAL_PORT: String(localPort), XDG_CONFIG_HOME: configHome};
  const started: RunningShell[] = [];
  const start = (name: string, env: Record<string, string>) => {
    const running = startShell(commands.get(name)!, env);
    started.push(running);
    return running;
  };
  try {
    // Both servers at once, then both clients at once: each is a process start.
    const libraryServer = start('library-server', libraryEnv);
    const cliServer = start('cli-server', cliEnv);
    await Promise.all([
      libraryServer.waitForLine(new RegExp(`^NETunnel server listening on http://127\\.0\\.0\\.1:${libraryPort}$`)),
      cliServer.waitForLine(new RegExp(`INFO Starting server on 127\\.0\\.0\\.1:${cliPort}$`)),
    ]);
    assert.match(cliServer.stdout(), /^The server is running in stateless mode\. Use --config-path to generate a config file\n/);

    const libraryClient = start('library-client', libraryEnv);
    const cliClient = start('cli-client', cliEnv);
    await Promise.all([libraryClient.waitForLine(/^The tunnel stays open until Ctrl-C$/), cliClient.waitForLine(/^Tunnel exit socket:/)]);
    assert.match(
      libraryClient.stdout(),
      new RegExp(
        `^Tunnel 1: 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${libraryPort} \\(through http://127\\.0\\.0\\.1:${libraryPort}\\)\n` +
          'GET /version through the tunnel: 1\\.0\\.12\nThe tunnel stays open until Ctrl-C\n$',
      ),
    );
    assert.equal(
      cliClient.stdout(),
      `Opening tunnel to the server...\nTunnel entrance socket: 127.0.0.1:${localPort}\nTunnel exit socket: 127.0.0.1:${cliPort}\n`,
    );

    const curl = await runShell(commands.get('cli-curl')!, cliEnv);
    assert.deepEqual(curl, {code: 0, stdout: '1.0.12', stderr: ''});
    const tunnels = await runShell(commands.get('cli-tunnels')!, cliEnv);
    assert.equal(tunnels.code, 0, tunnels.stderr);
    const [header, row, end] = tunnels.stdout.split('\n');
    assert.match(header!, /^CHANNEL  ID  DIRECTION  ENTRANCE +EXIT +ACTIVE  TOTAL +SENT  RECEIVED  CREATED$/);
    assert.match(row!, new RegExp(`^ +1 +1  forward    127\\.0\\.0\\.1:${localPort}  127\\.0\\.0\\.1:${cliPort} +0 +1 +\\d+ B +\\d+ B  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`));
    assert.equal(end, '');

    libraryClient.signal('SIGINT');
    cliClient.signal('SIGINT');
    assert.deepEqual(await Promise.all([libraryClient.exited, cliClient.exited]), [0, 0]);
    assert.match(libraryClient.stdout(), /\nClosed: 1 connection\(s\), \d+ bytes sent, \d+ bytes received\n$/);
    libraryServer.signal('SIGINT');
    cliServer.signal('SIGINT');
    assert.deepEqual(await Promise.all([libraryServer.exited, cliServer.exited]), [0, 0]);
    assert.match(libraryServer.stdout(), /\nServer closed\n$/);
  } finally {
    for (const running of started) running.signal('SIGKILL');
  }
});
