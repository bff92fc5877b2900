/**
 * The peer registry as the management API sees it (PeerSource). The registry exists once the
 * server has started, so it is looked up lazily; its events are translated once bound.
 */
import {EventEmitter} from 'node:events';
import type {PeerInfo} from '../../protocol/server-objects.js';
import type {PeerRegistry} from './peer-registry.js';
import type {PeerSource, PeerSourceEvents} from './peer-source.js';

export class RegistryPeerSource extends EventEmitter<PeerSourceEvents> implements PeerSource {
  private registry: PeerRegistry | undefined;

  list(): PeerInfo[] {
    return this.registry?.list() ?? [];
  }

  bind(registry: PeerRegistry): void {
    if (this.registry === registry) return;
    this.registry = registry;
    const changed = (peerId: number) => {
      const peer = this.list().find((candidate) => candidate.id === peerId);
      if (peer) this.emit('peer.changed', peer);
    };
    registry.on('peerCreated', (peer) => this.emit('peer.added', peer));
    registry.on('peerUpdated', (peer) => this.emit('peer.changed', peer));
    registry.on('peerDeleted', (peerId) => this.emit('peer.removed', peerId));
    registry.on('staticTunnelCreated', (peerId, staticTunnel) => {
      changed(peerId);
      // Its status so far was private to its creation: the stream learns it now.
      this.emit('static_tunnel.status', peerId, staticTunnel);
    });
    registry.on('staticTunnelDeleted', (peerId) => changed(peerId));
    registry.on('staticTunnelStatus', (peerId, staticTunnel) => this.emit('static_tunnel.status', peerId, staticTunnel));
  }
}
