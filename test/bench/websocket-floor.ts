/** The least websocket tunnel (websocket-floor-child.ts): its two processes in front of the target. */
import {BenchChild, startChained} from './children.js';

export interface WebsocketFloor {
  /** The entrance's ports toward the target's echo and sink. */
  echo: number;
  sink: number;
  processes: BenchChild[];
  stop(): Promise<void>;
}

export async function startWebsocketFloor(target: BenchChild): Promise<WebsocketFloor> {
  const [exit, entrance] = await startChained(
    () => BenchChild.start('websocket-floor-exit', './websocket-floor-child.ts', ['exit', String(target.port('echo')), String(target.port('sink'))]),
    (exitChild) => BenchChild.start('websocket-floor-entrance', './websocket-floor-child.ts', ['entrance', String(exitChild.port('exit'))]),
  );
  return {
    echo: entrance.port('echo'),
    sink: entrance.port('sink'),
    processes: [entrance, exit],
    stop: async () => {
      await entrance.stop();
      await exit.stop();
    },
  };
}
