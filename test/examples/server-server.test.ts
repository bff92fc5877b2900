/**
 * examples/server-server, run as its README says: two servers from 1.0.12-format configs
 * (B has A as a peer with a static tunnel), a peer and a static tunnel added at run time
 * with scripted mode; and its systemd unit (checked by systemd-analyze when there is one,
 * its ExecStart flags run by our server).
 */
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {promisify} from 'node:util';
import {startCli} from '../helpers/cli.js';
import {eventually} from '../helpers/netunnel.js';
import {ROOT, readmeCommands, runShell, startShell, type RunningShell} from '../helpers/readme.js';
import {freePort} from '../helpers/tcp.js';

let workDir: string;
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'netunnel-server-server-'));
});
after(() => rmSync(workDir, {recursive: true, force: true}));

async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Curl through a tunnel until it answers (a static tunnel connects in the background). */
async function curlUntilAnswered(command: string, env: Record<string, string>): Promise<string> {
  let answer = '';
  await eventually(
    async () => {
      const result = await runShell(command, env);
      answer = result.stdout;
      return result.code === 0 && answer !== '';
    },
    15_000,
    `an answer to: ${command}`,
  );
  return answer;
}

test('examples/server-server: every command of the README', async () => {
  const commands = readmeCommands('examples/server-server/README.md');
  assert.deepEqual(
    [...commands.keys()],
    ['copy', 'server-a', 'server-b', 'through-static-tunnel', 'list-static-b', 'add-peer', 'add-static', 'list-peers-a', 'show-config-a'],
  );
  const [portA, portB, staticPort] = await freePorts(3);
  const env = {PORT_A: String(portA), PORT_B: String(portB), STATIC_PORT: String(staticPort), WORK_DIR: join(workDir, 'example'), XDG_CONFIG_HOME: workDir};
  const started: RunningShell[] = [];
  try {
    assert.deepEqual(await runShell(commands.get('copy')!, env), {code: 0, stdout: '', stderr: ''});
    const configB = JSON.parse(readFileSync(join(env.WORK_DIR, 'server-b.json'), 'utf8')) as {peers: Array<{target_netunnel_url: string; static_tunnels: unknown[]}>};
    assert.equal(configB.peers[0]!.target_netunnel_url, `http://127.0.0.1:${portA}`);
    assert.deepEqual(configB.peers[0]!.static_tunnels, [
      {id: 1, tunnel_local_address: '127.0.0.1', tunnel_local_port: staticPort, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: portA},
    ]);

    const serverA = startShell(commands.get('server-a')!, env);
    const serverB = startShell(commands.get('server-b')!, env);
    started.push(serverA, serverB);
    await Promise.all([
      serverA.waitForLine(new RegExp(`INFO Starting server on 127\\.0\\.0\\.1:${portA}$`)),
      serverB.waitForLine(new RegExp(`INFO Starting server on 127\\.0\\.0\\.1:${portB}$`)),
    ]);
    assert.match(serverA.stderr(), /INFO Generating default secret-key\n/);

    assert.equal(await curlUntilAnswered(commands.get('through-static-tunnel')!, env), '1.0.12');
    const listed = await runShell(commands.get('list-static-b')!, env);
    assert.equal(listed.code, 0, listed.stderr);
    const [header, row] = listed.stdout.split('\n');
    assert.match(header!, /^ID  LOCAL +REMOTE +STATUS  ACTIVE  TOTAL +SENT  RECEIVED  LAST ERROR$/);
    assert.match(row!, new RegExp(`^ 1  127\\.0\\.0\\.1:${staticPort}  127\\.0\\.0\\.1:${portA}  online +0 +1 +\\d+ B +\\d+ B  -$`));

    assert.deepEqual(await runShell(commands.get('add-peer')!, env), {
      code: 0,
      stderr: '',
      stdout: `Added peer 1 "server-b" (http://127.0.0.1:${portB})\n`,
    });
    const added = await runShell(commands.get('add-static')!, env);
    assert.equal(added.code, 0, added.stderr);
    const localPort = Number(new RegExp(`^Added static tunnel 1 to peer "server-b": 127\\.0\\.0\\.1:(\\d+) -> 127\\.0\\.0\\.1:${portB}\n$`).exec(added.stdout)?.[1]);
    assert.ok(localPort >= 20000 && localPort < 21000, added.stdout);
    assert.equal(await curlUntilAnswered(`curl -s http://127.0.0.1:${localPort}/version`, env), '1.0.12');
    const peers = await runShell(commands.get('list-peers-a')!, env);
    const urlB = `http://127.0.0.1:${portB}`;
    assert.deepEqual(peers, {
      code: 0,
      stderr: '',
      stdout: `ID  NAME      URL${' '.repeat(urlB.length - 3)}  STATUS  STATIC TUNNELS\n 1  server-b  ${urlB}  online               1\n`,
    });
    const shown = await runShell(commands.get('show-config-a')!, env);
    const configA = JSON.parse(shown.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(configA).sort(), ['allow_unverified_ssl_peers', 'allowed_tunnel_destinations', 'allowed_tunnel_entrances', 'http_proxy', 'http_proxy_test_url', 'peers', 'revision', 'secret_key']);
    assert.deepEqual(configA.peers, [
      {
        id: 1,
        name: 'server-b',
        target_netunnel_url: urlB,
        auth_data: {},
        static_tunnels: [{id: 1, tunnel_local_address: '127.0.0.1', tunnel_local_port: localPort, tunnel_remote_address: '127.0.0.1', tunnel_remote_port: portB}],
      },
    ]);

    serverA.signal('SIGINT');
    serverB.signal('SIGINT');
    assert.deepEqual(await Promise.all([serverA.exited, serverB.exited]), [0, 0]);
  } finally {
    for (const running of started) running.signal('SIGKILL');
  }
});

test('examples/server-server: the systemd unit is valid and its ExecStart flags start our server', async (t) => {
  const unitPath = join(ROOT, 'examples/server-server/netunnel-server.service');
  const unit = readFileSync(unitPath, 'utf8');
  const execStart = /^ExecStart=(\S+) (.*)$/m.exec(unit);
  assert.ok(execStart, 'the unit has an ExecStart');
  assert.equal(execStart[1], '/usr/bin/netunnel-server');
  const args = execStart[2]!.split(' ');
  assert.deepEqual(args, ['--config-path', '/var/lib/netunnel/server.json', '--hostname', '127.0.0.1', '--port', '4040']);
  assert.match(unit, /^StateDirectory=netunnel$/m);

  // The same flags, with a file and a port of the test's.
  const port = await freePort();
  // systemd makes the StateDirectory; the server makes the file in it.
  const configPath = join(workDir, 'service', 'server.json');
  mkdirSync(dirname(configPath));
  const replaced = args.map((arg, index) => (args[index - 1] === '--config-path' ? configPath : args[index - 1] === '--port' ? String(port) : arg));
  const server = startCli('netunnel-server', replaced);
  try {
    await server.waitForLine(new RegExp(`INFO Starting server on 127\\.0\\.0\\.1:${port}$`));
    assert.ok(readFileSync(configPath, 'utf8').includes('"secret_key"'));
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  } finally {
    server.child.kill('SIGKILL');
  }

  const analyzed = await promisify(execFile)('systemd-analyze', ['verify', unitPath]).then(
    () => ({stderr: ''}),
    (error: NodeJS.ErrnoException & {stderr?: string}) => (error.code === 'ENOENT' ? undefined : {stderr: error.stderr ?? ''}),
  );
  if (analyzed === undefined) {
    t.diagnostic('systemd-analyze is not installed: the unit was not verified');
    return;
  }
  // The only complaint allowed: the package is not installed on this machine.
  const complaints = analyzed.stderr.split('\n').filter((line) => line.trim() !== '' && !line.includes('/usr/bin/netunnel-server is not executable'));
  assert.deepEqual(complaints, []);
});
