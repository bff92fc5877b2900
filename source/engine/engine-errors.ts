/** The engine's errors, with their stable codes (NETUNNEL_ERR_*). */
import {NetunnelError} from '../protocol/errors.js';

/** Asked for a websocket of a tunnel that is stopping or stopped. */
export class SupplyStoppedError extends NetunnelError {
  constructor() {
    super('NETUNNEL_ERR_TUNNEL_STOPPED', 'The tunnel is stopped');
  }
}

/** The other side of a request channel answered a request with an error. */
export class ChannelRequestError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_CHANNEL_REQUEST', message);
  }
}

/** The request channel closed before an answer came. */
export class ChannelClosedError extends NetunnelError {
  constructor(message = 'The control channel is closed') {
    super('NETUNNEL_ERR_CHANNEL_CLOSED', message);
  }
}

/** A websocket pool configured with impossible sizes. */
export class InvalidPoolOptionsError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_INVALID_POOL_OPTIONS', message);
  }
}
