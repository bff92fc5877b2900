/** The channel and tunnel routes of PROTOCOL.md 2 and 3. */
import {createChannelBody, deleteTunnelBody, parseBody, parseCreateTunnelBody} from '../../protocol/bodies.js';
import {PROTOCOL_VERSION} from '../../protocol/version.js';
import {FEATURES} from '../../protocol/management.js';
import {checkDestinationAllowed, checkEntranceAllowed} from './destinations.js';
import {conflict} from '../http/http-errors.js';
import type {RouteTable} from '../http/route-table.js';
import type {ChannelRegistry} from './channel-registry.js';

export interface ChannelRoutesSettings {
  /** False: answer exactly like 1.0.12 (no `features`, no `entrance_port`). */
  extensions: boolean;
  allowedTunnelDestinations(): Readonly<Record<string, string>>;
  allowedTunnelEntrances(): readonly string[];
}

export function channelRoutes(channels: ChannelRegistry, settings: ChannelRoutesSettings): RouteTable {
  return {
    rest: {
      version: {GET: () => ({text: PROTOCOL_VERSION})},
      channels: {
        POST: async ({readBody, auth}) => {
          const body = parseBody(createChannelBody, await readBody());
          const channel = channels.create({
            clientVersion: body.version,
            clientFeatures: body.features ?? [],
            remoteAddress: auth.remoteAddress,
          });
          if (!settings.extensions) return {json: {channel_id: channel.id, version: PROTOCOL_VERSION}};
          return {json: {channel_id: channel.id, version: PROTOCOL_VERSION, features: [...FEATURES]}};
        },
      },
      tunnels: {
        POST: async ({params, readBody}) => {
          const channel = channels.get(params.channelId!);
          const body = parseCreateTunnelBody(await readBody());
          if (!body.reverse) {
            checkDestinationAllowed(settings.allowedTunnelDestinations(), body.exit_address, body.exit_port);
            const tunnel = channel.createForwardTunnel(body);
            return {json: {tunnel_id: tunnel.id}};
          }
          checkEntranceAllowed(settings.allowedTunnelEntrances(), body.entrance_address);
          const tunnel = await channel.createReverseTunnel(body);
          if (!settings.extensions) return {json: {tunnel_id: tunnel.id}};
          // entrance_port is our addition: 1.0.12 does not say which port it chose.
          return {json: {tunnel_id: tunnel.id, entrance_port: tunnel.entrance?.port ?? null}};
        },
      },
      tunnel: {
        DELETE: async ({params, readBody}) => {
          const channel = channels.get(params.channelId!);
          const {force} = parseBody(deleteTunnelBody, (await readBody()) ?? {});
          channel.deleteTunnel(params.tunnelId!, force, false);
          return {json: null};
        },
      },
    },
    upgrade: {
      channelConnect: ({params}) => {
        const channel = channels.get(params.channelId!);
        if (channel.connected || channel.connectedAt) throw conflict(`Channel \`${channel.id}\` is already connected`);
        return (websocket) => channel.attach(websocket);
      },
      tunnelConnect: ({params}) => {
        const tunnel = channels.get(params.channelId!).getTunnel(params.tunnelId!);
        return (websocket) => tunnel.acceptWebsocket(websocket);
      },
    },
  };
}
