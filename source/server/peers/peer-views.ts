/** A peer as the peer routes and the event stream show it: 1.0.12's object plus our live `status`. */
import type {PeerInfo, PeerStatus, StaticTunnelInfo} from '../../protocol/server-objects.js';
import type {LivePeer} from './live-peer.js';

export function peerView(peer: LivePeer): PeerInfo {
  const staticTunnels = [...peer.tunnels.values()].map((tunnel) => tunnel.info());
  return {
    id: peer.id,
    name: peer.name,
    target_netunnel_url: peer.url,
    auth_data: structuredClone(peer.authData),
    static_tunnels: staticTunnels,
    status: summarize(staticTunnels),
  };
}

/** `online` when all are, `connecting` when any is, `offline` otherwise, `idle` when there are none. */
export function summarize(tunnels: StaticTunnelInfo[]): PeerStatus {
  if (tunnels.length === 0) return 'idle';
  if (tunnels.every((tunnel) => tunnel.status === 'online')) return 'online';
  if (tunnels.some((tunnel) => tunnel.status === 'connecting')) return 'connecting';
  return 'offline';
}
