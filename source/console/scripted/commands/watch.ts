/** Scripted `watch`: the event stream of every selected server as JSON lines, until interrupted. */
import {EXIT} from '../../../exit-codes.js';
import type {ServerEvent} from '../../../protocol/server-events.js';
import type {Subscription} from '../../../client/management-api.js';
import * as commands from '../../commands.js';
import type {ServerHandle} from '../../server-handle.js';
import {booleanOption} from '../args.js';
import {PROGRAM, oneLine, type ScriptedCommand} from '../context.js';
import {openHandle, selectTargets} from '../server-selection.js';

export const WATCH_COMMANDS: ScriptedCommand[] = [
  {
    name: 'watch',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    kind: 'all-long',
    summary: 'Prints the events of each server as JSON lines until Ctrl-C (ours only)',
    details:
      'One JSON object per line and per event, written at once: {"server_url": URL, "type": ..., ...} with the event\'s fields (a snapshot first, again after each reconnection; then channel.*, tunnel.* (tunnel.draining too), peer.*, static_tunnel.status, the refusals auth.refused, destination.refused, entrance.refused, owner.refused, limit.reached and events.suppressed, and, about once a second, connection.opened, connection.closed and, while counters move, stats). A lost stream is retried; that is reported on stderr.',
    options: [{name: 'no-stats', type: 'boolean', help: 'Leave out the stats events'}],
    run: async (context) => {
      const noStats = booleanOption(context.values, 'no-stats');
      const targets = await selectTargets(context);
      const handles = targets.map((target) => openHandle(context, target));
      const subscriptions: Subscription[] = [];
      try {
        let ended = 0;
        let failedAll: () => void = () => {};
        const allEnded = new Promise<void>((resolvePromise) => (failedAll = resolvePromise));
        const prefix = (handle: ServerHandle) => (targets.length > 1 ? `${handle.target.name}: ` : '');
        // Every server is checked (and subscribed) before the first line is printed.
        const buffered: Array<{url: string; event: ServerEvent}> = [];
        let started = false;
        const print = (url: string, event: ServerEvent) => {
          if (noStats && event.type === 'stats') return;
          context.output.jsonLine({server_url: url, ...event});
        };
        const subscribed = await Promise.allSettled(
          handles.map((handle) => {
            let lost = false;
            let finished = false;
            return commands.watchEvents(
              handle,
              (event) => {
                if (started) print(handle.target.url, event);
                else buffered.push({url: handle.target.url, event});
              },
              (state, detail) => {
                if (state === 'open') lost = false;
                if (state === 'reconnecting' && !lost) {
                  lost = true;
                  context.io.stderr.write(`${PROGRAM}: ${prefix(handle)}${oneLine(detail ?? 'The event stream was lost')}; reconnecting\n`);
                }
                if (state === 'closed' && detail !== undefined && !finished) {
                  finished = true;
                  context.io.stderr.write(`${PROGRAM}: ${prefix(handle)}${oneLine(detail)}\n`);
                  ended += 1;
                  if (ended === handles.length) failedAll();
                }
              },
            );
          }),
        );
        for (const result of subscribed) if (result.status === 'fulfilled') subscriptions.push(result.value);
        const failure = subscribed.find((result) => result.status === 'rejected');
        if (failure) throw (failure as PromiseRejectedResult).reason;
        started = true;
        for (const {url, event} of buffered.splice(0)) print(url, event);
        const interrupted = new Promise<void>((resolvePromise) => {
          if (context.signal.aborted) resolvePromise();
          context.signal.addEventListener('abort', () => resolvePromise(), {once: true});
        });
        const how = await Promise.race([interrupted.then(() => 'interrupted' as const), allEnded.then(() => 'ended' as const)]);
        return how === 'interrupted' ? EXIT.ok : EXIT.failure;
      } finally {
        for (const subscription of subscriptions) subscription.close();
        await Promise.allSettled(handles.map((handle) => handle.close()));
      }
    },
  },
];
