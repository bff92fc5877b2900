/**
 * Websocket heartbeats (PROTOCOL.md 1). Both end in `terminate()`, which fires the websocket's
 * 'close' event, so its owner cleans up as for any other loss; a silent peer (a stopped
 * process, a dead link without RST) is noticed instead of being held forever.
 * - keepAlive, the client's (1.0.12's rule): a ping every interval, and no pong within half
 *   of it is death. Worst case 1.5 intervals (30 s at the default 20 s).
 * - watchLiveness, the server's: a ping every interval, and death after two whole intervals
 *   without a sign of life (pong, ping or frame). More patient than the client's, because a
 *   1.0.12 client only answers pings on websockets it is reading (aiohttp's autoping runs in
 *   `receive()`), and lets go of any it has not read for 30 s by itself anyway.
 */
import {performance} from 'node:perf_hooks';
import WebSocket from 'ws';

export const DEFAULT_HEARTBEAT_MS = 20_000;

/** How long a terminated websocket's peer had been silent (ms): only websockets a heartbeat ended. */
const silences = new WeakMap<WebSocket, number>();

/**
 * When a heartbeat (either one) ended this websocket: how long its peer had been silent, in
 * ms; undefined when something else closed it.
 */
export function heartbeatSilenceMs(websocket: WebSocket): number | undefined {
  return silences.get(websocket);
}

/** "30 s", "0.3 s": a silence for messages. */
export function formatSilence(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Ends a websocket whose peer has been silent `silentMs` (heartbeatSilenceMs tells it later). */
export function terminateSilent(websocket: WebSocket, silentMs: number): void {
  silences.set(websocket, silentMs);
  websocket.terminate();
}

export function keepAlive(websocket: WebSocket, intervalMs: number = DEFAULT_HEARTBEAT_MS): void {
  let pongTimer: NodeJS.Timeout | undefined;
  let lastSign = Date.now();
  const alive = () => {
    lastSign = Date.now();
  };
  const pingTimer = setInterval(() => {
    if (websocket.readyState !== WebSocket.OPEN) return;
    websocket.ping();
    pongTimer ??= setTimeout(() => terminateSilent(websocket, Date.now() - lastSign), intervalMs / 2);
    pongTimer.unref();
  }, intervalMs);
  pingTimer.unref();
  websocket.on('pong', () => {
    alive();
    clearTimeout(pongTimer);
    pongTimer = undefined;
  });
  websocket.on('message', alive);
  websocket.once('close', () => {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
  });
}

/**
 * Pings every interval; after two intervals without a pong, a ping or a frame from the peer,
 * calls `onSilent` with the silence (ms) and terminates the websocket. Returns the function
 * that stops watching (for a websocket that leaves the state where it must answer, e.g. an
 * idle one taken into use: a busy one may rightly stop reading while its reader is slow).
 *
 * `onRoundTrip` hears the time from a ping to the first pong after it (ms). The pings carry no
 * payload (as before, so a 1.0.12 peer sees nothing new): a late pong counts from the first
 * ping it may answer, so a slow peer shows a long round trip rather than none.
 */
export function watchLiveness(
  websocket: WebSocket,
  intervalMs: number = DEFAULT_HEARTBEAT_MS,
  onSilent?: (silentMs: number) => void,
  onRoundTrip?: (rttMs: number) => void,
): () => void {
  let lastSign = Date.now();
  let stopped = false;
  /** When the oldest ping not answered yet was sent (performance.now()). */
  let pingSentAt: number | undefined;
  const pinger = setInterval(() => {
    if (websocket.readyState !== WebSocket.OPEN) return;
    websocket.ping();
    pingSentAt ??= performance.now();
  }, intervalMs);
  const deadline = setTimeout(() => {
    stop();
    const silentMs = Date.now() - lastSign;
    onSilent?.(silentMs);
    terminateSilent(websocket, silentMs);
  }, 2 * intervalMs);
  pinger.unref();
  deadline.unref();
  const alive = () => {
    lastSign = Date.now();
    // refresh() would re-arm a cleared timer: a listener copied into an emit under way may still run.
    if (!stopped) deadline.refresh();
  };
  const answered = () => {
    if (pingSentAt === undefined || stopped) return;
    const rttMs = performance.now() - pingSentAt;
    pingSentAt = undefined;
    onRoundTrip?.(rttMs);
  };
  function stop(): void {
    stopped = true;
    clearInterval(pinger);
    clearTimeout(deadline);
    websocket.off('pong', alive);
    websocket.off('pong', answered);
    websocket.off('ping', alive);
    websocket.off('message', alive);
    websocket.off('close', stop);
  }
  websocket.on('pong', alive);
  if (onRoundTrip) websocket.on('pong', answered);
  websocket.on('ping', alive);
  websocket.on('message', alive);
  websocket.once('close', stop);
  return stop;
}
