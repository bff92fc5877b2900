/**
 * The client that owns a channel, so that only it opens the channel's websockets (the control
 * websocket and every tunnel websocket): ids are sequential, so anybody could guess a path.
 * The owner is who sent `POST /channels`: its remote address, the identity the auth plugin
 * gives it (ServerAuth.clientIdentity, when the plugin can tell clients apart) and, when the
 * client announced `websocket-tokens` (ours), a secret handed to it in the answer, which it
 * presents on each websocket. A 1.0.12 client is held to the address and identity alone.
 */
import {createHash, randomBytes, timingSafeEqual} from 'node:crypto';
import type {IncomingHttpHeaders} from 'node:http';
import type {AuthRequest, ServerAuth} from '../../auth/contract.js';
import type {Logger} from '../../engine/logger.js';
import {messageOf} from '../../protocol/errors.js';
import {CHANNEL_SECRET_HEADER, TOKEN_BYTES} from '../../protocol/websocket-tokens.js';
import {HttpError} from '../http/http-errors.js';
import {ServerError} from '../server-errors.js';

/** A fresh channel secret or request token: TOKEN_BYTES random bytes, base64url. */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Constant time whatever the inputs: both sides are hashed to one length before comparing. */
export function tokensEqual(expected: string, given: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** One header's value, or undefined when absent or repeated (a repeated credential is no credential). */
export function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The auth plugin's name for the client of a request (ServerAuth.clientIdentity); a failing plugin refuses it. */
export async function identifyClient(auth: ServerAuth, request: AuthRequest, logger: Logger): Promise<string | undefined> {
  if (!auth.clientIdentity) return undefined;
  try {
    return await auth.clientIdentity(request);
  } catch (error) {
    logger.warn(`Auth plugin failed to identify the client of ${request.method} ${request.path}: ${messageOf(error)}`);
    throw HttpError.plain(403, 'Forbidden: the auth plugin could not identify the client');
  }
}

/** What a websocket upgrade shows of its sender. */
export interface WebsocketSender {
  remoteAddress: string | undefined;
  /** What the auth plugin's clientIdentity said (undefined without one). */
  identity: string | undefined;
  headers: IncomingHttpHeaders;
}

export class ChannelOwner {
  constructor(
    readonly remoteAddress: string | undefined,
    readonly identity: string | undefined,
    /** Only for a client that announced `websocket-tokens`. */
    readonly secret: string | undefined,
    /** False behind a proxy or load balancer that connects from several addresses. */
    private readonly checksAddress = true,
  ) {}

  /**
   * Throws 403 unless the sender is this owner. The channel secret is asked of websockets only:
   * a REST call on the channel (a tunnel created or deleted) is held to the address and the
   * identity, which every client, 1.0.12's too, satisfies from the process that made the channel.
   */
  check(channelId: number, sender: WebsocketSender, kind: 'websocket' | 'request' = 'websocket'): void {
    const refuse = (why: string) => new ServerError('NETUNNEL_ERR_NOT_CHANNEL_OWNER', `Forbidden: this ${kind} is not from the client of channel \`${channelId}\` (${why})`);
    if (this.checksAddress && (sender.remoteAddress === undefined || sender.remoteAddress !== this.remoteAddress)) throw refuse('another address');
    if (sender.identity !== this.identity) throw refuse('another identity');
    if (this.secret === undefined || kind === 'request') return;
    const presented = singleHeader(sender.headers, CHANNEL_SECRET_HEADER);
    if (presented === undefined) throw refuse('no channel secret');
    if (!tokensEqual(this.secret, presented)) throw refuse('wrong channel secret');
  }
}
