/**
 * Static tunnels against a peer that really dies (kill -9) or freezes (kill -STOP), in its own
 * process: the tunnel goes `connecting` (its entrance closed), and `online` again, carrying
 * data, once the peer is back.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {FAST_STATIC_TUNNELS, waitForStatus} from '../../helpers/netunnel.js';
import {startFixtureProcess} from '../../helpers/processes.js';
import {useStateFixture} from '../../helpers/state-fixture.js';
import {exchange, isPortClosed, randomPayload, startEchoServer} from '../../helpers/tcp.js';

// This file's own slice of [20000, 21000) (see static-tunnel.test.ts).
const PORTS = {min: 20950, max: 21000};

const fixture = useStateFixture('netunnel-static-faults-', PORTS);
const {cleanups} = fixture;

type PeerProcess = Awaited<ReturnType<typeof startFixtureProcess<{port: number}>>>;

async function startPeer(port = 0): Promise<PeerProcess> {
  const peer = await startFixtureProcess<{port: number}>('server-process.ts', [String(port)]);
  cleanups.push(() => peer.kill());
  return peer;
}

async function assertCarries(port: number): Promise<void> {
  const payload = randomPayload(128 * 1024);
  assert.ok((await exchange(port, payload)).equals(payload), `the bytes went through port ${port} and came back unchanged`);
}

async function staticTunnelTo(peer: PeerProcess, timing = {}) {
  const service = await startEchoServer();
  cleanups.push(() => service.close());
  const a = await fixture.server({staticTunnelTiming: {...FAST_STATIC_TUNNELS, ...timing}});
  const peerUrl = `http://127.0.0.1:${peer.ready.port}`;
  const registered = await a.api.peers.add({name: 'b', target_netunnel_url: peerUrl});
  const created = await a.api.staticTunnels.add(registered.id, {tunnel_remote_port: service.port});
  assert.equal(created.status, 'online');
  await assertCarries(created.tunnel_local_port);
  return {peerUrl, localPort: created.tunnel_local_port, tunnel: a.server.peers.staticTunnel(registered.id, created.id)};
}

test('kill -9 of the peer: the static tunnel goes connecting, and online again when the peer returns on its port', async () => {
  const peer = await startPeer();
  const {peerUrl, localPort, tunnel} = await staticTunnelTo(peer);
  await peer.kill();
  const lost = await waitForStatus(tunnel, 'connecting');
  // The kernel closes a killed process's sockets: the channel's close, or a health check under way;
  // on a loaded machine a first reconnect may already have been refused when the status is read.
  assert.ok(
    lost.lastError === `The connection to ${peerUrl} was lost` ||
      /^Health check failed: /.test(lost.lastError ?? '') ||
      lost.lastError === `Cannot reach ${peerUrl}: connect ECONNREFUSED ${peerUrl.slice('http://'.length)}`,
    `unexpected reason: ${lost.lastError}`,
  );
  assert.ok(await isPortClosed(localPort), 'the entrance is closed while the peer is away');

  await startPeer(peer.ready.port);
  await waitForStatus(tunnel, 'online');
  await assertCarries(localPort);
});

test('kill -STOP of the peer: the heartbeat notices the silence; kill -CONT brings the tunnel back', async () => {
  const peer = await startPeer();
  // Only the heartbeat can notice here: the health check would come a minute later.
  const {peerUrl, localPort, tunnel} = await staticTunnelTo(peer, {heartbeatMs: 200, healthCheckIntervalMs: 60_000, requestTimeoutMs: 500});
  const stoppedAt = Date.now();
  peer.child.kill('SIGSTOP');
  const lost = await waitForStatus(tunnel, 'connecting', 10_000);
  const noticedMs = Date.now() - stoppedAt;
  assert.match(lost.lastError ?? '', new RegExp(`^Lost the server ${peerUrl}: no answer to pings for 0\\.\\d s$`));
  assert.ok(noticedMs < 5000, `noticed after ${noticedMs} ms (1.5 heartbeats: 300 ms)`);
  assert.ok(await isPortClosed(localPort), 'the entrance is closed while the peer is silent');

  peer.child.kill('SIGCONT');
  await waitForStatus(tunnel, 'online', 10_000);
  await assertCarries(localPort);
});
