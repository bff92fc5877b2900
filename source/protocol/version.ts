import {readFileSync} from 'node:fs';
import {z} from 'zod';

/** The NETunnel protocol version we speak, and what we announce as "version" on the wire. */
export const PROTOCOL_VERSION = '1.0.12';

/** The implementation name announced by our management extensions. */
export const IMPLEMENTATION = 'netunnel-ts';

/** Our own version (package.json), shown by `--version` and `GET /server-info`. */
export const IMPLEMENTATION_VERSION: string = (() => {
  try {
    // Same relative place from source/protocol/ and from dist/protocol/.
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return z.object({version: z.string()}).parse(JSON.parse(text)).version;
  } catch {
    return '0.0.0';
  }
})();
