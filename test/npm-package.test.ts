/**
 * The package as npm users get it (package.json's bin, exports and files): packed and
 * installed from its tarball without the network (test/helpers/npm-package.ts), then each
 * command run from the install, and each entry point imported and its types checked with
 * the README's library examples.
 */
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {startProgram} from './helpers/cli.js';
import {installTarball, packSources} from './helpers/npm-package.js';
import {ROOT} from './helpers/readme.js';
import {within} from './helpers/streams.js';
import {exchange, randomPayload, startEchoServer} from './helpers/tcp.js';

const run = promisify(execFile);

let dir: string;
let app: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netunnel-package-'));
  app = await installTarball(await packSources(dir), dir);
});
after(() => rmSync(dir, {recursive: true, force: true}));

const bin = (command: string) => join(app, 'node_modules', '.bin', command);
const {version} = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string};

test('each installed command answers --version and --help', async () => {
  const commands = ['netunnel-server', 'netunnel-client', 'netunnel-tui'];
  const ask = (command: string, args: string[]) => run(bin(command), args, {cwd: app, timeout: 30_000});
  const versions = await Promise.all([...commands.map((command) => ask(command, ['--version'])), ask('netunnel-tui', ['--no-tui', '--version'])]);
  assert.deepEqual(
    versions.map(({stdout}) => stdout),
    [`${version}\n`, `${version}\n`, `${version}\n`, `${version}\n`],
  );
  const helps = await Promise.all([...commands.map((command) => ask(command, ['--help'])), ask('netunnel-tui', ['--no-tui', '--help'])]);
  const usages = ['$ netunnel-server [options]', '$ netunnel-client [options]', '$ netunnel-tui [URL...] [options]', '$ netunnel-tui --no-tui COMMAND [ARGS] [options]'];
  for (const [index, usage] of usages.entries()) assert.ok(helps[index]!.stdout.includes(usage), `${usage} in:\n${helps[index]!.stdout}`);
});

test('the installed netunnel-server and netunnel-client carry bytes through a tunnel', async () => {
  const echo = await startEchoServer();
  const server = startProgram(bin('netunnel-server'), ['--port', '0'], {cwd: app});
  let client: ReturnType<typeof startProgram> | undefined;
  try {
    const [, port] = await server.waitForLine(/INFO Starting server on 127\.0\.0\.1:(\d+)$/);
    client = startProgram(bin('netunnel-client'), ['--server', `http://127.0.0.1:${port}`, '--remote-port', String(echo.port)], {cwd: app});
    const [, entrancePort] = await client.waitForLine(/^Tunnel entrance socket: 127\.0\.0\.1:(\d+)$/);
    const payload = randomPayload(200_000);
    assert.ok((await exchange(Number(entrancePort), payload)).equals(payload));
    client.child.kill('SIGINT');
    server.child.kill('SIGINT');
    assert.deepEqual(await within(Promise.all([client.exited, server.exited]), 10_000, 'both commands to exit'), [0, 0]);
  } finally {
    client?.child.kill('SIGKILL');
    server.child.kill('SIGKILL');
    await echo.close();
  }
});

test('every entry point imports from the installed package, with exactly its exports', async () => {
  const script = `
    const names = ['netunnel', 'netunnel/client', 'netunnel/server', 'netunnel/management', 'netunnel/auth'];
    const modules = await Promise.all(names.map((name) => import(name)));
    const same = modules[1].NetunnelClient === modules[0].NetunnelClient && modules[2].NetunnelServer === modules[0].NetunnelServer;
    console.log(JSON.stringify({exports: Object.fromEntries(names.map((name, index) => [name, Object.keys(modules[index]).sort()])), same}));`;
  const {stdout} = await run(process.execPath, ['--input-type=module', '-e', script], {cwd: app, timeout: 30_000});
  assert.deepEqual(JSON.parse(stdout), {
    exports: {
      netunnel: ['BadAnswerError', 'ClientTunnel', 'EventSubscription', 'ForwardClientTunnel', 'ManagementClient', 'NetunnelClient', 'NetunnelError', 'NetunnelServer', 'NotConnectedError', 'NotNetunnelServerError', 'ReverseClientTunnel', 'SecretClientAuth', 'SecretServerAuth', 'ServerRefusedError', 'ServerUnreachableError'],
      'netunnel/client': ['BadAnswerError', 'ClientTunnel', 'ForwardClientTunnel', 'NetunnelClient', 'NetunnelError', 'NotConnectedError', 'NotNetunnelServerError', 'ReverseClientTunnel', 'ServerRefusedError', 'ServerUnreachableError'],
      'netunnel/server': ['NetunnelError', 'NetunnelServer'],
      'netunnel/management': ['BadAnswerError', 'EventSubscription', 'ManagementClient', 'NotNetunnelServerError', 'ServerRefusedError', 'ServerUnreachableError'],
      'netunnel/auth': ['NoAuthClient', 'NoAuthServer', 'SecretClientAuth', 'SecretServerAuth'],
    },
    same: true,
  });
});

test("the README's library examples type-check against the installed package's types", async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const library = readme.slice(readme.indexOf('\n## Library'), readme.indexOf('\n## ', readme.indexOf('\n## Library') + 1));
  const examples = [...library.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const imported = examples.map((example) => /from '(netunnel[^']*)'/.exec(example)?.[1]);
  assert.deepEqual(imported, ['netunnel', 'netunnel/client', 'netunnel/server', 'netunnel/management', 'netunnel/auth'], 'one example per entry point');
  examples.forEach((example, index) => writeFileSync(join(app, `readme-${index}.ts`), example));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      // A user's project with @types/node; the package's own .d.ts are what is checked.
      compilerOptions: {module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')]},
      include: ['readme-*.ts'],
    }),
  );
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {cwd: app, timeout: 60_000}).catch((error: {stdout: string}) => error);
  assert.equal(checked.stdout, '', 'tsc reports nothing');
});
