/** The live side of one peer: what the config stores of it, its client auth, its running static tunnels. */
import type {ClientAuth, ServerAuth} from '../../auth/contract.js';
import {messageOf} from '../../protocol/errors.js';
import {ServerError} from '../server-errors.js';
import type {StaticTunnel} from './static-tunnel.js';

/** The plugin's client half for a peer; kept for later attempts, so its refusal is never left unhandled. */
export function clientAuthOf(serverAuth: ServerAuth, authData: Record<string, unknown>): Promise<ClientAuth> {
  const auth = (async () => serverAuth.getClientForPeer(structuredClone(authData)))();
  auth.catch(() => undefined);
  return auth;
}

/** The same, for auth_data given in a request: a refusal of the plugin is the request's fault (400). */
export async function checkedClientAuthOf(serverAuth: ServerAuth, authData: Record<string, unknown>): Promise<ClientAuth> {
  try {
    return await clientAuthOf(serverAuth, authData);
  } catch (error) {
    throw new ServerError('NETUNNEL_ERR_INVALID_AUTH_DATA', `Invalid field \`auth_data\`: ${messageOf(error)}`);
  }
}

export class LivePeer {
  readonly tunnels = new Map<number, StaticTunnel>();

  constructor(
    readonly id: number,
    public name: string,
    public url: string,
    /** What the config stores (the client auth's dumpObject()). */
    public authData: Record<string, unknown>,
    /** The plugin's client half for this peer; rejects when the plugin refuses auth_data. */
    public auth: Promise<ClientAuth>,
  ) {}

  /** The client auth to reach the peer with; refused (409) when the plugin refuses the stored auth_data. */
  async usableAuth(): Promise<ClientAuth> {
    try {
      return await this.auth;
    } catch (error) {
      throw new ServerError('NETUNNEL_ERR_STORED_AUTH_REFUSED', `The auth plugin refused the stored auth_data of peer \`${this.name}\`: ${messageOf(error)}`);
    }
  }
}
