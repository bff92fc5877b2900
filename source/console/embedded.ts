/**
 * The console's embedded server: with no URL and no saved server, the console starts a
 * stateless NetunnelServer on 127.0.0.1 (a free port) in its own process, so that a first
 * run shows a working system at once.
 */
import type {NetunnelServer} from '../server/netunnel-server.js';
import type {Logger} from '../engine/logger.js';

export interface EmbeddedServer {
  url: string;
  server: NetunnelServer;
  close(): Promise<void>;
}

export async function startEmbeddedServer(options: {logger?: Logger; host?: string} = {}): Promise<EmbeddedServer> {
  const host = options.host ?? '127.0.0.1';
  // Loaded only when needed: scripted mode and consoles with servers never pay for it.
  const {NetunnelServer} = await import('../server/netunnel-server.js');
  const server = new NetunnelServer({host, port: 0, ...(options.logger ? {logger: options.logger} : {})});
  const address = await server.start();
  return {url: `http://${host}:${address.port}`, server, close: () => server.close()};
}
