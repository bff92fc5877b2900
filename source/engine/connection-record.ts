/**
 * The live record of one tunnelled TCP connection, for a console: plain fields updated in place
 * by the pipe that carries the connection (no events on the byte path). It also feeds the
 * tunnel's counters, so a byte is counted once for the connection and once for the tunnel.
 */
import type {Socket} from 'node:net';
import type {SocketAddress} from '../protocol/socket-address.js';
import type {PipeObserver} from './pipe.js';
import type {TunnelTraffic} from './traffic.js';

/** Which end of the tunnel this process plays for a connection. */
export type TunnelEnd = 'entrance' | 'exit';

/** `half-closed`: one direction has ended (see `endedDirection`), the other still flows. */
export type ConnectionState = 'open' | 'half-closed' | 'closed';

export type Direction = 'to-exit' | 'to-entrance';

export class ConnectionRecord implements PipeObserver {
  readonly openedAt = Date.now();
  /** The last time a byte moved either way (ms since the epoch). */
  lastActivityAt = this.openedAt;
  /** Bytes that entered at the entrance and left toward the exit. */
  bytesToExit = 0;
  /** Bytes that came back from the exit toward the entrance. */
  bytesToEntrance = 0;
  state: ConnectionState = 'open';
  /** The first direction that ended (set from `half-closed` on). */
  endedDirection: Direction | undefined;
  closedAt: number | undefined;
  /** Once closed: true if reset, failed or cut, false if both directions ended. */
  aborted = false;
  /** How long the connection took to connect at this end (see TunnelTraffic.connectTimes), once known. */
  connectMs: number | undefined;
  /** Resolves once the connection's socket is closed and its websocket let go of. */
  done: Promise<void> = Promise.resolve();
  private cut: () => void = () => {};

  constructor(
    readonly id: number,
    readonly end: TunnelEnd,
    /** The application's address, when known: at the entrance, or from a stream start frame. */
    readonly source: SocketAddress | undefined,
    private readonly traffic: TunnelTraffic,
  ) {}

  /** Cuts both halves at once: the socket is reset and the far end told so. */
  destroy(): void {
    this.cut();
  }

  /** The connection is through at this end, `ms` after it started here. */
  connected(ms: number): void {
    this.connectMs = ms;
    this.traffic.connectTimes.add(ms);
  }

  /** Links the record to the pipe that carries its connection. */
  carriedBy(piped: {done: Promise<void>; destroy(): void}): void {
    this.done = piped.done;
    this.cut = () => piped.destroy();
  }

  socketToWebsocket(bytes: number): void {
    this.lastActivityAt = Date.now();
    if (this.end === 'entrance') {
      this.bytesToExit += bytes;
      this.traffic.bytesToExit += bytes;
    } else {
      this.bytesToEntrance += bytes;
      this.traffic.bytesToEntrance += bytes;
    }
  }

  websocketToSocket(bytes: number): void {
    this.lastActivityAt = Date.now();
    if (this.end === 'entrance') {
      this.bytesToEntrance += bytes;
      this.traffic.bytesToEntrance += bytes;
    } else {
      this.bytesToExit += bytes;
      this.traffic.bytesToExit += bytes;
    }
  }

  socketEnded(): void {
    this.directionEnded(this.end === 'entrance' ? 'to-exit' : 'to-entrance');
  }

  websocketEnded(): void {
    this.directionEnded(this.end === 'entrance' ? 'to-entrance' : 'to-exit');
  }

  closed(aborted: boolean): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.aborted = aborted;
    this.closedAt = Date.now();
  }

  private directionEnded(direction: Direction): void {
    if (this.state !== 'open') return;
    this.state = 'half-closed';
    this.endedDirection = direction;
  }
}

/** The far address of a connected socket (an entrance's application), if it has one. */
export function socketPeer(socket: Socket): SocketAddress | undefined {
  const {remoteAddress, remotePort} = socket;
  return remoteAddress === undefined || remotePort === undefined ? undefined : {address: remoteAddress, port: remotePort};
}
