/**
 * The channel and tunnel routes of PROTOCOL.md 2 and 3. The websockets of a channel are only
 * taken from the client that created it (channel-owner.ts), and a reverse tunnel's only in
 * answer to its requests (websocket-requests.ts): both refused before the upgrade.
 */
import type {AuthRequest} from '../../auth/contract.js';
import {operations} from '../../protocol/operations.js';
import {PROTOCOL_VERSION} from '../../protocol/version.js';
import {FEATURES, type Feature} from '../../protocol/management.js';
import {IDLE_WEBSOCKETS_KEY, STREAM_FEATURE} from '../../protocol/stream-frames.js';
import {CHANNEL_SECRET_KEY, REQUEST_TOKEN_HEADER} from '../../protocol/websocket-tokens.js';
import {ChannelOwner, newToken, singleHeader} from './channel-owner.js';
import {checkDestinationAllowed, checkEntranceAllowed} from './destinations.js';
import {ServerError} from '../server-errors.js';
import {serve} from '../http/operation-routes.js';
import {mergeRouteTables, type RouteTable} from '../http/route-table.js';
import type {ChannelRegistry} from './channel-registry.js';
import type {ChannelStreams} from './channel-streams.js';
import type {OwnerCheck} from './owner-check.js';
import type {ServerTunnel} from './server-tunnel.js';

export interface ChannelRoutesSettings {
  /** False: answer exactly like 1.0.12 (no `features`, no `entrance_port`). */
  extensions: boolean;
  allowedTunnelDestinations(): Readonly<Record<string, string>>;
  allowedTunnelEntrances(): readonly string[];
  /** False: a channel's websockets may come from any address (see NetunnelServerOptions.ownerAddressCheck). */
  ownerAddressCheck: boolean;
  /** The auth plugin's ServerAuth.clientIdentity (undefined without one); throws to refuse. */
  clientIdentity(request: AuthRequest): Promise<string | undefined>;
  /** The owner check of the channel routes, shared with the limits in front of them. */
  checkOwner: OwnerCheck;
  /** Throws a LimitError when the tunnel may not take one more websocket (limits/admission.ts). */
  admitTunnelWebsocket(channelId: number, tunnel: ServerTunnel): void;
  /** The stream extension's settings, for a channel whose client announced it. */
  streams(): ChannelStreams;
}

const TOKENS: Feature = 'websocket-tokens';

export function channelRoutes(channels: ChannelRegistry, settings: ChannelRoutesSettings): RouteTable {
  const {checkOwner} = settings;
  return mergeRouteTables(
    serve(operations.serverVersion, () => PROTOCOL_VERSION),
    serve(operations.createChannel, async ({input, auth}) => {
      const body = await input();
      const clientFeatures = body.features ?? [];
      // Only a client that announced it gets a secret (and must then show it); never a 1.0.12 one.
      const secret = settings.extensions && clientFeatures.includes(TOKENS) ? newToken() : undefined;
      // The same for the stream extension, whose limit only such a client is told.
      const streams = settings.extensions && clientFeatures.includes(STREAM_FEATURE) ? settings.streams() : undefined;
      const channel = channels.create({
        clientVersion: body.version,
        clientFeatures,
        remoteAddress: auth.remoteAddress,
        owner: new ChannelOwner(auth.remoteAddress, await settings.clientIdentity(auth), secret, settings.ownerAddressCheck),
        streams,
      });
      if (!settings.extensions) return {channel_id: channel.id, version: PROTOCOL_VERSION};
      return {
        channel_id: channel.id,
        version: PROTOCOL_VERSION,
        features: [...FEATURES],
        ...(secret === undefined ? {} : {[CHANNEL_SECRET_KEY]: secret}),
        ...(streams === undefined ? {} : {[IDLE_WEBSOCKETS_KEY]: streams.clientIdleLimit}),
      };
    }),
    serve(operations.createTunnel, async (context) => {
      const channel = await checkOwner(context, 'request');
      const body = await context.input();
      if (!body.reverse) {
        checkDestinationAllowed(settings.allowedTunnelDestinations(), body.exit_address, body.exit_port);
        return {tunnel_id: channel.createForwardTunnel(body).id};
      }
      checkEntranceAllowed(settings.allowedTunnelEntrances(), body.entrance_address);
      const tunnel = await channel.createReverseTunnel(body);
      // Its first request for a websocket follows this answer, as in 1.0.12.
      context.afterAnswer(() => tunnel.start());
      if (!settings.extensions) return {tunnel_id: tunnel.id};
      // entrance_port is our addition: 1.0.12 does not say which port it chose.
      return {tunnel_id: tunnel.id, entrance_port: tunnel.entrance?.port ?? null};
    }),
    serve(operations.deleteTunnel, async (context) => {
      const channel = await checkOwner(context, 'request');
      const {force} = await context.input();
      channel.deleteTunnel(context.params.tunnelId!, force, false);
      return null;
    }),
    {
      rest: {},
      upgrade: {
        channelConnect: async (context) => {
          const channel = await checkOwner(context);
          if (channel.connected || channel.connectedAt) throw new ServerError('NETUNNEL_ERR_CHANNEL_STATE', `Channel \`${channel.id}\` is already connected`);
          return (websocket) => channel.attach(websocket);
        },
        tunnelConnect: async (context) => {
          const channel = await checkOwner(context);
          const tunnel = channel.getTunnel(context.params.tunnelId!);
          // In the same turn as admitWebsocket: a burst of upgrades cannot pass the limit together.
          settings.admitTunnelWebsocket(channel.id, tunnel);
          return tunnel.admitWebsocket(singleHeader(context.request.headers, REQUEST_TOKEN_HEADER));
        },
      },
    },
  );
}
