/** The engine's errors, with their stable codes (NETUNNEL_ERR_*). */
import {NetunnelError} from '../protocol/errors.js';

/** Asked for a websocket of a tunnel that is stopping or stopped. */
export class SupplyStoppedError extends NetunnelError {
  constructor() {
    super('NETUNNEL_ERR_TUNNEL_STOPPED', 'The tunnel is stopped');
  }
}

/** A websocket pool configured with impossible sizes. */
export class InvalidPoolOptionsError extends NetunnelError {
  constructor(message: string) {
    super('NETUNNEL_ERR_INVALID_POOL_OPTIONS', message);
  }
}
