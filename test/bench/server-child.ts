/** A NetunnelServer in its own process, on 127.0.0.1 and a free port. */
import {NetunnelServer} from '../../source/server/netunnel-server.js';
import {serveChild} from './ipc.js';

const server = new NetunnelServer({host: '127.0.0.1', port: 0});

serveChild(
  async () => ({server: (await server.start()).port}),
  () => server.close(),
);
