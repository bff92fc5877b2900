#!/usr/bin/env node
// Runs every test file under test/ (or the ones named) with node:test through tsx.
// Node 20's --test takes paths, not globs, so the files are collected here.
//
// The commands are spawned from their build (dist/, as users run them): a spawn through tsx
// costs a second of CPU more, and the suite spawns them some hundreds of times. So dist/ is
// built first, every time (NETUNNEL_TEST_SKIP_BUILD=1 skips it, for a quick rerun of a file whose
// commands did not change). With --typecheck the whole project (tests too) is type-checked
// alongside the build, on the other core.
import {spawn, spawnSync} from 'node:child_process';
import {readdirSync, statSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join, relative} from 'node:path';

function collect(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'bench' && name !== 'fixtures') files.push(...collect(path));
    } else if (/\.test\.tsx?$/.test(name)) {
      files.push(path);
    }
  }
  return files;
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
function compile(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, ...args], {stdio: 'inherit'});
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const args = process.argv.slice(2);
const typecheck = args.includes('--typecheck');
const named = args.filter((arg) => arg !== '--typecheck');
const steps = [];
if (typecheck) steps.push(compile(['--noEmit', '-p', '.']));
if (process.env.NETUNNEL_TEST_SKIP_BUILD !== '1') steps.push(compile(['-p', 'tsconfig.build.json']));
if ((await Promise.all(steps)).some((code) => code !== 0)) process.exit(1);

const files = (named.length > 0 ? named : collect('test')).map((file) => relative('.', file)).sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=3', '--test-timeout=120000', ...files],
  {stdio: 'inherit'},
);
process.exit(result.status ?? 1);
