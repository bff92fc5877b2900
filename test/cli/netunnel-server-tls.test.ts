/**
 * TLS through the command lines: netunnel-server's --tls-cert/--tls-key (reloaded on SIGHUP)
 * and --tls-client-ca, netunnel-client's --ca-file, --tls-cert/--tls-key and
 * --no-ssl-validate; real processes, real signals, certificates of test/fixtures/tls.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ManagementClient} from '../../source/client/management-client.js';
import {NO_SSL_VALIDATE_WARNING} from '../../source/client/server-transport.js';
import {deferrer} from '../helpers/cleanup.js';
import {runCli, startCli, type RunningCli} from '../helpers/cli.js';
import {connectClient, startServer} from '../helpers/netunnel.js';
import {readExactly} from '../helpers/streams.js';
import {openSocket, startEchoServer} from '../helpers/tcp.js';
import {fingerprintOf, presentedFingerprint, readTlsFixture, tlsFixturePath} from '../helpers/tls.js';

const CA = tlsFixturePath('ca.crt');

function stop(cli: RunningCli): () => void {
  return () => void cli.child.kill('SIGKILL');
}

async function serverPort(server: RunningCli): Promise<number> {
  const [, port] = await server.waitForLine(/INFO Starting server on 127\.0\.0\.1:(\d+)$/);
  return Number(port);
}

test('--ca-file is needed for a private CA; SIGHUP serves a renewed certificate and keeps every channel; a bad one is refused', async (t) => {
  const defer = deferrer(t);
  const dir = mkdtempSync(join(tmpdir(), 'netunnel-tls-reload-'));
  defer(() => rmSync(dir, {recursive: true, force: true}));
  const [certPath, keyPath] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  copyFileSync(tlsFixturePath('server.crt'), certPath);
  copyFileSync(tlsFixturePath('server.key'), keyPath);
  const echo = await startEchoServer();
  defer(() => echo.close());
  const peerFlags = ['--peer-ca-file', CA, '--peer-tls-cert', tlsFixturePath('client.crt'), '--peer-tls-key', tlsFixturePath('client.key')];
  const server = startCli('netunnel-server', ['-p', '0', '--tls-cert', certPath, '--tls-key', keyPath, ...peerFlags]);
  defer(stop(server));
  const port = await serverPort(server);
  const url = `https://127.0.0.1:${port}`;

  const client = startCli('netunnel-client', ['-s', url, '--ca-file', CA, '--remote-port', String(echo.port)]);
  defer(stop(client));
  const lax = startCli('netunnel-client', ['-s', url, '--no-ssl-validate', '--remote-port', String(echo.port)]);
  defer(stop(lax));
  const [refused] = await Promise.all([
    runCli('netunnel-client', ['-s', url, '--remote-port', String(echo.port)]),
    lax.waitForLine(/^Tunnel exit socket:/),
  ]);
  assert.deepEqual(refused, {code: 1, stdout: '', stderr: `netunnel-client: Cannot reach ${url}: unable to verify the first certificate\n`});
  assert.match(lax.stderr(), new RegExp(`^\\S+ \\S+ WARNING ${NO_SSL_VALIDATE_WARNING.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`));
  const [, entrance] = await client.waitForLine(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/);
  const socket = await openSocket(Number(entrance));
  defer(() => socket.destroy());
  socket.write('before');
  assert.equal((await readExactly(socket, 6)).toString(), 'before');
  const library = await connectClient(url, {tls: {ca: readTlsFixture('ca.crt')}});
  defer(() => library.close());
  assert.equal(await presentedFingerprint(port), fingerprintOf(readTlsFixture('server.crt')));

  copyFileSync(tlsFixturePath('server-renewed.crt'), certPath);
  copyFileSync(tlsFixturePath('server-renewed.key'), keyPath);
  server.child.kill('SIGHUP');
  await server.waitForLine(new RegExp(`INFO Reloaded the TLS certificate from ${certPath}$`));
  assert.equal(await presentedFingerprint(port), fingerprintOf(readTlsFixture('server-renewed.crt')));
  socket.write('after');
  assert.equal((await readExactly(socket, 5)).toString(), 'after', 'the open connection still carries bytes');
  const management = new ManagementClient({serverUrl: url, tls: {ca: readTlsFixture('ca.crt')}});
  defer(() => management.close());
  const channels = await management.channels.list();
  assert.deepEqual(
    channels.map((channel) => channel.connected),
    [true, true, true],
    'both CLI clients and the library client kept their channels',
  );

  writeFileSync(certPath, 'not a certificate\n');
  server.child.kill('SIGHUP');
  await server.waitForLine(/ERROR TLS reload failed, still serving the previous certificate: Invalid --tls-cert\/--tls-key: .*no start line$/);
  assert.equal(await presentedFingerprint(port), fingerprintOf(readTlsFixture('server-renewed.crt')));
  assert.equal(await library.api.server.version(), '1.0.12');

  // --peer-ca-file and --peer-tls-cert/--peer-tls-key: a peer that requires a client certificate of the CA.
  const peer = await startServer({tls: {cert: readTlsFixture('server.crt'), key: readTlsFixture('server.key'), clientCa: readTlsFixture('ca.crt')}});
  defer(() => peer.server.close());
  const peerUrl = `https://127.0.0.1:${peer.server.address!.port}`;
  const added = (await management.transport.request('POST', '/peers', {name: 'mutual', target_netunnel_url: peerUrl, auth_data: {}})) as {id: number};
  assert.equal(added.id, 1);
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
});

test('--tls-client-ca: a client without a certificate, or with one of another CA, is refused; with ours it tunnels', async (t) => {
  const defer = deferrer(t);
  const echo = await startEchoServer();
  defer(() => echo.close());
  const server = startCli('netunnel-server', ['-p', '0', '--tls-cert', tlsFixturePath('server.crt'), '--tls-key', tlsFixturePath('server.key'), '--tls-client-ca', CA]);
  defer(stop(server));
  const url = `https://127.0.0.1:${await serverPort(server)}`;
  const base = ['-s', url, '--ca-file', CA, '--remote-port', String(echo.port)];
  const client = startCli('netunnel-client', [...base, '--tls-cert', tlsFixturePath('client.crt'), '--tls-key', tlsFixturePath('client.key')]);
  defer(stop(client));
  const [anonymous, foreign] = await Promise.all([
    runCli('netunnel-client', base),
    runCli('netunnel-client', [...base, '--tls-cert', tlsFixturePath('other-client.crt'), '--tls-key', tlsFixturePath('other-client.key')]),
  ]);
  assert.deepEqual(anonymous, {code: 1, stdout: '', stderr: `netunnel-client: Cannot reach ${url}: the server requires a client certificate\n`});
  assert.deepEqual(foreign, {code: 1, stdout: '', stderr: `netunnel-client: Cannot reach ${url}: socket hang up (the server may not accept the client certificate)\n`});
  const [, entrance] = await client.waitForLine(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/);
  const socket = await openSocket(Number(entrance));
  defer(() => socket.destroy());
  socket.write('mutual');
  assert.equal((await readExactly(socket, 6)).toString(), 'mutual');
});

test('TLS flags: a missing or unusable file, or a half pair, is one line and exit 2', async () => {
  // What each file problem says is tested with the readers (test/client/tls-files.test.ts); here, that the commands exit 2 with it.
  const readme = tlsFixturePath('README.md');
  const cases: Array<['netunnel-server' | 'netunnel-client', string[], string]> = [
    ['netunnel-server', ['--tls-cert', tlsFixturePath('server.crt')], '--tls-cert and --tls-key go together'],
    ['netunnel-server', ['--tls-client-ca', CA], '--tls-client-ca needs --tls-cert and --tls-key'],
    ['netunnel-server', ['--peer-ca-file', '/nonexistent.crt'], 'Cannot read --peer-ca-file /nonexistent.crt: ENOENT'],
    ['netunnel-server', ['--shutdown-grace', '-1'], '--shutdown-grace must be a number of seconds from 0 to 3600'],
    ['netunnel-client', ['--ca-file', readme], `--ca-file ${readme} holds no PEM certificate`],
  ];
  const results = await Promise.all(cases.map(([command, args]) => runCli(command, args)));
  results.forEach((result, index) => {
    const [command, args, message] = cases[index]!;
    assert.deepEqual(result, {code: 2, stdout: '', stderr: `${command}: ${message}\n`}, `${command} ${args.join(' ')}`);
  });
});
