/**
 * What our client shows on the websockets of its channel when the server is ours and both
 * sides announced `websocket-tokens` (protocol/websocket-tokens.ts): the channel secret of the
 * `POST /channels` answer on every websocket, the control websocket included, and on a reverse
 * tunnel's websocket the token of the request it answers. Against a 1.0.12 server, or with the
 * feature not announced by both, there is no secret and nothing is ever added.
 */
import type {FrameData} from '../protocol/channel-frames.js';
import {CHANNEL_SECRET_HEADER, REQUEST_TOKEN_HEADER, REQUEST_TOKEN_KEY} from '../protocol/websocket-tokens.js';

export class ChannelCredentials {
  private constructor(private readonly secret: string | undefined) {}

  static readonly NONE = new ChannelCredentials(undefined);

  /** From the `channel_secret` of the `POST /channels` answer, used only when both sides announced the feature. */
  static fromAnswer(channelSecret: unknown, negotiated: boolean): ChannelCredentials {
    return negotiated && typeof channelSecret === 'string' && channelSecret !== '' ? new ChannelCredentials(channelSecret) : ChannelCredentials.NONE;
  }

  /** True when the server handed out a secret: websockets then carry it. */
  get active(): boolean {
    return this.secret !== undefined;
  }

  /**
   * Headers for one websocket of the channel; `request` is the data of the
   * TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION it answers, whose token goes back with it.
   */
  headers(request?: FrameData): Record<string, string> {
    if (this.secret === undefined) return {};
    const headers: Record<string, string> = {[CHANNEL_SECRET_HEADER]: this.secret};
    const token = request?.[REQUEST_TOKEN_KEY];
    if (typeof token === 'string') headers[REQUEST_TOKEN_HEADER] = token;
    return headers;
  }
}
