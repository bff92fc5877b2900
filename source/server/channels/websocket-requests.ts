/**
 * The websockets a reverse tunnel asked its client for (TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION),
 * each waiting up to 10 s for its websocket (1.0.12's client asks again after that). A tunnel
 * websocket is only taken in answer to one of them, and is refused before the upgrade
 * otherwise: one request, one websocket, so nobody can slip a websocket of theirs into the
 * tunnel's supply and be handed its next connections.
 * - With tokens (the client announced `websocket-tokens`), each request carries a one-time
 *   token that its websocket must bring back; it is gone once used, and expires with its request.
 * - Without (a 1.0.12 client), the oldest request is answered by whichever websocket of the
 *   owner's address and identity comes first: the residual risk README's Security section states.
 */
import type WebSocket from 'ws';
import {ServerError, WebsocketArrivalTimeout} from '../server-errors.js';
import {newToken, tokensEqual} from './channel-owner.js';

/** 1.0.12 asks again when no websocket arrives within 10 s of a request. */
export const WEBSOCKET_ARRIVAL_TIMEOUT_MS = 10_000;

export interface WebsocketRequest {
  /** What to send along in the request's data (tokens only). */
  readonly token: string | undefined;
  /** The websocket that answered, once open. */
  readonly websocket: Promise<WebSocket>;
  /** The request could not be sent or was refused by the client. */
  fail(error: Error): void;
}

interface Pending {
  token: string | undefined;
  resolve(websocket: WebSocket): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

export class WebsocketRequests {
  /** Requests no websocket has claimed yet, oldest first. */
  private readonly outstanding: Pending[] = [];
  /** Every request not settled yet (claimed ones wait for their websocket to open). */
  private readonly unsettled = new Set<Pending>();

  constructor(
    private readonly channelId: number,
    private readonly tunnelId: number,
    private readonly withTokens: boolean,
    private readonly timeoutMs = WEBSOCKET_ARRIVAL_TIMEOUT_MS,
  ) {}

  get outstandingCount(): number {
    return this.outstanding.length;
  }

  open(): WebsocketRequest {
    let pending!: Pending;
    const websocket = new Promise<WebSocket>((resolve, reject) => {
      pending = {token: this.withTokens ? newToken() : undefined, resolve, reject, timer: undefined!, settled: false};
    });
    pending.timer = setTimeout(() => this.settle(pending, new WebsocketArrivalTimeout(this.tunnelId, this.timeoutMs)), this.timeoutMs);
    pending.timer.unref();
    this.outstanding.push(pending);
    this.unsettled.add(pending);
    return {token: pending.token, websocket, fail: (error) => this.settle(pending, error)};
  }

  /**
   * Before the upgrade: takes the request this websocket answers out of the outstanding ones
   * (throws 403 for a token that answers none, 409 when nothing was asked for) and returns
   * what to do with the websocket once open.
   */
  claim(token: string | undefined): (websocket: WebSocket) => void {
    const index = this.withTokens ? this.indexOfToken(token) : this.outstanding.length > 0 ? 0 : -1;
    if (index === -1) {
      if (this.withTokens) {
        throw new ServerError(
          'NETUNNEL_ERR_BAD_WEBSOCKET_TOKEN',
          `Forbidden: no websocket request of tunnel \`${this.tunnelId}\` on channel \`${this.channelId}\` has this token (missing, used, expired or another's)`,
        );
      }
      throw new ServerError('NETUNNEL_ERR_UNREQUESTED_WEBSOCKET', `Tunnel \`${this.tunnelId}\` of channel \`${this.channelId}\` did not ask for a websocket`);
    }
    const [pending] = this.outstanding.splice(index, 1);
    return (websocket) => {
      // Its request expired (or the tunnel stopped) during the handshake: nobody waits for it.
      if (!this.settle(pending!, websocket)) websocket.close(1000);
    };
  }

  /** Every request fails (the tunnel stops). */
  rejectAll(error: Error): void {
    for (const pending of [...this.unsettled]) this.settle(pending, error);
  }

  private indexOfToken(token: string | undefined): number {
    if (token === undefined) return -1;
    // Every outstanding token is compared, so the time taken says nothing about which matched.
    let found = -1;
    this.outstanding.forEach((pending, index) => {
      if (tokensEqual(pending.token!, token) && found === -1) found = index;
    });
    return found;
  }

  /** Resolves or rejects the request once; false if it was settled already. */
  private settle(pending: Pending, outcome: WebSocket | Error): boolean {
    if (pending.settled) return false;
    pending.settled = true;
    clearTimeout(pending.timer);
    this.unsettled.delete(pending);
    const index = this.outstanding.indexOf(pending);
    if (index !== -1) this.outstanding.splice(index, 1);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
    return true;
  }
}
