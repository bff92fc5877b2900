/**
 * A NetunnelClient in its own process with one forward tunnel per target service.
 * argv: SERVER_URL NAME=PORT... ; reports the entrance port of each tunnel under NAME.
 * With BENCH_SOURCE_ROOT set, the client comes from that checkout instead; with
 * BENCH_FEATURES=none it announces no features, so its tunnels speak the classic wire.
 */
import type {NetunnelClient as Client} from '../../source/client/netunnel-client.js';
import {tuneHeapForTunnels} from '../../source/cli/heap-tuning.js';
import {serveChild} from './ipc.js';
import {sourceModule} from './source-root.js';

const [serverUrl, ...targets] = process.argv.slice(2);
if (serverUrl === undefined) throw new Error('usage: client-child SERVER_URL NAME=PORT...');
// The same heap tuning as the netunnel-server and netunnel-client commands.
tuneHeapForTunnels();
const {NetunnelClient} = (await import(sourceModule('client/netunnel-client.js'))) as typeof import('../../source/client/netunnel-client.js');
const client: Client = new NetunnelClient({serverUrl, ...(process.env.BENCH_FEATURES === 'none' ? {features: []} : {})});

serveChild(
  async () => {
    await client.connect();
    const ports: Record<string, number> = {};
    for (const target of targets) {
      const [name, port] = target.split('=');
      const tunnel = await client.openTunnelToServer({exitPort: Number(port)});
      ports[name!] = tunnel.entrance.port;
    }
    return ports;
  },
  () => client.close(),
);
