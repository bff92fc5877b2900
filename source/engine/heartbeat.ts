/**
 * Client-side websocket heartbeat (PROTOCOL.md 1): a ping every interval, and a websocket
 * that gets no pong within half of it is considered dead and terminated, which fires its
 * 'close' event so the owner cleans up as for any other loss.
 */
import WebSocket from 'ws';

export const DEFAULT_HEARTBEAT_MS = 20_000;

export function keepAlive(websocket: WebSocket, intervalMs: number = DEFAULT_HEARTBEAT_MS): void {
  let pongTimer: NodeJS.Timeout | undefined;
  const pingTimer = setInterval(() => {
    if (websocket.readyState !== WebSocket.OPEN) return;
    websocket.ping();
    pongTimer ??= setTimeout(() => websocket.terminate(), intervalMs / 2);
    pongTimer.unref();
  }, intervalMs);
  pingTimer.unref();
  websocket.on('pong', () => {
    clearTimeout(pongTimer);
    pongTimer = undefined;
  });
  websocket.once('close', () => {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
  });
}
