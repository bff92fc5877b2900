/**
 * Atomic config writes under kill -9, and the temporary files a killed writer leaves: removed
 * at the next start when they cannot be a write in progress (their pid runs no more, or is
 * ours), kept when another running process may be writing them.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestContext} from 'node:test';
import {removeStaleTemporaryFiles, writeFileAtomic} from '../../../source/server/state/atomic-file.js';
import {checkConfig} from '../../../source/server/state/config-schema.js';
import {deferrer} from '../../helpers/cleanup.js';
import {startCli} from '../../helpers/cli.js';
import {call} from '../../helpers/http.js';
import {within} from '../../helpers/streams.js';

const TEMPORARY = /^\.config\.json\.\d+\.[0-9a-f]{12}\.tmp$/;

function directory(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'netunnel-atomic-'));
  deferrer(t)(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

/** The pid of a process that has come and gone. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

/** A process that runs until the test ends (a writer that is still alive). */
async function livePid(t: TestContext): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {stdio: 'ignore'});
  await once(child, 'spawn');
  deferrer(t)(() => child.kill('SIGKILL'));
  return child.pid!;
}

test('stale temporary files: a dead pid and our own are removed; a running process, other names and other patterns are kept', async (t) => {
  const dir = directory(t);
  const [dead, live] = [deadPid(), await livePid(t)];
  const names = {
    dead: `.config.json.${dead}.0123456789ab.tmp`,
    own: `.config.json.${process.pid}.abcdefabcdef.tmp`,
    live: `.config.json.${live}.0123456789ab.tmp`,
    otherFile: `.other.json.${dead}.0123456789ab.tmp`,
    shortRandom: `.config.json.${dead}.0123.tmp`,
    upperCase: `.config.json.${dead}.0123456789AB.tmp`,
    prefixed: `x.config.json.${dead}.0123456789ab.tmp`,
  };
  writeFileSync(join(dir, 'config.json'), '{}');
  for (const name of Object.values(names)) writeFileSync(join(dir, name), '{"half": ');
  const removed = await removeStaleTemporaryFiles(join(dir, 'config.json'));
  assert.deepEqual(removed.sort(), [join(dir, names.dead), join(dir, names.own)].sort());
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', names.live, names.otherFile, names.shortRandom, names.upperCase, names.prefixed].sort());
  assert.deepEqual(await removeStaleTemporaryFiles(join(dir, 'missing.json')), []);
});

test('a write in progress of this process is not taken for a stale file', async (t) => {
  const dir = directory(t);
  const path = join(dir, 'config.json');
  const big = 'x'.repeat(8 * 1024 * 1024);
  let removedDuringWrite: string[] = [];
  const writing = writeFileAtomic(path, big);
  // The temporary file exists as soon as the write has opened it.
  while (!readdirSync(dir).some((name) => TEMPORARY.test(name))) await new Promise((resolve) => setImmediate(resolve));
  removedDuringWrite = await removeStaleTemporaryFiles(path);
  await within(writing, 10_000, 'the write');
  assert.deepEqual(removedDuringWrite, []);
  assert.equal(readFileSync(path, 'utf8').length, big.length);
});

test('kill -9 during config rewrites, again and again: the file always parses and fits the schema; the next start leaves no temporary file', async (t) => {
  const defer = deferrer(t);
  const dir = directory(t);
  const path = join(dir, 'config.json');
  const leftovers: number[] = [];
  const ROUNDS = 4;
  for (let round = 0; round < ROUNDS; round += 1) {
    const server = startCli('netunnel-server', ['-p', '0', '-c', path]);
    defer(() => server.child.kill('SIGKILL'));
    const [, port] = await server.waitForLine(/INFO Starting server on 127\.0\.0\.1:(\d+)$/);
    const url = `http://127.0.0.1:${port}`;
    let stop = false;
    let saved = 0;
    // Four writers keep the server's write queue full: set a proxy (credentials encrypted), clear it, again.
    const writers = [0, 1, 2, 3].map(async (writer) => {
      for (let step = 0; !stop; step += 1) {
        const body = step % 2 === 0 ? {proxy_url: `http://127.0.0.${writer + 1}:3128`, username: 'u', password: `p${step}`, check_proxy: false} : {proxy_url: null};
        const answer = await call(url, 'POST', '/config/http-proxy', body).catch(() => undefined);
        if (answer?.status === 200) saved += 1;
      }
    });
    while (saved < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    // Somewhere in the middle of a write, or between two.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
    server.child.kill('SIGKILL');
    await within(server.exited, 10_000, 'server to exit');
    stop = true;
    await Promise.all(writers);

    const text = readFileSync(path, 'utf8');
    const check = checkConfig(JSON.parse(text));
    assert.ok(check.ok, `round ${round}: ${check.ok ? '' : check.problem}\n${text}`);
    leftovers.push(readdirSync(dir).filter((name) => TEMPORARY.test(name)).length);
  }

  // However the rounds went, the next start has something to clean: a file of a dead writer.
  writeFileSync(join(dir, `.config.json.${deadPid()}.0123456789ab.tmp`), '{"peers": [');
  const server = startCli('netunnel-server', ['-p', '0', '-c', path]);
  defer(() => server.child.kill('SIGKILL'));
  await server.waitForLine(/INFO Starting server on 127\.0\.0\.1:\d+$/);
  assert.match(server.stderr(), /INFO Removed \d+ temporary file\(s\) of interrupted config writes: /);
  assert.deepEqual(readdirSync(dir), ['config.json'], `after ${leftovers.join(', ')} left over by the rounds`);
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
});
