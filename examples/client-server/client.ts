/**
 * A NETunnel client through the library: opens a forward tunnel through the server at
 * SERVER_URL to 127.0.0.1:EXIT_PORT as the server sees it, fetches `GET /version` through it
 * (the exit is expected to be an HTTP service: the server's own port will do), and keeps the
 * tunnel open until Ctrl-C.
 *
 *   node --import tsx examples/client-server/client.ts http://127.0.0.1:4040 4040
 */
import http from 'node:http';
import {NetunnelClient} from '../../source/index.js';

const [serverUrl = 'http://127.0.0.1:4040', exitPort = '4040'] = process.argv.slice(2);

const client = new NetunnelClient({serverUrl});
await client.connect();
// Forward: this process listens (a free port here), the server connects to the exit.
const tunnel = await client.openTunnelToServer({exitAddress: '127.0.0.1', exitPort: Number(exitPort)});
const entrance = `${tunnel.entrance.address}:${tunnel.entrance.port}`;
console.log(`Tunnel ${tunnel.id}: ${entrance} -> ${tunnel.exit.address}:${tunnel.exit.port} (through ${serverUrl})`);

// One HTTP request through the tunnel, on a connection of its own (no keep-alive).
const answer = await new Promise<string>((resolve, reject) => {
  http
    .get(`http://${entrance}/version`, {agent: false}, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body.trim()));
    })
    .on('error', reject);
});
console.log(`GET /version through the tunnel: ${answer}`);
console.log('The tunnel stays open until Ctrl-C');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    const {totalConnections, bytesToExit, bytesToEntrance} = tunnel.traffic;
    void client.close().then(() => {
      console.log(`Closed: ${totalConnections} connection(s), ${bytesToExit} bytes sent, ${bytesToEntrance} bytes received`);
      process.exit(0);
    });
  });
}
