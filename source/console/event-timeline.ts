/**
 * The Events pane's timeline of one server: what its `/events` stream said happened (channels,
 * tunnels, drains, peers, static tunnel status, and the refusals: authentication, destinations,
 * entrances, limits), one line each, the newest kept up to TIMELINE_LIMIT. Counters (`stats`)
 * and the connections' own frames are not events of the timeline: they would drown it. Pure:
 * the state before the event tells what a `*.closed` or `*.deleted` was.
 */
import type {ServerEvent, ServerEventType} from '../protocol/server-events.js';
import type {TunnelInfo} from '../protocol/management.js';
import {formatEndpoint} from './format.js';
import {tunnelKey, type StreamedServer} from './server-events.js';

/** Entries kept per server: the oldest go first. */
export const TIMELINE_LIMIT = 500;

export type TimelineTone = 'ok' | 'warn' | 'error' | 'muted';

export interface TimelineEntry {
  /** Unique on one server for the console's life (`e` and a counter). */
  key: string;
  /** When it happened, ISO 8601 (the server's time when the event says it). */
  at: string;
  type: ServerEventType;
  text: string;
  tone: TimelineTone;
  /** The remote address the event is about, when it names one (refusals, channels). */
  address: string | null;
}

export interface Timeline {
  entries: readonly TimelineEntry[];
  /** How many entries were ever added (the next key). */
  added: number;
}

export const EMPTY_TIMELINE: Timeline = {entries: [], added: 0};

type Described = Omit<TimelineEntry, 'key' | 'at'> & {at?: string};

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function tunnelText(tunnel: TunnelInfo | undefined): string {
  if (!tunnel) return '';
  return ` (${tunnel.direction === 'forward' ? 'fwd' : 'rev'} ${formatEndpoint(tunnel.entrance)} -> ${formatEndpoint(tunnel.exit)})`;
}

function peerName(before: StreamedServer, peerId: number): string {
  const peer = before.peers.find((candidate) => candidate.id === peerId);
  return peer ? `"${peer.name}"` : String(peerId);
}

const STATUS_TONE: Record<string, TimelineTone> = {online: 'ok', connecting: 'warn', offline: 'error'};

/** What an event says, as a timeline line; null for frames that are not events of the timeline. */
export function describeEvent(event: ServerEvent, before: StreamedServer): Described | null {
  switch (event.type) {
    case 'snapshot':
      return {
        type: event.type,
        text: `Event stream started: ${plural(event.channels.length, 'channel')}, ${plural(event.tunnels.length, 'tunnel')}, ${plural(event.peers.length, 'peer')}`,
        tone: 'muted',
        address: null,
      };
    case 'channel.opened': {
      const channel = event.channel;
      return {
        type: event.type,
        at: channel.connected_at ?? channel.created_at,
        text: `Channel ${channel.id} opened from ${channel.remote_address ?? '?'} (client ${channel.client_version})`,
        tone: 'ok',
        address: channel.remote_address,
      };
    }
    case 'channel.closed': {
      const channel = before.channels.find((candidate) => candidate.id === event.channel_id);
      const tunnels = [...before.tunnels.values()].filter((tunnel) => tunnel.channel_id === event.channel_id).length;
      return {
        type: event.type,
        text: `Channel ${event.channel_id} closed${channel ? ` (from ${channel.remote_address ?? '?'}, ${plural(tunnels, 'tunnel')})` : ''}`,
        tone: 'muted',
        address: channel?.remote_address ?? null,
      };
    }
    case 'tunnel.created':
      return {
        type: event.type,
        at: event.tunnel.created_at,
        text: `Tunnel ${tunnelKey(event.tunnel.channel_id, event.tunnel.id)} created${tunnelText(event.tunnel)}`,
        tone: 'ok',
        address: null,
      };
    case 'tunnel.draining': {
      const tunnel = before.tunnels.get(tunnelKey(event.channel_id, event.tunnel_id));
      const open = tunnel ? `: ${plural(tunnel.connections.active, 'open connection')} to finish` : '';
      return {type: event.type, at: event.at, text: `Tunnel ${tunnelKey(event.channel_id, event.tunnel_id)} draining${open}`, tone: 'warn', address: null};
    }
    case 'tunnel.deleted': {
      const tunnel = before.tunnels.get(tunnelKey(event.channel_id, event.tunnel_id));
      return {type: event.type, text: `Tunnel ${tunnelKey(event.channel_id, event.tunnel_id)} deleted${tunnelText(tunnel)}`, tone: 'muted', address: null};
    }
    case 'peer.added':
      return {type: event.type, text: `Peer "${event.peer.name}" added (${event.peer.target_netunnel_url})`, tone: 'ok', address: null};
    case 'peer.changed':
      return {
        type: event.type,
        text: `Peer "${event.peer.name}" changed${event.peer.status ? `: ${event.peer.status}` : ''}`,
        tone: STATUS_TONE[event.peer.status ?? ''] ?? 'muted',
        address: null,
      };
    case 'peer.removed':
      return {type: event.type, text: `Peer ${peerName(before, event.peer_id)} removed`, tone: 'muted', address: null};
    case 'static_tunnel.status': {
      const tunnel = event.static_tunnel;
      const route = `${tunnel.tunnel_local_address}:${tunnel.tunnel_local_port} -> ${tunnel.tunnel_remote_address}:${tunnel.tunnel_remote_port}`;
      return {
        type: event.type,
        ...(tunnel.since ? {at: tunnel.since} : {}),
        text: `Static tunnel ${tunnel.id} of peer ${peerName(before, event.peer_id)} (${route}) ${tunnel.status ?? '?'}${tunnel.last_error ? `: ${tunnel.last_error}` : ''}`,
        tone: STATUS_TONE[tunnel.status ?? ''] ?? 'muted',
        address: null,
      };
    }
    case 'auth.refused':
      return {
        type: event.type,
        at: event.at,
        text: `Refused authentication from ${event.remote_address ?? '?'}: ${event.method} ${event.path}`,
        tone: 'error',
        address: event.remote_address,
      };
    case 'destination.refused':
      return {
        type: event.type,
        at: event.at,
        text: `Refused destination ${formatEndpoint(event.exit)} for channel ${event.channel_id} from ${event.remote_address ?? '?'}: ${event.error}`,
        tone: 'error',
        address: event.remote_address,
      };
    case 'entrance.refused':
      return {
        type: event.type,
        at: event.at,
        text: `Refused entrance ${event.entrance.address}:${event.entrance.port ?? 'any'} for channel ${event.channel_id} from ${event.remote_address ?? '?'}: ${event.error}`,
        tone: 'error',
        address: event.remote_address,
      };
    case 'owner.refused':
      return {
        type: event.type,
        at: event.at,
        text: `Refused a ${event.kind} on channel ${event.channel_id} from ${event.remote_address ?? '?'}, not its client: ${event.path}`,
        tone: 'error',
        address: event.remote_address,
      };
    case 'limit.reached':
      return {
        type: event.type,
        at: event.at,
        text: `Limit ${event.limit} reached${event.remote_address ? ` by ${event.remote_address}` : ''}: ${event.error}`,
        tone: 'warn',
        address: event.remote_address,
      };
    case 'events.suppressed': {
      const counts = Object.entries(event.counts).map(([type, count]) => `${count} ${type}`);
      return {type: event.type, at: event.at, text: `Refusal events past the budget, not shown: ${counts.join(', ')}`, tone: 'warn', address: null};
    }
    default:
      return null;
  }
}

/**
 * The timeline with the event added (the same timeline for a frame that is not an event of
 * it); `fallbackAt` is the time of an event that does not say when it happened.
 */
export function appendEvent(timeline: Timeline, event: ServerEvent, before: StreamedServer, fallbackAt: string, limit = TIMELINE_LIMIT): Timeline {
  const described = describeEvent(event, before);
  if (!described) return timeline;
  const entry: TimelineEntry = {...described, key: `e${timeline.added + 1}`, at: described.at ?? fallbackAt};
  const entries = timeline.entries.length >= limit ? [...timeline.entries.slice(timeline.entries.length - limit + 1), entry] : [...timeline.entries, entry];
  return {entries, added: timeline.added + 1};
}
