/**
 * Where the children load netunnel from: this checkout, or BENCH_SOURCE_ROOT (another one); its
 * TypeScript sources, or with BENCH_BUILT=1 its build (dist/, what the commands run).
 */
import {pathToFileURL} from 'node:url';
import {join} from 'node:path';

/** A module specifier under source/ (e.g. `server/netunnel-server.js`) for a dynamic import. */
export function sourceModule(path: string): string {
  const root = process.env.BENCH_SOURCE_ROOT;
  const folder = process.env.BENCH_BUILT === '1' ? 'dist' : 'source';
  return root ? pathToFileURL(join(root, folder, path)).href : new URL(`../../${folder}/${path}`, import.meta.url).href;
}
