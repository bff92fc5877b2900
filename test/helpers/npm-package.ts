/**
 * The package as npm users get it: packed by `npm pack` (which builds it, through `prepare`)
 * from a copy of the sources, then installed from the tarball into an empty folder with
 * `npm ci --offline`.
 *
 * Why a lockfile and `npm ci`, not `npm install ./netunnel-X.tgz`: npm 11 resolves the
 * tarball's version ranges from the registry's full package documents, which `npm ci` never
 * stores in the cache, so `npm install --offline` fails (ENOTCACHED) on a machine that has
 * every dependency cached. The folder's lockfile pins the versions of our own lockfile (the
 * ones the suite tests), whose tarballs the cache holds since `npm ci` ran; no network needed.
 */
import {execFile} from 'node:child_process';
import {createHash} from 'node:crypto';
import {cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {ROOT} from './readme.js';

const run = promisify(execFile);

interface LockEntry {
  dev?: boolean;
  [key: string]: unknown;
}

interface Lockfile {
  packages: Record<string, LockEntry>;
}

interface PackageJson {
  version: string;
  license: string;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** Packs the sources as they are now (not whatever dist/ holds) into `dir`; returns the tarball's path. */
export async function packSources(dir: string): Promise<string> {
  const build = join(dir, 'build');
  mkdirSync(build);
  for (const name of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'source']) {
    cpSync(join(ROOT, name), join(build, name), {recursive: true});
  }
  // The compiler and the types the build needs.
  symlinkSync(join(ROOT, 'node_modules'), join(build, 'node_modules'), 'dir');
  const {stdout} = await run('npm', ['pack', '--json', '--pack-destination', dir], {cwd: build, timeout: 120_000});
  const [packed] = readJsonText(stdout) as Array<{filename: string}>;
  return join(dir, packed!.filename);
}

// `npm pack --json` prints the build's output first when `prepare` writes any.
function readJsonText(text: string): unknown {
  return JSON.parse(text.slice(text.indexOf('[')));
}

/** An empty project in `dir` with the tarball installed, offline; returns the project's folder. */
export async function installTarball(tarball: string, dir: string): Promise<string> {
  const app = join(dir, 'app');
  mkdirSync(app);
  const ours = readJson(join(ROOT, 'package.json')) as PackageJson;
  const lock = readJson(join(ROOT, 'package-lock.json')) as Lockfile;
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': {name: 'app', dependencies: {netunnel: spec}},
    'node_modules/netunnel': {
      version: ours.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      license: ours.license,
      dependencies: ours.dependencies,
      optionalDependencies: ours.optionalDependencies,
      bin: ours.bin,
      engines: ours.engines,
    },
  };
  // What a user's install gets: our dependencies, none of our devDependencies.
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && entry.dev !== true) packages[path] = entry;
  writeFileSync(join(app, 'package.json'), JSON.stringify({name: 'app', private: true, type: 'module', dependencies: {netunnel: spec}}));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify({name: 'app', lockfileVersion: 3, requires: true, packages}));
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], {cwd: app, timeout: 120_000});
  return app;
}
