/**
 * Closing many websockets at once with a normal close, within a time limit: each gets a close
 * frame after whatever it still has to send, and whichever has not finished its closing
 * handshake when the time is up (a peer that stopped answering) is cut.
 */
import WebSocket from 'ws';

/** Resolves with how many websockets had to be cut after `graceMs`. */
export async function closeWebsocketsWithin(websockets: Iterable<WebSocket>, graceMs: number, code = 1000, reason = ''): Promise<number> {
  const open = [...websockets].filter((websocket) => websocket.readyState !== WebSocket.CLOSED);
  if (open.length === 0) return 0;
  const closed = open.map((websocket) => new Promise<void>((resolve) => websocket.once('close', () => resolve())));
  for (const websocket of open) {
    // A websocket paused for backpressure would never read the peer's answering close frame.
    websocket.resume();
    if (websocket.readyState === WebSocket.OPEN) websocket.close(code, reason);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
  await Promise.race([Promise.all(closed), late]);
  clearTimeout(timer);
  let cut = 0;
  for (const websocket of open) {
    if (websocket.readyState !== WebSocket.CLOSED) {
      websocket.terminate();
      cut += 1;
    }
  }
  return cut;
}
