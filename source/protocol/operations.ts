/**
 * The contract of every REST operation of a NETunnel server, 1.0.12's (PROTOCOL.md 2) and ours
 * (the management API): its method and route, the body it takes and the answer it gives, as
 * zod schemas. The server reads requests with `input` (server/http/operation-routes.ts), the
 * client parses answers with `answer` (client/operation-call.ts), so neither side has shapes
 * of its own. Adding an operation is one entry here (its route in routes.ts if the path is
 * new), its handler on the server and its method on the client.
 *
 * The websockets (a channel's, a tunnel's, `/events`) are routes without an operation: their
 * frames are in channel-frames.ts, stream-frames.ts and server-events.ts.
 */
import {z} from 'zod';
import {
  closeTunnelBody,
  createChannelAnswer,
  createChannelBody,
  createTunnelAnswer,
  createTunnelBody,
  deleteTunnelBody,
  noAnswer,
  parseBody,
  parseCreateTunnelBody,
  parseOptionalBody,
} from './bodies.js';
import {connectionInfoSchema, connectionListSchema, drainAnswerSchema, drainBodySchema} from './connections.js';
import {channelDetailsSchema, channelInfoSchema, serverInfoSchema, tunnelInfoSchema} from './management.js';
import {paths, type RouteName} from './routes.js';
import {
  factoryResetBody,
  httpProxyInfoSchema,
  parseCreateStaticTunnelBody,
  parseFactoryResetBody,
  parseRegisterPeerBody,
  parseSetHttpProxyBody,
  parseUpdatePeerBody,
  peerInfoSchema,
  registerPeerBody,
  createStaticTunnelBody,
  setHttpProxyBody,
  staticTunnelInfoSchema,
  updatePeerBody,
} from './server-objects.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** The Prometheus text format (`GET /metrics`). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

export interface Operation {
  method: HttpMethod;
  route: RouteName;
  /** The path, from the route's ids (and, for the peers, the name to filter by). */
  path: (...params: never[]) => string;
  /** The JSON body the operation takes (none: no body). */
  input?: z.ZodType;
  /**
   * How the server reads the body (a BodyError names the field at fault): the schema, with
   * 1.0.12's words where they differ from zod's and what an empty body means.
   */
  readInput?: (value: unknown) => unknown;
  /** What a success answers: JSON that fits this, or text when `textAnswer` is set. */
  answer: z.ZodType;
  /** The answer is text of this content type, not JSON (`/version`, `/metrics`). */
  textAnswer?: string;
  /** Ours: a 1.0.12 server (or ours with --no-extensions) answers 404. */
  extension?: true;
}

/** Reading a body with a schema alone (no words of 1.0.12's to keep). */
function bodyOf<Schema extends z.ZodType>(schema: Schema): (value: unknown) => z.output<Schema> {
  return (value) => parseBody(schema, value);
}

/** A body that may be left out: none means `{}`. */
function optionalBodyOf<Schema extends z.ZodType>(schema: Schema): (value: unknown) => z.output<Schema> {
  return (value) => parseOptionalBody(schema, value);
}

export const operations = {
  // ------------------------------------------------------------ the server
  serverVersion: {method: 'GET', route: 'version', path: paths.version, answer: z.string(), textAnswer: TEXT_CONTENT_TYPE},
  /** Plugin-defined both ways (PROTOCOL.md 6), and not behind auth: the auth plugin's client half calls it. */
  authenticate: {method: 'POST', route: 'authenticate', path: paths.authenticate, input: z.unknown(), readInput: bodyOf(z.unknown()), answer: z.unknown()},
  serverInfo: {method: 'GET', route: 'serverInfo', path: paths.serverInfo, answer: serverInfoSchema, extension: true},
  metrics: {method: 'GET', route: 'metrics', path: paths.metrics, answer: z.string(), textAnswer: METRICS_CONTENT_TYPE, extension: true},
  factoryReset: {method: 'POST', route: 'factoryReset', path: paths.factoryReset, input: factoryResetBody, readInput: parseFactoryResetBody, answer: noAnswer},

  // ------------------------------------------------------------ channels and their tunnels
  createChannel: {method: 'POST', route: 'channels', path: paths.channels, input: createChannelBody, readInput: bodyOf(createChannelBody), answer: createChannelAnswer},
  listChannels: {method: 'GET', route: 'channels', path: paths.channels, answer: z.array(channelInfoSchema), extension: true},
  getChannel: {method: 'GET', route: 'channel', path: paths.channel, answer: channelDetailsSchema, extension: true},
  disconnectChannel: {method: 'DELETE', route: 'channel', path: paths.channel, answer: noAnswer, extension: true},
  createTunnel: {method: 'POST', route: 'tunnels', path: paths.tunnels, input: createTunnelBody, readInput: parseCreateTunnelBody, answer: createTunnelAnswer},
  /** 1.0.12's: the server stops its half (its client asked, or is told by its own close). */
  deleteTunnel: {
    method: 'DELETE',
    route: 'tunnel',
    path: paths.tunnel,
    input: deleteTunnelBody,
    readInput: optionalBodyOf(deleteTunnelBody),
    answer: noAnswer,
  },
  /** Ours: any client's tunnel; the server stops its half and tells that client to stop its own. */
  closeTunnel: {
    method: 'POST',
    route: 'tunnelClose',
    path: paths.tunnelClose,
    input: closeTunnelBody,
    readInput: optionalBodyOf(closeTunnelBody),
    answer: noAnswer,
    extension: true,
  },
  listTunnels: {method: 'GET', route: 'allTunnels', path: paths.allTunnels, answer: z.array(tunnelInfoSchema), extension: true},
  /** Ours (`connections`): it takes no new connection, the open ones run to their end (or are cut after `timeout_ms`), then it goes. */
  drainTunnel: {
    method: 'POST',
    route: 'tunnelDrain',
    path: paths.tunnelDrain,
    input: drainBodySchema,
    readInput: optionalBodyOf(drainBodySchema),
    answer: drainAnswerSchema,
    extension: true,
  },

  // ------------------------------------------------------------ tunnelled connections (ours, `connections`)
  /** The query (`channel_id`, `tunnel_id`) is read by the handler: it is no body. */
  listConnections: {method: 'GET', route: 'connections', path: paths.connections, answer: connectionListSchema, extension: true},
  getConnection: {method: 'GET', route: 'connection', path: paths.connection, answer: connectionInfoSchema, extension: true},
  /** Cuts the connection at both ends; answers once the server has let go of it. */
  closeConnection: {method: 'DELETE', route: 'connection', path: paths.connection, answer: noAnswer, extension: true},

  // ------------------------------------------------------------ peers and their static tunnels
  listPeers: {method: 'GET', route: 'peers', path: paths.peers, answer: z.array(peerInfoSchema)},
  registerPeer: {method: 'POST', route: 'peers', path: paths.peers, input: registerPeerBody, readInput: parseRegisterPeerBody, answer: peerInfoSchema},
  getPeer: {method: 'GET', route: 'peer', path: paths.peer, answer: peerInfoSchema},
  updatePeer: {method: 'POST', route: 'peer', path: paths.peer, input: updatePeerBody, readInput: parseUpdatePeerBody, answer: peerInfoSchema},
  deletePeer: {method: 'DELETE', route: 'peer', path: paths.peer, answer: noAnswer},
  listStaticTunnels: {method: 'GET', route: 'staticTunnels', path: paths.staticTunnels, answer: z.array(staticTunnelInfoSchema)},
  createStaticTunnel: {
    method: 'POST',
    route: 'staticTunnels',
    path: paths.staticTunnels,
    input: createStaticTunnelBody,
    readInput: parseCreateStaticTunnelBody,
    answer: staticTunnelInfoSchema,
  },
  getStaticTunnel: {method: 'GET', route: 'staticTunnel', path: paths.staticTunnel, answer: staticTunnelInfoSchema},
  deleteStaticTunnel: {method: 'DELETE', route: 'staticTunnel', path: paths.staticTunnel, answer: noAnswer},

  // ------------------------------------------------------------ the global HTTP proxy
  getHttpProxy: {method: 'GET', route: 'httpProxy', path: paths.httpProxy, answer: httpProxyInfoSchema},
  setHttpProxy: {method: 'POST', route: 'httpProxy', path: paths.httpProxy, input: setHttpProxyBody, readInput: parseSetHttpProxyBody, answer: httpProxyInfoSchema},
} as const satisfies Record<string, Operation>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
