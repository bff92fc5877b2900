/**
 * The owner check of a channel's routes (channel-owner.ts), made at most once per request. The
 * limits (limits/admission.ts) stand in front of the route handlers; they ask for this check
 * first, so a stranger is refused as a stranger: never told what a tunnel holds, and never
 * counted against the owner's limits.
 */
import type {AuthRequest} from '../../auth/contract.js';
import type {IncomingMessage} from 'node:http';
import type {RouteContext} from '../http/route-table.js';
import {ServerError} from '../server-errors.js';
import type {ChannelRegistry} from './channel-registry.js';
import type {ServerChannel} from './server-channel.js';

/** Resolves with the channel of the request's path if its sender owns it; throws 404 or 403 otherwise. */
export type OwnerCheck = (context: RouteContext, kind?: 'websocket' | 'request') => Promise<ServerChannel>;

export interface OwnerCheckSettings {
  clientIdentity(request: AuthRequest): Promise<string | undefined>;
  /** Told of each refusal (not of an unknown channel: that is no one's channel). */
  refused?(channelId: number, request: AuthRequest, kind: 'websocket' | 'request', error: ServerError): void;
}

export function ownerCheck(channels: ChannelRegistry, settings: OwnerCheckSettings): OwnerCheck {
  // By request: the handlers behind the limits get contexts of their own (serve() extends them).
  // A request is a REST call or an upgrade, never both: its `kind` is the same at every call.
  const checked = new WeakMap<IncomingMessage, Promise<ServerChannel>>();
  return (context, kind = 'websocket') => {
    let check = checked.get(context.request);
    if (!check) {
      check = (async () => {
        const channel = channels.get(context.params.channelId!);
        const {auth} = context;
        try {
          channel.owner.check(channel.id, {remoteAddress: auth.remoteAddress, identity: await settings.clientIdentity(auth), headers: auth.headers}, kind);
        } catch (error) {
          if (error instanceof ServerError) settings.refused?.(channel.id, auth, kind, error);
          throw error;
        }
        return channel;
      })();
      checked.set(context.request, check);
    }
    return check;
  };
}
