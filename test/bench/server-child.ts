/**
 * A NetunnelServer in its own process, on 127.0.0.1 and a free port. With BENCH_SOURCE_ROOT
 * set, the server comes from that checkout instead (compare.ts runs two versions side by side).
 */
import type {NetunnelServer as Server} from '../../source/server/netunnel-server.js';
import {tuneHeapForTunnels} from '../../source/cli/heap-tuning.js';
import {serveChild} from './ipc.js';
import {sourceModule} from './source-root.js';

// The same heap tuning as the netunnel-server and netunnel-client commands.
tuneHeapForTunnels();
const {NetunnelServer} = (await import(sourceModule('server/netunnel-server.js'))) as typeof import('../../source/server/netunnel-server.js');
const server: Server = new NetunnelServer({host: '127.0.0.1', port: 0});

serveChild(
  async () => ({server: (await server.start()).port}),
  () => server.close(),
);
