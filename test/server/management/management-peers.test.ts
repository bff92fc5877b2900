import {test} from 'node:test';
import assert from 'node:assert/strict';
import {ManagementClient} from '../../../source/client/management-client.js';
import type {ServerEvent} from '../../../source/protocol/server-events.js';
import {FAST_STATIC_TUNNELS, eventually, startServer} from '../../helpers/netunnel.js';
import {exchange, randomPayload, startEchoServer} from '../../helpers/tcp.js';

const PORTS = {min: 20400, max: 20500};

test('peers and static tunnels in the event stream and in /metrics, with their counters', async () => {
  const echo = await startEchoServer();
  const a = await startServer({staticTunnelTiming: FAST_STATIC_TUNNELS, staticTunnelPorts: PORTS, events: {statsIntervalMs: 20}});
  const b = await startServer();
  const management = new ManagementClient({serverUrl: a.url});
  const api = new ManagementClient({serverUrl: a.url});
  const events: ServerEvent[] = [];
  management.events.subscribe((event) => events.push(event));
  const metric = async (name: string) => {
    const line = (await management.server.metrics()).split('\n').find((candidate) => candidate.startsWith(name));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };
  try {
    await eventually(() => events.length === 1, 5000, 'the snapshot');
    const peer = await api.peers.add({name: 'b', target_netunnel_url: b.url});
    const created = await api.staticTunnels.add(peer.id, {tunnel_remote_port: echo.port});
    await eventually(() => events.some((event) => event.type === "static_tunnel.status" && event.static_tunnel.status === "online"), 5000, `online; saw ${JSON.stringify(events.map((e) => e.type))}`);
    const added = events.find((event) => event.type === 'peer.added');
    assert.deepEqual(added?.type === 'peer.added' && [added.peer.id, added.peer.name, added.peer.static_tunnels], [peer.id, 'b', []]);
    const changed = events.filter((event) => event.type === 'peer.changed').at(-1);
    assert.deepEqual(changed?.type === 'peer.changed' && changed.peer.static_tunnels.map((tunnel) => tunnel.id), [created.id]);
    const statuses = events.flatMap((event) => (event.type === 'static_tunnel.status' ? [[event.peer_id, event.static_tunnel.id, event.static_tunnel.status]] : []));
    assert.deepEqual(statuses.at(-1), [peer.id, created.id, 'online']);

    const payload = randomPayload(10_000);
    assert.ok((await exchange(created.tunnel_local_port, payload)).equals(payload));
    await eventually(
      () =>
        events.some(
          (event) =>
            event.type === 'stats' &&
            event.static_tunnels.some((stats) => stats.id === created.id && stats.bytes.sent === 10_000 && stats.bytes.received === 10_000),
        ),
      5000,
      'a stats frame with the static tunnel counters',
    );
    const labels = `{peer="b",static_tunnel="${created.id}"}`;
    assert.equal(await metric(`netunnel_static_tunnel_up${labels}`), 1);
    assert.equal(await metric(`netunnel_static_tunnel_bytes_total{peer="b",static_tunnel="${created.id}",way="sent"}`), 10_000);

    await b.server.close();
    await eventually(() => statuses.length > 0 && events.some((event) => event.type === 'static_tunnel.status' && event.static_tunnel.status === 'connecting' && event.static_tunnel.last_error !== null));
    assert.equal(await metric(`netunnel_static_tunnel_up${labels}`), 0);

    await api.peers.remove(peer.id);
    await eventually(() => events.some((event) => event.type === 'peer.removed' && event.peer_id === peer.id));
    assert.equal(await metric(`netunnel_static_tunnel_up${labels}`), undefined);
  } finally {
    management.close();
    api.close();
    await a.server.close();
    await b.server.close().catch(() => undefined);
    await echo.close();
  }
});
