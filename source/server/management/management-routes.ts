/** Our management API (DESIGN.md): server info, channels, tunnels, events, metrics. */
import type {ServerInfo} from '../../protocol/management.js';
import {parseBody} from '../../protocol/bodies.js';
import {z} from 'zod';

const closeTunnelBody = z.strictObject({force: z.boolean().default(true)});
import type {ChannelRegistry} from '../channels/channel-registry.js';
import type {EventHub} from './event-hub.js';
import {allTunnels, channelDetails, channelInfo} from './management-views.js';
import {METRICS_CONTENT_TYPE, renderMetrics} from './metrics.js';
import type {PeerSource} from '../peers/peer-source.js';
import type {RouteTable} from '../http/route-table.js';
import type {LimitRefusals} from '../limits/limit-refusals.js';

export function managementRoutes(
  channels: ChannelRegistry,
  events: EventHub,
  serverInfo: () => ServerInfo,
  peers: PeerSource | undefined,
  refusals?: LimitRefusals,
): RouteTable {
  return {
    rest: {
      serverInfo: {GET: () => ({json: serverInfo()})},
      channels: {GET: () => ({json: channels.all().map(channelInfo)})},
      channel: {
        GET: ({params}) => ({json: channelDetails(channels.get(params.channelId!))}),
        DELETE: async ({params}) => {
          await channels.get(params.channelId!).close();
          return {json: null};
        },
      },
      // Tears down a tunnel of any client and tells that client (DELETE_TUNNEL), so its own
      // half stops too; 1.0.12's DELETE only stops the server's half.
      tunnelClose: {
        POST: async ({params, readBody}) => {
          const {force} = parseBody(closeTunnelBody, (await readBody()) ?? {});
          channels.get(params.channelId!).deleteTunnel(params.tunnelId!, force, true);
          return {json: null};
        },
      },
      allTunnels: {GET: () => ({json: allTunnels(channels.all())})},
      metrics: {GET: () => ({text: renderMetrics(channels.all(), peers?.list() ?? [], refusals?.all()), contentType: METRICS_CONTENT_TYPE})},
    },
    upgrade: {
      events: () => (websocket) => events.subscribe(websocket),
    },
  };
}
