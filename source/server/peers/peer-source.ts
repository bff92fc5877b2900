/**
 * What the management API needs from the peers side of the server: the current peers with
 * their static tunnels' live status, and events when they change.
 */
import type {EventEmitter} from 'node:events';
import type {PeerInfo, StaticTunnelInfo} from '../../protocol/server-objects.js';

export interface PeerSourceEvents {
  'peer.added': [PeerInfo];
  'peer.changed': [PeerInfo];
  'peer.removed': [number];
  'static_tunnel.status': [number, StaticTunnelInfo];
}

export interface PeerSource extends EventEmitter<PeerSourceEvents> {
  list(): PeerInfo[];
}
