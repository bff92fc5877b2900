/**
 * Where the limits come from (an option, else the config file's `limits`, else the defaults),
 * how bad values are refused, and that the file stays as 1.0.12 wrote it.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestContext} from 'node:test';
import {NetunnelServer} from '../../../source/server/netunnel-server.js';
import {DEFAULT_LIMITS, LIMIT_NAMES, LimitSettings, LimitsError} from '../../../source/server/limits/server-limits.js';
import {deferrer} from '../../helpers/cleanup.js';
import {startServer} from '../../helpers/netunnel.js';
import {rawExchange, rawRequest} from '../../helpers/raw-http.js';
import {encodeFrame, OPCODES} from '../../helpers/raw-websocket.js';
import {openChannel} from '../hostile/attacks/raw-session.js';

async function configFile(t: TestContext, content: unknown): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'netunnel-limits-'));
  t.after(() => rm(directory, {recursive: true, force: true}));
  const path = join(directory, 'config.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 4));
  return path;
}

test('an option wins over the file, the file over the defaults, limit by limit', () => {
  const settings = new LimitSettings({channels: 5});
  assert.deepEqual(settings.current, {...DEFAULT_LIMITS, channels: 5});
  assert.equal(new LimitSettings().current.channels, 1000);
  settings.useConfig({channels: 7, tunnels_per_channel: 9});
  assert.deepEqual(settings.current, {...DEFAULT_LIMITS, channels: 5, tunnels_per_channel: 9});
  assert.ok(Object.isFrozen(settings.current));
  assert.deepEqual([...LIMIT_NAMES].sort(), Object.keys(DEFAULT_LIMITS).sort());
});

test('an option out of range is refused at construction with one line naming it', () => {
  assert.throws(() => new LimitSettings({channels: 0}), new LimitsError('Server option `limits`: channels: must be at least 1'));
  assert.throws(() => new NetunnelServer({limits: {tunnel_frame_bytes: 1000}}), {
    name: 'LimitsError',
    code: 'NETUNNEL_ERR_LIMITS',
    message: 'Server option `limits`: tunnel_frame_bytes: must be at least 65536',
  });
});

test('the config file: limits under `limits` are applied; a misspelt or bad one refuses the file, untouched', async (t) => {
  const defer = deferrer(t);
  const configPath = await configFile(t, {limits: {channels: 1, control_frame_bytes: 2048}});
  const {server, url} = await startServer({configPath});
  defer(() => server.close());
  assert.equal((await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}})).status, 200);
  assert.equal((await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}})).status, 503);
  await rawRequest(url, 'DELETE', '/channels/1');
  const {control} = await openChannel(server.address!.port);
  control.write(encodeFrame({opcode: OPCODES.binary, length: 2049}));
  assert.equal((await control.closing()).code, 1009);
  control.destroy();

  for (const [limits, problem] of [
    [{chanels: 1}, 'limits: Unrecognized key: "chanels"'],
    [{channels: '10'}, 'limits.channels: expected an integer'],
    [{header_bytes: 10}, 'limits.header_bytes: must be at least 1024'],
  ] as const) {
    const text = JSON.stringify({limits}, null, 4);
    const path = await configFile(t, text);
    await assert.rejects(new NetunnelServer({configPath: path, port: 0}).start(), {name: 'ConfigError', message: `Config file ${path}: ${problem}`});
    assert.equal(await readFile(path, 'utf8'), text, 'the refused file is left as it was');
  }
});

test('a new config file gets no `limits` key: the defaults stay ours to raise, and 1.0.12 reads the file', async (t) => {
  const defer = deferrer(t);
  const directory = await mkdtemp(join(tmpdir(), 'netunnel-limits-'));
  defer(() => rm(directory, {recursive: true, force: true}));
  const configPath = join(directory, 'config.json');
  const {server} = await startServer({configPath});
  defer(() => server.close());
  const written = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  assert.equal('limits' in written, false);
});

test('header and body limits from the options: 431 and 413', async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer({limits: {header_bytes: 2048, body_bytes: 1024}});
  defer(() => server.close());
  const port = server.address!.port;
  const big = await rawExchange(port, `GET /version HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(3000)}\r\n\r\n`);
  assert.deepEqual({status: big.status, body: big.body}, {status: 431, body: JSON.stringify({error: 'Request line and headers larger than 2048 bytes'})});
  const body = await rawRequest(url, 'POST', '/channels', {rawBody: JSON.stringify({version: 'x'.repeat(2000)})});
  assert.deepEqual({status: body.status, body: body.json}, {status: 413, body: {error: 'Request body larger than 1024 bytes'}});
  const metrics = (await rawRequest(url, 'GET', '/metrics')).text;
  assert.match(metrics, /\nnetunnel_limit_refusals_total\{limit="header_bytes"\} 1\n/);
  assert.match(metrics, /\nnetunnel_limit_refusals_total\{limit="body_bytes"\} 1\n/);
});

test("the README's table lists every limit with its default, and its example config loads", async (t) => {
  const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Limits'), readme.indexOf('## Management API'));
  const rows = [...section.matchAll(/^\| `(\w+)` \| (\d+)/gm)].map(([, name, value]) => [name, Number(value)]);
  assert.deepEqual(Object.fromEntries(rows), {...DEFAULT_LIMITS});
  const example = /```json\n(.*)\n```/.exec(section)?.[1];
  assert.ok(example);
  const defer = deferrer(t);
  const {server, url} = await startServer({configPath: await configFile(t, example)});
  defer(() => server.close());
  assert.equal((await rawRequest(url, 'GET', '/version')).status, 200);
});
