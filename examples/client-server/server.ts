/**
 * A NETunnel server through the library: listens on 127.0.0.1:PORT (the first argument,
 * default 4040) until Ctrl-C.
 *
 *   node --import tsx examples/client-server/server.ts 4040
 */
import {NetunnelServer} from '../../source/index.js';

const port = Number(process.argv[2] ?? 4040);
const server = new NetunnelServer({host: '127.0.0.1', port});
const address = await server.start();
console.log(`NETunnel server listening on http://${address.address}:${address.port}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => {
      console.log('Server closed');
      process.exit(0);
    });
  });
}
