/** A NetunnelServer process and a NetunnelClient process with forward tunnels to the target. */
import {BenchChild, type ChildOptions} from './children.js';

export interface TunnelPair {
  server: BenchChild;
  client: BenchChild;
  /** Entrance ports of the tunnels to the target's sink and echo. */
  sink: number;
  echo: number;
  /** CPU time (user + system, all threads) the client and the server have used so far. */
  cpuMs(): Promise<{client: number; server: number}>;
  stop(): Promise<void>;
}

/** BENCH_NODE_ARGS: extra Node or V8 flags for the server and client processes (not the target). */
const NODE_ARGS = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];

/** `classic`: the client announces no features, so the pair speaks the 1.0.12 wire. */
export async function startTunnelPair(target: BenchChild, name: string, childOptions: ChildOptions = {}, classic = false): Promise<TunnelPair> {
  const options = {...childOptions, nodeArgs: [...NODE_ARGS, ...(childOptions.nodeArgs ?? [])]};
  const server = await BenchChild.start(`${name}server`, './server-child.ts', [], options);
  let client: BenchChild;
  try {
    client = await BenchChild.start(
      `${name}client`,
      './client-child.ts',
      [`http://127.0.0.1:${server.port('server')}`, `sink=${target.port('sink')}`, `echo=${target.port('echo')}`],
      classic ? {...options, env: {...options.env, BENCH_FEATURES: 'none'}} : options,
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  const total = async (child: BenchChild) => {
    const sample = await child.cpu();
    return sample.userMs + sample.systemMs;
  };
  return {
    server,
    client,
    sink: client.port('sink'),
    echo: client.port('echo'),
    cpuMs: async () => ({client: await total(client), server: await total(server)}),
    stop: async () => {
      await client.stop();
      await server.stop();
    },
  };
}
