/** Where the children load netunnel from: this checkout, or BENCH_SOURCE_ROOT (another one). */
import {pathToFileURL} from 'node:url';
import {join} from 'node:path';

/** A module specifier under source/ (e.g. `server/netunnel-server.js`) for a dynamic import. */
export function sourceModule(path: string): string {
  const root = process.env.BENCH_SOURCE_ROOT;
  return root ? pathToFileURL(join(root, 'source', path)).href : new URL(`../../source/${path}`, import.meta.url).href;
}
