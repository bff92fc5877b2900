/**
 * The route table of PROTOCOL.md section 2 plus our management extensions (docs/management-api.md).
 * One place builds paths (client side) and matches them (server side), so both agree.
 */

export type RouteName =
  | 'version'
  | 'authenticate'
  | 'channels'
  | 'channel'
  | 'channelConnect'
  | 'tunnels'
  | 'tunnel'
  | 'tunnelConnect'
  | 'tunnelClose'
  | 'peers'
  | 'peer'
  | 'staticTunnels'
  | 'staticTunnel'
  | 'httpProxy'
  | 'factoryReset'
  | 'serverInfo'
  | 'allTunnels'
  | 'events'
  | 'metrics'
  | 'connections'
  | 'connection'
  | 'tunnelDrain';

export interface RouteMatch {
  name: RouteName;
  /** Numeric path parameters, by name (channelId, tunnelId, peerId, staticTunnelId, connectionId). */
  params: Record<string, number>;
}

interface RouteSpec {
  name: RouteName;
  pattern: RegExp;
  params: string[];
  /** True for routes 1.0.12 does not have. */
  extension: boolean;
}

const ID = '([0-9]{1,15})';

const SPECS: RouteSpec[] = [
  {name: 'version', pattern: /^\/version$/, params: [], extension: false},
  {name: 'authenticate', pattern: /^\/authenticate$/, params: [], extension: false},
  {name: 'channels', pattern: /^\/channels$/, params: [], extension: false},
  {name: 'channel', pattern: new RegExp(`^/channels/${ID}$`), params: ['channelId'], extension: true},
  {name: 'channelConnect', pattern: new RegExp(`^/channels/${ID}/connect$`), params: ['channelId'], extension: false},
  {name: 'tunnels', pattern: new RegExp(`^/channels/${ID}/tunnels$`), params: ['channelId'], extension: false},
  {name: 'tunnel', pattern: new RegExp(`^/channels/${ID}/tunnels/${ID}$`), params: ['channelId', 'tunnelId'], extension: false},
  {
    name: 'tunnelConnect',
    pattern: new RegExp(`^/channels/${ID}/tunnels/${ID}/connect$`),
    params: ['channelId', 'tunnelId'],
    extension: false,
  },
  {
    name: 'tunnelClose',
    pattern: new RegExp(`^/channels/${ID}/tunnels/${ID}/close$`),
    params: ['channelId', 'tunnelId'],
    extension: true,
  },
  {name: 'peers', pattern: /^\/peers$/, params: [], extension: false},
  {name: 'peer', pattern: new RegExp(`^/peers/${ID}$`), params: ['peerId'], extension: false},
  {name: 'staticTunnels', pattern: new RegExp(`^/peers/${ID}/static_tunnels$`), params: ['peerId'], extension: false},
  {
    name: 'staticTunnel',
    pattern: new RegExp(`^/peers/${ID}/static_tunnels/${ID}$`),
    params: ['peerId', 'staticTunnelId'],
    extension: false,
  },
  {name: 'httpProxy', pattern: /^\/config\/http-proxy$/, params: [], extension: false},
  {name: 'factoryReset', pattern: /^\/config\/factory-reset$/, params: [], extension: false},
  {name: 'serverInfo', pattern: /^\/server-info$/, params: [], extension: true},
  {name: 'allTunnels', pattern: /^\/tunnels$/, params: [], extension: true},
  {name: 'events', pattern: /^\/events$/, params: [], extension: true},
  {name: 'metrics', pattern: /^\/metrics$/, params: [], extension: true},
  {name: 'connections', pattern: /^\/connections$/, params: [], extension: true},
  {name: 'connection', pattern: new RegExp(`^/connections/${ID}$`), params: ['connectionId'], extension: true},
  {
    name: 'tunnelDrain',
    pattern: new RegExp(`^/channels/${ID}/tunnels/${ID}/drain$`),
    params: ['channelId', 'tunnelId'],
    extension: true,
  },
];

/** Matches a path (no query string, no prefix) against the route table. */
export function matchRoute(path: string): (RouteMatch & {extension: boolean}) | undefined {
  for (const spec of SPECS) {
    const found = spec.pattern.exec(path);
    if (!found) continue;
    const params: Record<string, number> = {};
    spec.params.forEach((param, index) => {
      params[param] = Number(found[index + 1]);
    });
    return {name: spec.name, params, extension: spec.extension};
  }
  return undefined;
}

/** Path builders, used by the client. */
export const paths = {
  version: () => '/version',
  authenticate: () => '/authenticate',
  channels: () => '/channels',
  channel: (channelId: number) => `/channels/${channelId}`,
  channelConnect: (channelId: number) => `/channels/${channelId}/connect`,
  tunnels: (channelId: number) => `/channels/${channelId}/tunnels`,
  tunnel: (channelId: number, tunnelId: number) => `/channels/${channelId}/tunnels/${tunnelId}`,
  tunnelConnect: (channelId: number, tunnelId: number) => `/channels/${channelId}/tunnels/${tunnelId}/connect`,
  tunnelClose: (channelId: number, tunnelId: number) => `/channels/${channelId}/tunnels/${tunnelId}/close`,
  peers: (name?: string) => (name === undefined ? '/peers' : `/peers?name=${encodeURIComponent(name)}`),
  peer: (peerId: number) => `/peers/${peerId}`,
  staticTunnels: (peerId: number) => `/peers/${peerId}/static_tunnels`,
  staticTunnel: (peerId: number, staticTunnelId: number) => `/peers/${peerId}/static_tunnels/${staticTunnelId}`,
  httpProxy: () => '/config/http-proxy',
  factoryReset: () => '/config/factory-reset',
  serverInfo: () => '/server-info',
  allTunnels: () => '/tunnels',
  events: () => '/events',
  metrics: () => '/metrics',
  /** `filter`: one channel's connections, or one tunnel's. */
  connections: (filter: {channelId?: number; tunnelId?: number} = {}) => {
    const query = new URLSearchParams();
    if (filter.channelId !== undefined) query.set('channel_id', String(filter.channelId));
    if (filter.tunnelId !== undefined) query.set('tunnel_id', String(filter.tunnelId));
    return query.size === 0 ? '/connections' : `/connections?${query}`;
  },
  connection: (connectionId: number) => `/connections/${connectionId}`,
  tunnelDrain: (channelId: number, tunnelId: number) => `/channels/${channelId}/tunnels/${tunnelId}/drain`,
} as const;

/** The text frame that starts a tunnelled connection (PROTOCOL.md 3.3). */
export const START_MARKER = 'pasten';
