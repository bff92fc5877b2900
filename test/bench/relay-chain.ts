/** Two plain relay processes in a row in front of the target (see relay-child.ts). */
import {BenchChild, startChained} from './children.js';

export interface RelayChain {
  /** The first relay's ports toward the target's sink and echo. */
  sink: number;
  echo: number;
  /** The same echo through relays that keep half-close (relay-child.ts). */
  halfCloseEcho: number;
  relays: BenchChild[];
  stop(): Promise<void>;
}

export async function startRelayChain(target: BenchChild): Promise<RelayChain> {
  const [far, near] = await startChained(
    () => BenchChild.start('relay-far', './relay-child.ts', [`sink=${target.port('sink')}`, `echo=${target.port('echo')}`, `halfclose-echo=${target.port('echo')}`]),
    (farChild) =>
      BenchChild.start('relay-near', './relay-child.ts', [`sink=${farChild.port('sink')}`, `echo=${farChild.port('echo')}`, `halfclose-echo=${farChild.port('halfclose-echo')}`]),
  );
  return {
    sink: near.port('sink'),
    echo: near.port('echo'),
    halfCloseEcho: near.port('halfclose-echo'),
    relays: [near, far],
    stop: async () => {
      await near.stop();
      await far.stop();
    },
  };
}
