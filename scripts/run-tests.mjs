#!/usr/bin/env node
// Runs every test file under test/ (or the ones named) with node:test through tsx.
// Node 20's --test takes paths, not globs, so the files are collected here.
import {spawnSync} from 'node:child_process';
import {readdirSync, statSync} from 'node:fs';
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

const named = process.argv.slice(2);
const files = (named.length > 0 ? named : collect('test')).map((file) => relative('.', file)).sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=3', '--test-timeout=120000', ...files],
  {stdio: 'inherit'},
);
process.exit(result.status ?? 1);
