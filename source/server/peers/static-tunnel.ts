/**
 * One static tunnel (PROTOCOL.md 4.2): a forward tunnel from a local entrance on this server to
 * an exit reached by a peer, kept alive for as long as it exists.
 *
 * A small state machine:
 *   connecting --(channel + tunnel open)--> online --(channel lost, tunnel closed by the peer,
 *   failed health check, restart)--> connecting --> ... ; offline once stopped.
 * Every failure only changes the status and `lastError`; nothing a peer does (being down,
 * refusing auth, sitting behind a broken proxy) can end the server. Retries back off from
 * `retryInitialMs` doubling to `retryMaxMs`, with jitter; a health check (`GET /version` on the
 * channel's server, every `healthCheckIntervalMs`) and the websocket heartbeat notice a dead
 * peer. The local entrance keeps its port across reconnects (it is closed while connecting,
 * so that a client is refused at once rather than left hanging).
 */
import {EventEmitter} from 'node:events';
import {NetunnelClient} from '../../client/netunnel-client.js';
import {ServerRefusedError} from '../../client/client-errors.js';
import type {ForwardClientTunnel} from '../../client/client-tunnel.js';
import type {Logger} from '../../engine/logger.js';
import {backoffDelay} from '../../engine/retry-backoff.js';
import {messageOf} from '../../protocol/errors.js';
import type {StaticTunnelInfo, StaticTunnelStatus} from '../../protocol/server-objects.js';
import type {StaticTunnelConfig} from '../state/config-store.js';
import {isAuthRefusal, peerClientOptions, type PeerLink} from './peer-link.js';

export interface StaticTunnelTiming {
  /** First pause before retrying (ms); it doubles after each failed attempt... */
  retryInitialMs: number;
  /** ...up to this (ms). */
  retryMaxMs: number;
  /** How often an online tunnel checks its peer (ms). */
  healthCheckIntervalMs: number;
  /** Ping interval of the channel to the peer (ms); no pong within half of it drops the channel. */
  heartbeatMs: number;
  /** Longest wait for one answer from the peer (ms): a REST call, a websocket handshake. */
  requestTimeoutMs: number;
}

/** A dead channel is noticed within 30 s: heartbeat 20 s + 10 s without pong, health check every 10 s. */
export const DEFAULT_STATIC_TUNNEL_TIMING: StaticTunnelTiming = {
  retryInitialMs: 500,
  retryMaxMs: 10_000,
  healthCheckIntervalMs: 10_000,
  heartbeatMs: 20_000,
  requestTimeoutMs: 10_000,
};

export interface StaticTunnelState {
  status: StaticTunnelStatus;
  /** Why the last attempt failed or the tunnel dropped; null when online or never tried. */
  lastError: string | null;
  /** When `status` last changed. */
  since: Date;
}

/** Where an attempt failed: getting the peer's settings, opening the channel, or the tunnel itself. */
export type AttemptStage = 'settings' | 'channel' | 'tunnel';

export type AttemptOutcome = {ok: true} | {ok: false; stage: AttemptStage; error: unknown};

export interface StaticTunnelEvents {
  status: [StaticTunnelState];
}

/** How long a closing channel to the peer may wait for the peer's goodbye (ms). */
const CLOSE_TIMEOUT_MS = 1_000;

/** Thrown inside an attempt once stop() or restart() asked it to give up. */
class Interrupted extends Error {}

const STOPPED: AttemptOutcome = {ok: false, stage: 'settings', error: new Error('The static tunnel was stopped')};

export class StaticTunnel extends EventEmitter<StaticTunnelEvents> {
  private current: StaticTunnelState = {status: 'offline', lastError: null, since: new Date()};
  private running = false;
  private loop: Promise<void> | undefined;
  private client: NetunnelClient | undefined;
  /** The tunnel of the current connection to the peer, and what earlier ones carried. */
  private liveTunnel: ForwardClientTunnel | undefined;
  private readonly carried = {connections: 0, sent: 0, received: 0};
  /** Ends the current wait (backoff pause or online watch) early. */
  private wake: (() => void) | undefined;
  private restartRequested = false;

  constructor(
    readonly settings: Readonly<StaticTunnelConfig>,
    /** The peer's current URL, auth, proxy and TLS setting, asked before each attempt. */
    private readonly peerLink: () => Promise<PeerLink>,
    private readonly timing: StaticTunnelTiming,
    private readonly logger: Logger,
    /** For logs, e.g. "peer `b` static tunnel 1". */
    private readonly label: string,
  ) {
    super();
  }

  get id(): number {
    return this.settings.id;
  }

  get state(): StaticTunnelState {
    return {...this.current};
  }

  /** The answer of the static tunnel routes: the 1.0.12 object plus our live fields. */
  info(): StaticTunnelInfo {
    return {
      id: this.settings.id,
      tunnel_local_address: this.settings.tunnel_local_address,
      tunnel_local_port: this.settings.tunnel_local_port,
      tunnel_remote_address: this.settings.tunnel_remote_address,
      tunnel_remote_port: this.settings.tunnel_remote_port,
      status: this.current.status,
      last_error: this.current.lastError,
      since: this.current.since.toISOString(),
      connections: {
        active: this.liveTunnel?.traffic.activeConnections ?? 0,
        total: this.carried.connections + (this.liveTunnel?.traffic.totalConnections ?? 0),
      },
      bytes: {
        sent: this.carried.sent + (this.liveTunnel?.traffic.bytesToExit ?? 0),
        received: this.carried.received + (this.liveTunnel?.traffic.bytesToEntrance ?? 0),
      },
    };
  }

  /**
   * Starts keeping the tunnel up. Resolves with the outcome of the first attempt (never
   * rejects); the tunnel goes on retrying after a failed one until stop().
   */
  start(): Promise<AttemptOutcome> {
    if (this.running || this.loop) throw new Error(`${this.label} was already started`);
    this.running = true;
    return new Promise<AttemptOutcome>((resolve) => {
      this.loop = this.run(resolve);
    });
  }

  /** Drops the current connection (if any) and reconnects at once, with the peer's current settings. */
  restart(): void {
    if (!this.running) return;
    this.restartRequested = true;
    this.setState('connecting', this.current.lastError);
    this.interrupt();
  }

  /** Stops for good: the entrance closes, the channel to the peer closes, the status is `offline`. */
  async stop(): Promise<void> {
    this.running = false;
    this.interrupt();
    await this.loop;
  }

  private interrupt(): void {
    this.wake?.();
    // An attempt under way fails fast once its client is closed.
    void this.client?.close({timeoutMs: CLOSE_TIMEOUT_MS}).catch(() => undefined);
  }

  private setState(status: StaticTunnelStatus, lastError: string | null): void {
    if (status === this.current.status && lastError === this.current.lastError) return;
    const since = status === this.current.status ? this.current.since : new Date();
    this.current = {status, lastError, since};
    this.emit('status', this.state);
  }

  private checkInterrupted(): void {
    if (!this.running || this.restartRequested) throw new Interrupted();
  }

  private async run(reportFirst: (outcome: AttemptOutcome) => void): Promise<void> {
    let reported = false;
    const report = (outcome: AttemptOutcome) => {
      if (reported) return;
      reported = true;
      reportFirst(outcome);
    };
    let failures = 0;
    while (this.running) {
      this.restartRequested = false;
      this.setState('connecting', this.current.lastError);
      let stage: AttemptStage = 'settings';
      let client: NetunnelClient | undefined;
      let problem: string | undefined;
      try {
        const link = await this.peerLink();
        this.checkInterrupted();
        stage = 'channel';
        client = new NetunnelClient(peerClientOptions(link, this.timing, this.logger));
        this.client = client;
        await client.connect();
        this.checkInterrupted();
        stage = 'tunnel';
        const tunnel = await client.openTunnelToServer({
          exitAddress: this.settings.tunnel_remote_address,
          exitPort: this.settings.tunnel_remote_port,
          localAddress: this.settings.tunnel_local_address,
          localPort: this.settings.tunnel_local_port,
        });
        this.liveTunnel = tunnel;
        this.checkInterrupted();
        failures = 0;
        this.setState('online', null);
        this.logger.info(`Static tunnel ${this.display(link.serverUrl)} is online`);
        report({ok: true});
        problem = await this.watch(client, tunnel);
      } catch (error) {
        if (!(error instanceof Interrupted) && this.running && !this.restartRequested) {
          failures += 1;
          problem = describeFailure(stage, error, this.settings);
          report({ok: false, stage, error});
        }
      } finally {
        this.client = undefined;
        await client?.close({timeoutMs: CLOSE_TIMEOUT_MS}).catch(() => undefined);
        if (this.liveTunnel) {
          this.carried.connections += this.liveTunnel.traffic.totalConnections;
          this.carried.sent += this.liveTunnel.traffic.bytesToExit;
          this.carried.received += this.liveTunnel.traffic.bytesToEntrance;
          this.liveTunnel = undefined;
        }
      }
      if (!this.running) break;
      if (this.restartRequested) {
        failures = 0;
        continue;
      }
      if (problem !== undefined && problem !== this.current.lastError) {
        this.logger.warn(`Static tunnel ${this.display()}: ${problem}; retrying`);
      }
      this.setState('connecting', problem ?? this.current.lastError);
      await this.pause(this.backoff(failures));
    }
    report(STOPPED);
    this.setState('offline', null);
  }

  /** Resolves with the reason the online tunnel is no longer usable (or was interrupted). */
  private watch(client: NetunnelClient, tunnel: ForwardClientTunnel): Promise<string | undefined> {
    return new Promise<string | undefined>((resolve) => {
      let done = false;
      let checking = false;
      const finish = (reason: string | undefined) => {
        if (done) return;
        done = true;
        clearInterval(timer);
        client.off('disconnected', onDisconnected);
        this.wake = undefined;
        resolve(reason);
      };
      const onDisconnected = (message: string) => finish(message);
      const check = async () => {
        if (checking || done) return;
        checking = true;
        try {
          if (!client.connected) finish('The channel to the peer is closed');
          else await client.api.server.version();
        } catch (error) {
          finish(`Health check failed: ${messageOf(error)}`);
        } finally {
          checking = false;
        }
      };
      const timer = setInterval(() => void check(), this.timing.healthCheckIntervalMs);
      timer.unref();
      client.on('disconnected', onDisconnected);
      // A lost channel stops its tunnels before it says so: the tunnel closing is then not the peer's doing.
      void tunnel.closed.then(() => finish(client.connected ? 'The peer closed the tunnel' : `The connection to ${client.serverUrl} was lost`));
      this.wake = () => finish(undefined);
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    }).finally(() => (this.wake = undefined));
  }

  /** retryInitialMs after a drop, then doubling with each failure up to retryMaxMs; +-25% jitter. */
  private backoff(failures: number): number {
    return backoffDelay({minMs: this.timing.retryInitialMs, maxMs: this.timing.retryMaxMs, jitter: 0.25}, failures);
  }

  private display(serverUrl?: string): string {
    const {tunnel_local_address, tunnel_local_port, tunnel_remote_address, tunnel_remote_port} = this.settings;
    const peer = serverUrl === undefined ? this.label : `${this.label} (${serverUrl})`;
    return `${peer} ${tunnel_local_address}:${tunnel_local_port} -> ${tunnel_remote_address}:${tunnel_remote_port}`;
  }
}

/** True when an attempt failed because the local entrance port is taken. */
export function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

function describeFailure(stage: AttemptStage, error: unknown, settings: Readonly<StaticTunnelConfig>): string {
  if (stage === 'channel' && isAuthRefusal(error)) return `Failed to authenticate with the peer: ${messageOf(error)}`;
  if (stage === 'tunnel') {
    if (isAddressInUse(error)) {
      return `Cannot listen on ${settings.tunnel_local_address}:${settings.tunnel_local_port}: the address is already in use`;
    }
    if (error instanceof ServerRefusedError) return `The peer refused the tunnel: ${messageOf(error)}`;
  }
  return messageOf(error);
}
