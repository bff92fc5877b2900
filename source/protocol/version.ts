/** The NETunnel protocol version we speak, and what we announce as "version" on the wire. */
export const PROTOCOL_VERSION = '1.0.12';

/** The implementation name announced by our management extensions. */
export const IMPLEMENTATION = 'netunnel-ts';
