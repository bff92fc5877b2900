/** Tracked connections as the management API shows them (protocol/connections.ts). */
import type {ConnectionRecord, Direction} from '../../engine/connection-record.js';
import type {ClosedConnection, ConnectionInfo, ConnectionState, ConnectionStats} from '../../protocol/connections.js';
import type {TrackedConnection} from './connection-registry.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** In the API's terms: `sent` is the way toward the exit. */
function endedWay(direction: Direction | undefined): 'sent' | 'received' | null {
  if (direction === undefined) return null;
  return direction === 'to-exit' ? 'sent' : 'received';
}

/** A listed connection is never closed: it leaves the registry as it closes. */
function stateOf(record: ConnectionRecord): ConnectionState {
  return record.state === 'open' ? 'open' : 'half-closed';
}

export function connectionInfo(tracked: TrackedConnection, now = Date.now()): ConnectionInfo {
  const {record} = tracked;
  return {
    id: tracked.id,
    channel_id: tracked.channelId,
    tunnel_id: tracked.tunnelId,
    source: record.source ? {address: record.source.address, port: record.source.port} : null,
    opened_at: iso(record.openedAt),
    last_activity_at: iso(record.lastActivityAt),
    idle_ms: Math.max(0, now - record.lastActivityAt),
    state: stateOf(record),
    ended: endedWay(record.endedDirection),
    bytes: {sent: record.bytesToExit, received: record.bytesToEntrance},
    rate: {sent: tracked.rateSent, received: tracked.rateReceived},
  };
}

export function connectionStats(tracked: TrackedConnection): ConnectionStats {
  const {record} = tracked;
  return {
    id: tracked.id,
    state: stateOf(record),
    ended: endedWay(record.endedDirection),
    bytes: {sent: record.bytesToExit, received: record.bytesToEntrance},
    rate: {sent: tracked.rateSent, received: tracked.rateReceived},
    last_activity_at: iso(record.lastActivityAt),
  };
}

export function closedConnection(tracked: TrackedConnection): ClosedConnection {
  const {record} = tracked;
  const closedAt = record.closedAt ?? Date.now();
  return {
    id: tracked.id,
    channel_id: tracked.channelId,
    tunnel_id: tracked.tunnelId,
    closed_at: iso(closedAt),
    duration_ms: Math.max(0, closedAt - record.openedAt),
    bytes: {sent: record.bytesToExit, received: record.bytesToEntrance},
    aborted: record.aborted,
  };
}
