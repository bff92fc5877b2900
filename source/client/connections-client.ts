/**
 * The connections part of our management API (docs/management-api.md), from the outside:
 * listing the open tunnelled connections, closing one, draining a tunnel. Every answer is
 * checked against its schema (protocol/connections.ts). A server without the feature
 * `connections` (1.0.12, an older server of ours, --no-extensions) answers 404: the calls then
 * throw ServerRefusedError with that status.
 */
import type {z} from 'zod';
import {
  connectionInfoSchema,
  connectionListSchema,
  drainAnswerSchema,
  type ConnectionInfo,
  type DrainAnswer,
} from '../protocol/connections.js';
import {describeFirstIssue} from '../protocol/bodies.js';
import {ProtocolError} from '../protocol/errors.js';
import {paths} from '../protocol/routes.js';
import {ServerTransport, type TransportOptions} from './server-transport.js';

export type {ConnectionInfo, DrainAnswer};

export interface ConnectionFilter {
  channelId?: number;
  /** Only with `channelId`. */
  tunnelId?: number;
}

function parseAnswer<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProtocolError(`The server's answer to ${what} does not fit: ${describeFirstIssue(result.error, value)}`);
  return result.data;
}

export class ConnectionsClient {
  readonly transport: ServerTransport;

  constructor(options: TransportOptions | ServerTransport) {
    this.transport = options instanceof ServerTransport ? options : new ServerTransport(options);
  }

  /** The open connections, oldest first: all, one channel's, or one tunnel's. */
  async listConnections(filter: ConnectionFilter = {}): Promise<ConnectionInfo[]> {
    const path = paths.connections(filter);
    return parseAnswer(connectionListSchema, await this.transport.request('GET', path), `GET ${path}`);
  }

  async getConnection(connectionId: number): Promise<ConnectionInfo> {
    const path = paths.connection(connectionId);
    return parseAnswer(connectionInfoSchema, await this.transport.request('GET', path), `GET ${path}`);
  }

  /** Cuts the connection at both ends; resolves once the server has let go of it. */
  async closeConnection(connectionId: number): Promise<void> {
    await this.transport.request('DELETE', paths.connection(connectionId));
  }

  /**
   * Stops a tunnel gracefully: it takes no new connection, its open ones run to their end (or
   * are cut after `timeoutMs`), then it goes. Resolves at once, with what the drain waits for.
   */
  async drainTunnel(channelId: number, tunnelId: number, options: {timeoutMs?: number} = {}): Promise<DrainAnswer> {
    const path = paths.tunnelDrain(channelId, tunnelId);
    const body = options.timeoutMs === undefined ? {} : {timeout_ms: options.timeoutMs};
    return parseAnswer(drainAnswerSchema, await this.transport.request('POST', path, body), `POST ${path}`);
  }

  close(): void {
    this.transport.close();
  }
}
