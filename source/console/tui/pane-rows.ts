/**
 * The rows of the panes, built from a server's view, each pane with its own row type:
 * a PaneRows names its pane, so that whoever reads a row knows its type without a cast.
 * Each row has a key that survives live updates, so that the selection stays on the same
 * thing while the data moves.
 */
import type {ChannelInfo} from '../../protocol/management.js';
import type {PeerInfo, StaticTunnelInfo} from '../../protocol/server-objects.js';
import type {ConnectionRow} from '../connection-rows.js';
import type {TimelineEntry} from '../event-timeline.js';
import {formatEndpoint} from '../format.js';
import type {ServerView, TunnelRow} from '../store.js';
import type {PaneName} from './keymap.js';

export interface ChannelRow extends ChannelInfo {
  key: string;
  /** The console's own channel. */
  own: boolean;
  /** Its last heartbeat round trips (ms, oldest first). */
  rtts: readonly number[];
}

export type PeerRow =
  | {key: string; kind: 'peer'; peer: PeerInfo}
  | {key: string; kind: 'static'; peer: PeerInfo; tunnel: StaticTunnelInfo; last: boolean};

/** A connection with its tunnel's row (gone: undefined), and whether that tunnel is the console's own. */
export interface ConnectionPaneRow extends ConnectionRow {
  own: boolean;
  tunnel: TunnelRow | undefined;
}

/** A pane's rows, tagged with the pane. */
export type PaneRows =
  | {pane: 'channels'; rows: ChannelRow[]}
  | {pane: 'tunnels'; rows: TunnelRow[]}
  | {pane: 'connections'; rows: ConnectionPaneRow[]}
  | {pane: 'peers'; rows: PeerRow[]}
  | {pane: 'events'; rows: TimelineEntry[]};

/** One row, tagged with its pane (the selection). */
export type PaneRow =
  | {pane: 'channels'; row: ChannelRow}
  | {pane: 'tunnels'; row: TunnelRow}
  | {pane: 'connections'; row: ConnectionPaneRow}
  | {pane: 'peers'; row: PeerRow}
  | {pane: 'events'; row: TimelineEntry};

export function channelRows(view: ServerView): ChannelRow[] {
  return view.channels.map((channel) => ({...channel, key: `c${channel.id}`, own: channel.id === view.ownChannelId, rtts: view.channelRtts[String(channel.id)] ?? []}));
}

export function peerRows(view: ServerView): PeerRow[] {
  const rows: PeerRow[] = [];
  for (const peer of view.peers) {
    rows.push({key: `p${peer.id}`, kind: 'peer', peer});
    const tunnels = [...peer.static_tunnels].sort((a, b) => a.id - b.id);
    tunnels.forEach((tunnel, index) => rows.push({key: `p${peer.id}/s${tunnel.id}`, kind: 'static', peer, tunnel, last: index === tunnels.length - 1}));
  }
  return rows;
}

/** Whether the server reports its connections (ours with `connections`; not 1.0.12). */
export function reportsConnections(view: ServerView): boolean {
  return view.mode === 'management' && view.info?.features.includes('connections') === true;
}

export function connectionPaneRows(view: ServerView): ConnectionPaneRow[] {
  if (!reportsConnections(view)) return [];
  const tunnels = new Map(view.tunnels.map((tunnel) => [tunnel.key, tunnel]));
  return view.connections.map((connection) => {
    const tunnel = tunnels.get(connection.tunnelKey);
    return {...connection, own: tunnel?.own === true, tunnel};
  });
}

/** The timeline, newest first. */
export function eventRows(view: ServerView): TimelineEntry[] {
  return [...view.timeline.entries].reverse();
}

export function rowsOf(view: ServerView, pane: PaneName): PaneRows {
  switch (pane) {
    case 'channels':
      return {pane, rows: channelRows(view)};
    case 'tunnels':
      return {pane, rows: view.tunnels};
    case 'connections':
      return {pane, rows: connectionPaneRows(view)};
    case 'peers':
      return {pane, rows: peerRows(view)};
    case 'events':
      return {pane, rows: eventRows(view)};
  }
}

/** The row at `index`, with its pane; undefined outside the rows. */
export function rowAt(rows: PaneRows, index: number): PaneRow | undefined {
  switch (rows.pane) {
    case 'channels': {
      const row = rows.rows[index];
      return row && {pane: 'channels', row};
    }
    case 'tunnels': {
      const row = rows.rows[index];
      return row && {pane: 'tunnels', row};
    }
    case 'connections': {
      const row = rows.rows[index];
      return row && {pane: 'connections', row};
    }
    case 'peers': {
      const row = rows.rows[index];
      return row && {pane: 'peers', row};
    }
    case 'events': {
      const row = rows.rows[index];
      return row && {pane: 'events', row};
    }
  }
}

/** The words a filter is matched against. */
function channelText(channel: ChannelRow): string {
  return `${channel.id} ${channel.client_version} ${channel.remote_address ?? ''} ${channel.own ? 'console own' : ''}`;
}

function tunnelText(tunnel: TunnelRow): string {
  return `${tunnel.channelId}/${tunnel.id} ${tunnel.direction} ${formatEndpoint(tunnel.entrance)} ${formatEndpoint(tunnel.exit)} ${tunnel.own ? 'own console' : ''}`;
}

function connectionText(row: ConnectionPaneRow): string {
  return `#${row.id} ${row.tunnelKey} ${formatEndpoint(row.source)} ${row.state} ${row.own ? 'own console' : ''}`;
}

function eventText(row: TimelineEntry): string {
  return `${row.type} ${row.text}`;
}

function peerText(row: PeerRow): string {
  if (row.kind === 'peer') return `${row.peer.name} ${row.peer.target_netunnel_url} ${row.peer.status ?? ''}`;
  const tunnel = row.tunnel;
  return `${row.peer.name} ${tunnel.tunnel_local_address}:${tunnel.tunnel_local_port} ${tunnel.tunnel_remote_address}:${tunnel.tunnel_remote_port} ${tunnel.status ?? ''}`;
}

/** Rows that match the filter (case-insensitive); a peer stays when one of its static tunnels matches. */
export function filterRows(rows: PaneRows, filter: string): PaneRows {
  const wanted = filter.trim().toLowerCase();
  if (wanted === '') return rows;
  const matches = (text: string) => text.toLowerCase().includes(wanted);
  switch (rows.pane) {
    case 'channels':
      return {pane: 'channels', rows: rows.rows.filter((row) => matches(channelText(row)))};
    case 'tunnels':
      return {pane: 'tunnels', rows: rows.rows.filter((row) => matches(tunnelText(row)))};
    case 'connections':
      return {pane: 'connections', rows: rows.rows.filter((row) => matches(connectionText(row)))};
    case 'events':
      return {pane: 'events', rows: rows.rows.filter((row) => matches(eventText(row)))};
    case 'peers': {
      const keep = new Set<string>();
      for (const row of rows.rows) {
        if (!matches(peerText(row))) continue;
        keep.add(row.key);
        if (row.kind === 'static') keep.add(`p${row.peer.id}`);
      }
      return {pane: 'peers', rows: rows.rows.filter((row) => keep.has(row.key))};
    }
  }
}
