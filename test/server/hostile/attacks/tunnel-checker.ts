/**
 * Honest traffic through a tunnel while the server is under attack: connection after
 * connection to the tunnel's entrance, random bytes written with backpressure to an echo
 * service behind the exit, and a SHA-256 of what was sent against one of what came back.
 */
import {createHash, randomBytes} from 'node:crypto';
import {connect} from 'node:net';
import {once} from 'node:events';

export interface TrafficReport {
  connections: number;
  /** Bytes sent and echoed back intact. */
  bytes: number;
  /** Connections whose echo differed from what was sent, or that broke. */
  failures: string[];
}

export class TunnelChecker {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly report: TrafficReport = {connections: 0, bytes: 0, failures: []};

  constructor(
    private readonly entrancePort: number,
    /** Bytes per connection. */
    private readonly perConnection = 256 * 1024,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) await this.oneConnection();
    })();
  }

  /** Stops after the connection under way, and says what was carried. */
  async stop(): Promise<TrafficReport> {
    this.running = false;
    await this.loop;
    return this.report;
  }

  private async oneConnection(): Promise<void> {
    const socket = connect({port: this.entrancePort, host: '127.0.0.1'});
    const sent = createHash('sha256');
    const received = createHash('sha256');
    let receivedBytes = 0;
    try {
      await once(socket, 'connect');
      const done = new Promise<void>((resolve, reject) => {
        socket.on('data', (chunk: Buffer) => {
          received.update(chunk);
          receivedBytes += chunk.length;
          if (receivedBytes >= this.perConnection) resolve();
        });
        socket.on('close', () => reject(new Error(`closed after ${receivedBytes} of ${this.perConnection} bytes`)));
        socket.on('error', reject);
      });
      for (let written = 0; written < this.perConnection; ) {
        const chunk = randomBytes(Math.min(this.perConnection - written, 1 + Math.floor(Math.random() * 32 * 1024)));
        sent.update(chunk);
        written += chunk.length;
        if (!socket.write(chunk)) await once(socket, 'drain');
      }
      await done;
      const [expected, actual] = [sent.digest('hex'), received.digest('hex')];
      if (expected !== actual || receivedBytes !== this.perConnection) this.report.failures.push(`connection ${this.report.connections}: sha256 ${actual} != ${expected}`);
      else this.report.bytes += receivedBytes;
    } catch (error) {
      this.report.failures.push(`connection ${this.report.connections}: ${(error as Error).message}`);
    } finally {
      this.report.connections += 1;
      socket.destroy();
    }
  }
}
