/** A peer as the peer routes and the event stream show it: 1.0.12's object plus our live `status`. */
import {summarizePeerStatus, type PeerInfo} from '../../protocol/server-objects.js';
import type {LivePeer} from './live-peer.js';

export function peerView(peer: LivePeer): PeerInfo {
  const staticTunnels = [...peer.tunnels.values()].map((tunnel) => tunnel.info());
  return {
    id: peer.id,
    name: peer.name,
    target_netunnel_url: peer.url,
    auth_data: structuredClone(peer.authData),
    static_tunnels: staticTunnels,
    status: summarizePeerStatus(staticTunnels),
  };
}
