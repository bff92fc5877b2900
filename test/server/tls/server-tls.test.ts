/**
 * https in the server itself: certificates checked by default (a private CA through the `ca`
 * option), a certificate reloaded without dropping channels, client certificates required
 * and checked (mutual TLS), and the same toward https peers.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {TlsMaterialError} from '../../../source/client/client-errors.js';
import {NetunnelClient} from '../../../source/client/netunnel-client.js';
import {deferrer} from '../../helpers/cleanup.js';
import {FAST_STATIC_TUNNELS, connectClient, startServer, waitForStatus} from '../../helpers/netunnel.js';
import {readExactly} from '../../helpers/streams.js';
import {exchange, openSocket, randomPayload, startEchoServer} from '../../helpers/tcp.js';
import {fingerprintOf, presentedFingerprint, readTlsFixture, serverTls, tlsFixturePath} from '../../helpers/tls.js';
import {readServerTlsFiles} from '../../../source/server/tls/server-tls.js';

const CA = readTlsFixture('ca.crt');
const CLIENT = {cert: readTlsFixture('client.crt'), key: readTlsFixture('client.key')};
const OTHER_CLIENT = {cert: readTlsFixture('other-client.crt'), key: readTlsFixture('other-client.key')};

/** A forward and a reverse tunnel to the echo service each carry `size` random bytes there and back. */
async function assertBothWaysCarry(client: NetunnelClient, echoPort: number, size: number): Promise<void> {
  const forward = await client.openTunnelToServer({exitPort: echoPort});
  const reverse = await client.openTunnelToClient({exitPort: echoPort});
  for (const tunnel of [forward, reverse]) {
    const payload = randomPayload(size);
    assert.ok((await exchange(tunnel.entrance.port, payload)).equals(payload), tunnel.constructor.name);
  }
}

async function httpsServer(t: Parameters<typeof deferrer>[0], tls: Parameters<typeof startServer>[0] = {}) {
  const {server} = await startServer({tls: serverTls(), ...tls});
  deferrer(t)(() => server.close());
  return {server, url: `https://127.0.0.1:${server.address!.port}`};
}

test('an https server: certificate checked by default, skipped with sslValidate false, tunnels over wss', async (t) => {
  const defer = deferrer(t);
  const echo = await startEchoServer();
  defer(() => echo.close());
  const {server} = await startServer({tls: serverTls('self-signed')});
  defer(() => server.close());
  const url = `https://127.0.0.1:${server.address!.port}`;
  const strict = new NetunnelClient({serverUrl: url});
  await assert.rejects(strict.connect(), {name: 'ServerUnreachableError', message: `Cannot reach ${url}: self-signed certificate`});
  await strict.close();

  const lax = await connectClient(url, {sslValidate: false});
  defer(() => lax.close());
  await assertBothWaysCarry(lax, echo.port, 1_000_003);
});

test('a private CA: refused without it, trusted with the tls.ca option (besides the usual CAs)', async (t) => {
  const defer = deferrer(t);
  const {url} = await httpsServer(t);
  const echo = await startEchoServer();
  defer(() => echo.close());
  const stranger = new NetunnelClient({serverUrl: url});
  await assert.rejects(stranger.connect(), {name: 'ServerUnreachableError', message: `Cannot reach ${url}: unable to verify the first certificate`});
  await stranger.close();
  const wrongCa = new NetunnelClient({serverUrl: url, tls: {ca: readTlsFixture('other-ca.crt')}});
  await assert.rejects(wrongCa.connect(), {message: `Cannot reach ${url}: unable to verify the first certificate`});
  await wrongCa.close();

  const client = await connectClient(url, {tls: {ca: CA}});
  defer(() => client.close());
  const tunnel = await client.openTunnelToServer({exitPort: echo.port});
  const payload = randomPayload(300_000);
  assert.ok((await exchange(tunnel.entrance.port, payload)).equals(payload));
  assert.throws(() => new NetunnelClient({serverUrl: url, tls: {cert: CLIENT.cert, key: readTlsFixture('server.key')}}), (error: unknown) => {
    assert.ok(error instanceof TlsMaterialError);
    assert.match(error.message, /^Invalid TLS options: .*key values mismatch$/);
    return true;
  });
});

test('client certificates required (mutual TLS): none and one of another CA are refused in the handshake, ours works', async (t) => {
  const defer = deferrer(t);
  const {url, server} = await httpsServer(t, {tls: {...serverTls(), clientCa: CA}});
  const echo = await startEchoServer();
  defer(() => echo.close());
  const anonymous = new NetunnelClient({serverUrl: url, tls: {ca: CA}});
  await assert.rejects(anonymous.connect(), {name: 'ServerUnreachableError', message: `Cannot reach ${url}: the server requires a client certificate`});
  await anonymous.close();
  const foreign = new NetunnelClient({serverUrl: url, tls: {ca: CA, ...OTHER_CLIENT}});
  await assert.rejects(foreign.connect(), {
    name: 'ServerUnreachableError',
    message: `Cannot reach ${url}: socket hang up (the server may not accept the client certificate)`,
  });
  await foreign.close();
  assert.equal(server.channels.all().length, 0, 'no request got through the TLS layer');

  const client = await connectClient(url, {tls: {ca: CA, ...CLIENT}});
  defer(() => client.close());
  await assertBothWaysCarry(client, echo.port, 200_000);
});

test('reloadTls: new connections get the new certificate, open channels and connections keep going; a bad one changes nothing', async (t) => {
  const defer = deferrer(t);
  const {server, url} = await httpsServer(t);
  const port = server.address!.port;
  const echo = await startEchoServer();
  defer(() => echo.close());
  const clients = await Promise.all([1, 2, 3].map(() => connectClient(url, {tls: {ca: CA}})));
  for (const client of clients) defer(() => client.close());
  const tunnel = await clients[0]!.openTunnelToServer({exitPort: echo.port});
  const socket = await openSocket(tunnel.entrance.port);
  defer(() => socket.destroy());
  socket.write('before');
  assert.equal((await readExactly(socket, 6)).toString(), 'before');
  assert.equal(await presentedFingerprint(port), fingerprintOf(serverTls().cert));

  server.reloadTls(serverTls('server-renewed'));
  assert.equal(await presentedFingerprint(port), fingerprintOf(serverTls('server-renewed').cert));
  socket.write('after');
  assert.equal((await readExactly(socket, 5)).toString(), 'after');
  assert.deepEqual(
    clients.map((client) => client.connected),
    [true, true, true],
  );
  assert.equal(server.channels.all().length, 3);
  const payload = randomPayload(100_000);
  assert.ok((await exchange(tunnel.entrance.port, payload)).equals(payload), 'a new connection through the old channel');

  assert.throws(() => server.reloadTls({cert: serverTls().cert, key: serverTls('server-renewed').key}), {
    name: 'TlsMaterialError',
    message: /^Invalid --tls-cert\/--tls-key: .*key values mismatch$/,
  });
  assert.equal(await presentedFingerprint(port), fingerprintOf(serverTls('server-renewed').cert));
  const late = await connectClient(url, {tls: {ca: CA}});
  defer(() => late.close());
  assert.equal(await late.api.server.version(), '1.0.12');
});

test('https peers: the server-level peerTls (CA and client certificate) reaches a peer that requires both', async (t) => {
  const defer = deferrer(t);
  const {url: peerUrl} = await httpsServer(t, {tls: {...serverTls(), clientCa: CA}});
  const echo = await startEchoServer();
  defer(() => echo.close());
  const ports = {min: 24100, max: 24200};
  const without = await startServer({staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: ports});
  defer(() => without.server.close());
  await assert.rejects(without.server.peers.register({name: 'secured', target_netunnel_url: peerUrl, auth_data: {}}), {
    message: 'Failed to connect with peer `secured`',
  });

  const {server} = await startServer({peerTls: {ca: CA, ...CLIENT}, staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: ports});
  defer(() => server.close());
  const peer = await server.peers.register({name: 'secured', target_netunnel_url: peerUrl, auth_data: {}});
  const created = await server.peers.createStaticTunnel(peer.id, {tunnel_remote_port: echo.port, tunnel_remote_address: '127.0.0.1', tunnel_local_address: '127.0.0.1'});
  await waitForStatus(server.peers.staticTunnel(peer.id, created.id), 'online');
  const payload = randomPayload(200_000);
  assert.ok((await exchange(created.tunnel_local_port, payload)).equals(payload));
});

test('readServerTlsFiles: each unusable file is one line naming its flag and path', async () => {
  const readme = tlsFixturePath('README.md');
  const files = {certFile: tlsFixturePath('server.crt'), keyFile: tlsFixturePath('server.key')};
  const tls = await readServerTlsFiles({...files, clientCaFile: tlsFixturePath('ca.crt')});
  assert.deepEqual(tls, {cert: serverTls().cert, key: serverTls().key, clientCa: readTlsFixture('ca.crt')});
  const refusals: Array<[Parameters<typeof readServerTlsFiles>[0], RegExp]> = [
    [{...files, certFile: '/nonexistent.crt'}, /^Cannot read --tls-cert \/nonexistent\.crt: ENOENT$/],
    [{...files, keyFile: '/nonexistent.key'}, /^Cannot read --tls-key \/nonexistent\.key: ENOENT$/],
    [{...files, clientCaFile: '/nonexistent.crt'}, /^Cannot read --tls-client-ca \/nonexistent\.crt: ENOENT$/],
    [{...files, clientCaFile: readme}, new RegExp(`^--tls-client-ca ${readme} holds no PEM certificate$`)],
    [{certFile: readme, keyFile: readme}, /^Invalid --tls-cert\/--tls-key: .*no start line$/],
    [{...files, keyFile: tlsFixturePath('client.key')}, /^Invalid --tls-cert\/--tls-key: .*key values mismatch$/],
  ];
  for (const [given, message] of refusals) {
    await assert.rejects(readServerTlsFiles(given), {name: 'TlsMaterialError', message}, JSON.stringify(given));
  }
});
