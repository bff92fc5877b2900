/**
 * The peers of this server and their static tunnels (PROTOCOL.md 4.1, 4.2), with 1.0.12's
 * rules: unique names, ids max + 1, a connectivity check before a peer is registered or its
 * URL/auth changes, local ports of static tunnels in [20000, 21000).
 *
 * The config store is the record of what exists; this registry holds the live side (the
 * client auth of each peer, the running StaticTunnel objects). Every change is saved first and
 * applied to the live side only once saved, and changes run one at a time (exclusive()), so a
 * failed save never leaves the two apart. Slow checks against a peer run before taking the
 * turn, and what they checked is checked again inside it.
 */
import {EventEmitter} from 'node:events';
import type {ClientAuth, ServerAuth} from '../../auth/contract.js';
import type {ClientTlsOptions} from '../../client/server-transport.js';
import type {ProxySettings} from '../../protocol/proxy-settings.js';
import type {Logger} from '../../engine/logger.js';
import type {
  CreateStaticTunnelBody,
  PeerInfo,
  RegisterPeerBody,
  StaticTunnelInfo,
  UpdatePeerBody,
} from '../../protocol/server-objects.js';
import type {ConfigStore, PeerConfig, StaticTunnelConfig} from '../state/config-store.js';
import {checkEntranceAllowed} from '../channels/destinations.js';
import {ServerError} from '../server-errors.js';
import {Mutex} from '../state/mutex.js';
import {LivePeer, checkedClientAuthOf, clientAuthOf} from './live-peer.js';
import {firstFreePort, type PortRange} from './local-ports.js';
import {checkPeerConnectivity, staticTunnelRefusal, type PeerLink} from './peer-link.js';
import {peerView} from './peer-views.js';
import {StaticTunnel, isAddressInUse, type StaticTunnelState, type StaticTunnelTiming} from './static-tunnel.js';

export interface PeerRegistryOptions {
  store: ConfigStore;
  auth: ServerAuth;
  logger: Logger;
  timing: StaticTunnelTiming;
  /** Toward https peers (a private CA, a client certificate). */
  peerTls: ClientTlsOptions | undefined;
  /** The global HTTP proxy, credentials decrypted (throws a ServerError when they cannot be). */
  proxy(): ProxySettings | undefined;
  /** Where static tunnels may listen. */
  allowedEntrances(): readonly string[];
  portRange: PortRange;
}

export interface PeerRegistryEvents {
  peerCreated: [PeerInfo];
  peerUpdated: [PeerInfo];
  peerDeleted: [number];
  staticTunnelCreated: [number, StaticTunnelInfo];
  staticTunnelDeleted: [number, number];
  /** A static tunnel's status or last_error changed: peer id, the tunnel's answer. */
  staticTunnelStatus: [number, StaticTunnelInfo];
}

export class PeerRegistry extends EventEmitter<PeerRegistryEvents> {
  private readonly peers = new Map<number, LivePeer>();
  private readonly turn = new Mutex();

  constructor(private readonly options: PeerRegistryOptions) {
    super();
  }

  /** Runs `task` when no other change to peers, static tunnels or the proxy is running. */
  exclusive<T>(task: () => Promise<T> | T): Promise<T> {
    return this.turn.run(task);
  }

  /** Starts the peers and static tunnels of the config without waiting for any peer. */
  loadFromConfig(): void {
    for (const config of this.options.store.get().peers) {
      this.options.logger.info(`Setup peer \`${config.name}\``);
      const authData = structuredClone(config.auth_data) as Record<string, unknown>;
      const peer = new LivePeer(config.id, config.name, config.target_netunnel_url, authData, clientAuthOf(this.options.auth, authData));
      this.peers.set(peer.id, peer);
      for (const settings of config.static_tunnels) {
        const tunnel = this.newStaticTunnel(peer, {...settings});
        this.adopt(peer, tunnel);
        void tunnel.start();
      }
    }
  }

  list(name?: string | null): PeerInfo[] {
    const all = [...this.peers.values()];
    // As 1.0.12: an empty name is no filter.
    return (name ? all.filter((peer) => peer.name === name) : all).map((peer) => peerView(peer));
  }

  get(peerId: number): PeerInfo {
    return peerView(this.requirePeer(peerId));
  }

  listStaticTunnels(peerId: number): StaticTunnelInfo[] {
    return [...this.requirePeer(peerId).tunnels.values()].map((tunnel) => tunnel.info());
  }

  getStaticTunnel(peerId: number, staticTunnelId: number): StaticTunnelInfo {
    return this.staticTunnel(peerId, staticTunnelId).info();
  }

  /** The live static tunnel, whose 'status' events say when it goes online, connecting or offline. */
  staticTunnel(peerId: number, staticTunnelId: number): StaticTunnel {
    const peer = this.requirePeer(peerId);
    const tunnel = peer.tunnels.get(staticTunnelId);
    if (!tunnel) throw new ServerError('NETUNNEL_ERR_UNKNOWN_STATIC_TUNNEL', `No static tunnel by id \`${staticTunnelId}\` on \`${peer.name}\``);
    return tunnel;
  }

  async register(body: RegisterPeerBody): Promise<PeerInfo> {
    this.requireFreeName(body.name);
    const auth = await checkedClientAuthOf(this.options.auth, body.auth_data);
    await checkPeerConnectivity(body.name, this.link(body.target_netunnel_url, auth), this.options.timing, this.options.logger);
    return this.exclusive(async () => {
      this.requireFreeName(body.name);
      const id = Math.max(0, ...this.peers.keys()) + 1;
      const config: PeerConfig = {
        id,
        name: body.name,
        target_netunnel_url: body.target_netunnel_url,
        auth_data: auth.dumpObject(),
        static_tunnels: [],
      };
      await this.options.store.update((draft) => {
        draft.peers.push(config);
      });
      const peer = new LivePeer(id, config.name, config.target_netunnel_url, config.auth_data, Promise.resolve(auth));
      this.peers.set(id, peer);
      this.options.logger.info(`Registered peer \`${peer.name}\` (${peer.url})`);
      const info = peerView(peer);
      this.emit('peerCreated', info);
      return info;
    });
  }

  async update(peerId: number, body: UpdatePeerBody): Promise<PeerInfo> {
    const before = this.requirePeer(peerId);
    if (body.name !== undefined) this.requireFreeName(body.name, before);
    const newAuth = body.auth_data === undefined ? undefined : await checkedClientAuthOf(this.options.auth, body.auth_data);
    const changesLink = body.target_netunnel_url !== undefined || newAuth !== undefined;
    if (changesLink) {
      const url = body.target_netunnel_url ?? before.url;
      const auth = newAuth ?? (await before.usableAuth());
      await checkPeerConnectivity(before.name, this.link(url, auth), this.options.timing, this.options.logger);
    }
    return this.exclusive(async () => {
      const peer = this.requirePeer(peerId);
      if (body.name !== undefined) this.requireFreeName(body.name, peer);
      const name = body.name ?? peer.name;
      const url = body.target_netunnel_url ?? peer.url;
      const authData = newAuth?.dumpObject() ?? peer.authData;
      await this.options.store.update((draft) => {
        const stored = draft.peers.find((candidate) => candidate.id === peerId);
        if (!stored) throw new ServerError('NETUNNEL_ERR_UNKNOWN_PEER', `Peer \`${peerId}\` was not found in the config`);
        stored.name = name;
        stored.target_netunnel_url = url;
        stored.auth_data = authData;
      });
      if (name !== peer.name) this.options.logger.info(`Renaming peer \`${peer.name}\` to \`${name}\``);
      peer.name = name;
      peer.url = url;
      peer.authData = authData;
      if (newAuth) peer.auth = Promise.resolve(newAuth);
      // New URL or auth: the static tunnels reconnect with them.
      if (changesLink) for (const tunnel of peer.tunnels.values()) tunnel.restart();
      const info = peerView(peer);
      this.emit('peerUpdated', info);
      return info;
    });
  }

  remove(peerId: number): Promise<void> {
    return this.exclusive(async () => {
      const peer = this.requirePeer(peerId);
      await this.options.store.update((draft) => {
        draft.peers = draft.peers.filter((candidate) => candidate.id !== peerId);
      });
      this.peers.delete(peerId);
      await Promise.all([...peer.tunnels.values()].map((tunnel) => tunnel.stop()));
      this.options.logger.info(`Deleted peer \`${peer.name}\``);
      this.emit('peerDeleted', peerId);
    });
  }

  /**
   * Creates a static tunnel and answers once it is online (as 1.0.12 does). Its first attempt
   * is the connectivity check: if the peer cannot be reached, refuses our auth or refuses the
   * tunnel, nothing is created. A local port that turns out to be taken is replaced by the next
   * free one.
   */
  createStaticTunnel(peerId: number, body: CreateStaticTunnelBody): Promise<StaticTunnelInfo> {
    this.requirePeer(peerId);
    checkEntranceAllowed(this.options.allowedEntrances(), body.tunnel_local_address);
    return this.exclusive(async () => {
      const peer = this.requirePeer(peerId);
      const taken = new Set(this.usedLocalPorts());
      for (;;) {
        const port = await firstFreePort(body.tunnel_local_address, this.options.portRange, taken);
        const settings: StaticTunnelConfig = {
          id: Math.max(0, ...peer.tunnels.keys()) + 1,
          tunnel_local_address: body.tunnel_local_address,
          tunnel_local_port: port,
          tunnel_remote_address: body.tunnel_remote_address,
          tunnel_remote_port: body.tunnel_remote_port,
        };
        const tunnel = this.newStaticTunnel(peer, settings);
        const outcome = await tunnel.start();
        if (!outcome.ok) {
          await tunnel.stop();
          if (outcome.stage === 'tunnel' && isAddressInUse(outcome.error)) {
            taken.add(port);
            continue;
          }
          throw staticTunnelRefusal(peer.name, outcome.stage, outcome.error);
        }
        try {
          await this.options.store.update((draft) => {
            const stored = draft.peers.find((candidate) => candidate.id === peerId);
            if (!stored) throw new ServerError('NETUNNEL_ERR_UNKNOWN_PEER', `Peer \`${peerId}\` was not found in the config`);
            stored.static_tunnels.push(settings);
          });
        } catch (error) {
          await tunnel.stop();
          throw error;
        }
        this.adopt(peer, tunnel);
        const info = tunnel.info();
        this.emit('staticTunnelCreated', peer.id, info);
        return info;
      }
    });
  }

  deleteStaticTunnel(peerId: number, staticTunnelId: number): Promise<void> {
    return this.exclusive(async () => {
      const peer = this.requirePeer(peerId);
      const tunnel = this.staticTunnel(peerId, staticTunnelId);
      await this.options.store.update((draft) => {
        const stored = draft.peers.find((candidate) => candidate.id === peerId);
        if (stored) stored.static_tunnels = stored.static_tunnels.filter((candidate) => candidate.id !== staticTunnelId);
      });
      peer.tunnels.delete(staticTunnelId);
      await tunnel.stop();
      this.emit('staticTunnelDeleted', peerId, staticTunnelId);
    });
  }

  /** Every static tunnel reconnects with the current settings (e.g. a new global proxy). */
  restartAll(): void {
    for (const peer of this.peers.values()) for (const tunnel of peer.tunnels.values()) tunnel.restart();
  }

  /** Stops every static tunnel and forgets every peer (server stop, factory reset); the config is untouched. */
  async stopAll(): Promise<void> {
    const peers = [...this.peers.values()];
    this.peers.clear();
    await Promise.all(peers.flatMap((peer) => [...peer.tunnels.values()].map((tunnel) => tunnel.stop())));
    for (const peer of peers) this.emit('peerDeleted', peer.id);
  }

  private requirePeer(peerId: number): LivePeer {
    const peer = this.peers.get(peerId);
    if (!peer) throw new ServerError('NETUNNEL_ERR_UNKNOWN_PEER', `Peer \`${peerId}\` was not found`);
    return peer;
  }

  private requireFreeName(name: string, except?: LivePeer): void {
    for (const peer of this.peers.values()) {
      // 1.0.12 answers 400 for a duplicate name.
      if (peer.name === name && peer !== except) throw new ServerError('NETUNNEL_ERR_PEER_EXISTS', `Peer \`${name}\` already exists`);
    }
  }

  private usedLocalPorts(): number[] {
    return [...this.peers.values()].flatMap((peer) => [...peer.tunnels.values()].map((tunnel) => tunnel.settings.tunnel_local_port));
  }

  private link(url: string, auth: ClientAuth): PeerLink {
    return {
      serverUrl: url,
      auth,
      proxy: this.options.proxy(),
      sslValidate: !this.options.store.get().allow_unverified_ssl_peers,
      tls: this.options.peerTls,
    };
  }

  private newStaticTunnel(peer: LivePeer, settings: StaticTunnelConfig): StaticTunnel {
    return new StaticTunnel(
      settings,
      async () => this.link(peer.url, await peer.usableAuth()),
      this.options.timing,
      this.options.logger,
      `peer \`${peer.name}\` static tunnel ${settings.id}`,
    );
  }

  private adopt(peer: LivePeer, tunnel: StaticTunnel): void {
    peer.tunnels.set(tunnel.id, tunnel);
    tunnel.on('status', (_state: StaticTunnelState) => this.emit('staticTunnelStatus', peer.id, tunnel.info()));
  }
}
