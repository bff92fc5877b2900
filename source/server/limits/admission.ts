/**
 * The limits on what clients may make the server hold: channels (in all and per remote
 * address), tunnels per channel, peers, and per tunnel the websockets that carry no connection
 * and the connections themselves. Checked in front of the route handlers, so the handlers stay
 * as 1.0.12 has them; a refusal is a LimitError (429 for what one client holds, 503 for what
 * the whole server holds), counted where it is answered.
 */
import type {ChannelRegistry} from '../channels/channel-registry.js';
import type {OwnerCheck} from '../channels/owner-check.js';
import {ReverseServerTunnel, type ServerTunnel} from '../channels/server-tunnel.js';
import {LimitError} from '../http/http-errors.js';
import type {RestHandler, RouteTable} from '../http/route-table.js';
import type {LimitRefusals} from './limit-refusals.js';
import type {ServerLimits} from './server-limits.js';

export interface AdmissionSettings {
  channels: ChannelRegistry;
  /** How many peers the server has (0 before it started). */
  peerCount(): number;
  limits(): ServerLimits;
  refusals: LimitRefusals;
  checkOwner: OwnerCheck;
}

export class Admission {
  /**
   * Requests that passed a check but have not created what they asked for yet (they are still
   * reading their body, or listening): counted too, or a burst of them would all pass.
   */
  private readonly pending = new Map<string, number>();

  constructor(private readonly settings: AdmissionSettings) {
    const {channels, refusals} = settings;
    channels.on('channelExpired', (channel) =>
      refusals.count('unconnected_channel_timeout_ms', {
        remoteAddress: channel.remoteAddress,
        message: `Channel \`${channel.id}\` was closed: its control websocket did not come within ${settings.limits().unconnected_channel_timeout_ms} ms`,
      }),
    );
    // A reverse tunnel's connections arrive at its entrance, not through an upgrade.
    channels.on('channelCreated', (channel) =>
      channel.on('tunnelCreated', (tunnel) => {
        if (!(tunnel instanceof ReverseServerTunnel)) return;
        const max = settings.limits().connections_per_tunnel;
        tunnel.limitConnections(max, (remoteAddress) =>
          refusals.count('connections_per_tunnel', {
            remoteAddress,
            message: `Tunnel \`${tunnel.id}\` of channel \`${channel.id}\` carries its limit of ${max} connections: a connection to its entrance was closed`,
          }),
        );
      }),
    );
  }

  /** The same routes, with the checks in front of the handlers that make the server hold more. */
  guard(routes: RouteTable): RouteTable {
    const rest = {...routes.rest};
    const createChannel = rest.channels?.POST;
    if (createChannel) rest.channels = {...rest.channels, POST: this.guardChannels(createChannel)};
    const createTunnel = rest.tunnels?.POST;
    if (createTunnel) rest.tunnels = {...rest.tunnels, POST: this.guardTunnels(createTunnel)};
    const registerPeer = rest.peers?.POST;
    if (registerPeer) rest.peers = {...rest.peers, POST: this.guardPeers(registerPeer)};
    return {rest, upgrade: routes.upgrade};
  }

  private guardChannels(handler: RestHandler): RestHandler {
    return (context) => {
      const {channels, limits} = this.settings;
      const max = limits();
      const address = context.auth.remoteAddress ?? 'unknown';
      const all = channels.all();
      const fromAddress = all.filter((channel) => channel.remoteAddress === address).length;
      return this.admit(
        'channels',
        all.length,
        max.channels,
        () => new LimitError('channels', 503, `Reached maximum allowed number of control_channels (${max.channels})`),
        () =>
          this.admit(
            `channels from ${address}`,
            fromAddress,
            max.channels_per_address,
            () => new LimitError('channels_per_address', 429, `Too many channels from ${address} (limit ${max.channels_per_address})`),
            async () => handler(context),
          ),
      );
    };
  }

  private guardTunnels(handler: RestHandler): RestHandler {
    return async (context) => {
      const channel = await this.settings.checkOwner(context, 'request');
      const max = this.settings.limits().tunnels_per_channel;
      return this.admit(
        `tunnels of ${channel.id}`,
        channel.tunnels.size,
        max,
        () => new LimitError('tunnels_per_channel', 429, `Channel \`${channel.id}\` has reached its limit of ${max} tunnels`),
        async () => handler(context),
      );
    };
  }

  private guardPeers(handler: RestHandler): RestHandler {
    return (context) => {
      const max = this.settings.limits().peers;
      return this.admit(
        'peers',
        this.settings.peerCount(),
        max,
        () => new LimitError('peers', 503, `The server has reached its limit of ${max} peers`),
        async () => handler(context),
      );
    };
  }

  /**
   * Throws unless `tunnel` may take one more websocket. No pending count: the check and the
   * tunnel taking the websocket happen in one turn of the event loop (the upgrade completes
   * synchronously once its handler answered).
   */
  admitTunnelWebsocket(channelId: number, tunnel: ServerTunnel): void {
    const limits = this.settings.limits();
    const name = `Tunnel \`${tunnel.id}\` of channel \`${channelId}\``;
    if (!tunnel.awaitsWebsocket && tunnel.waitingWebsockets >= limits.waiting_websockets_per_tunnel) {
      throw new LimitError(
        'waiting_websockets_per_tunnel',
        429,
        `${name} already has ${limits.waiting_websockets_per_tunnel} websockets waiting for a connection`,
      );
    }
    // Reverse tunnels count their connections at their entrance.
    if (!(tunnel instanceof ReverseServerTunnel) && tunnel.traffic.activeConnections + tunnel.waitingWebsockets >= limits.connections_per_tunnel) {
      throw new LimitError('connections_per_tunnel', 429, `${name} carries its limit of ${limits.connections_per_tunnel} connections`);
    }
  }

  /** Runs `create` unless `used` plus the requests still pending under `key` reach `max`. */
  private async admit<T>(key: string, used: number, max: number, refuse: () => LimitError, create: () => Promise<T>): Promise<T> {
    const pending = this.pending.get(key) ?? 0;
    if (used + pending >= max) throw refuse();
    this.pending.set(key, pending + 1);
    try {
      return await create();
    } finally {
      const left = (this.pending.get(key) ?? 1) - 1;
      if (left === 0) this.pending.delete(key);
      else this.pending.set(key, left);
    }
  }
}
