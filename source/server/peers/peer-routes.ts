/** The peer and static tunnel routes of PROTOCOL.md 2 (objects: 4.1, 4.2). */
import {operations} from '../../protocol/operations.js';
import {serve} from '../http/operation-routes.js';
import {mergeRouteTables, type RouteTable} from '../http/route-table.js';
import type {PeerRegistry} from './peer-registry.js';

/** `peers()` gives the registry of the running server (it exists once the server started). */
export function peerRoutes(peers: () => PeerRegistry): RouteTable {
  return mergeRouteTables(
    serve(operations.listPeers, ({query}) => peers().list(query.get('name'))),
    serve(operations.registerPeer, async ({input}) => peers().register(await input())),
    serve(operations.getPeer, ({params}) => peers().get(params.peerId!)),
    serve(operations.updatePeer, async ({params, input}) => {
      // A missing peer is reported before a bad body, as 1.0.12 does.
      peers().get(params.peerId!);
      return peers().update(params.peerId!, await input());
    }),
    serve(operations.deletePeer, async ({params}) => {
      await peers().remove(params.peerId!);
      return null;
    }),
    serve(operations.listStaticTunnels, ({params}) => peers().listStaticTunnels(params.peerId!)),
    serve(operations.createStaticTunnel, async ({params, input}) => {
      peers().get(params.peerId!);
      return peers().createStaticTunnel(params.peerId!, await input());
    }),
    serve(operations.getStaticTunnel, ({params}) => peers().getStaticTunnel(params.peerId!, params.staticTunnelId!)),
    serve(operations.deleteStaticTunnel, async ({params}) => {
      await peers().deleteStaticTunnel(params.peerId!, params.staticTunnelId!);
      return null;
    }),
  );
}
