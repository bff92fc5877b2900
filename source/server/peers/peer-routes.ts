/** The peer and static tunnel routes of PROTOCOL.md 2 (objects: 4.1, 4.2). */
import {
  parseCreateStaticTunnelBody,
  parseRegisterPeerBody,
  parseUpdatePeerBody,
} from '../../protocol/server-objects.js';
import type {PeerRegistry} from './peer-registry.js';
import type {RouteTable} from '../http/route-table.js';

/** `peers()` gives the registry of the running server (it exists once the server started). */
export function peerRoutes(peers: () => PeerRegistry): RouteTable {
  return {
    rest: {
      peers: {
        GET: ({query}) => ({json: peers().list(query.get('name'))}),
        POST: async ({readBody}) => ({json: await peers().register(parseRegisterPeerBody(await readBody()))}),
      },
      peer: {
        GET: ({params}) => ({json: peers().get(params.peerId!)}),
        POST: async ({params, readBody}) => {
          // A missing peer is reported before a bad body, as 1.0.12 does.
          peers().get(params.peerId!);
          return {json: await peers().update(params.peerId!, parseUpdatePeerBody(await readBody()))};
        },
        DELETE: async ({params}) => {
          await peers().remove(params.peerId!);
          return {json: null};
        },
      },
      staticTunnels: {
        GET: ({params}) => ({json: peers().listStaticTunnels(params.peerId!)}),
        POST: async ({params, readBody}) => {
          peers().get(params.peerId!);
          return {json: await peers().createStaticTunnel(params.peerId!, parseCreateStaticTunnelBody(await readBody()))};
        },
      },
      staticTunnel: {
        GET: ({params}) => ({json: peers().getStaticTunnel(params.peerId!, params.staticTunnelId!)}),
        DELETE: async ({params}) => {
          await peers().deleteStaticTunnel(params.peerId!, params.staticTunnelId!);
          return {json: null};
        },
      },
    },
    upgrade: {},
  };
}
