/**
 * A server beyond loopback without an auth plugin: one warning line at start and
 * `exposed_without_auth: true` in /server-info; with an auth plugin, or on 127.0.0.1, neither.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {TestContext} from 'node:test';
import {ManagementClient} from '../../../source/client/management-client.js';
import type {Logger} from '../../../source/engine/logger.js';
import {exposureWarning, isLoopbackAddress} from '../../../source/server/management/exposure.js';
import {deferrer} from '../../helpers/cleanup.js';
import {HeaderAuthClient, HeaderAuthServer} from '../../helpers/header-auth.js';
import {startServer} from '../../helpers/netunnel.js';

function recordingLogger(): {logger: Logger; warnings: string[]} {
  const warnings: string[] = [];
  return {logger: {debug: () => {}, info: () => {}, warn: (message) => warnings.push(message), error: () => {}}, warnings};
}

async function exposure(t: TestContext, host: string, auth?: HeaderAuthServer) {
  const defer = deferrer(t);
  const {logger, warnings} = recordingLogger();
  const {server} = await startServer({host, logger, ...(auth ? {auth} : {})});
  defer(() => server.close());
  const management = new ManagementClient({serverUrl: `http://127.0.0.1:${server.address!.port}`, ...(auth ? {auth: new HeaderAuthClient('s3cret')} : {})});
  defer(() => management.close());
  const info = await management.server.info();
  return {port: server.address!.port, warnings, exposed: info?.exposed_without_auth};
}

test('0.0.0.0 without an auth plugin: one warning naming the address and the fix, and exposed_without_auth true', async (t) => {
  const {port, warnings, exposed} = await exposure(t, '0.0.0.0');
  assert.deepEqual(warnings, [
    `Listening on 0.0.0.0:${port} without an auth plugin: anyone who can reach it can open tunnels and change its peers; ` +
      `add --auth-plugin secret --auth-data '{"secret_file": "PATH"}', or listen on 127.0.0.1 (--hostname)`,
  ]);
  assert.equal(exposed, true);
});

test('0.0.0.0 with an auth plugin, or 127.0.0.1 without one: no warning, exposed_without_auth false', async (t) => {
  for (const [host, auth] of [
    ['0.0.0.0', new HeaderAuthServer('s3cret')],
    ['127.0.0.1', undefined],
  ] as const) {
    const {warnings, exposed} = await exposure(t, host, auth);
    assert.deepEqual(warnings, [], host);
    assert.equal(exposed, false, host);
  }
});

test('loopback is 127.0.0.0/8 and ::1 (also IPv4-mapped); anything else is exposed', () => {
  for (const address of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(address), true, address);
  for (const address of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', '::ffff:10.0.0.1', 'fe80::1', '128.0.0.1']) assert.equal(isLoopbackAddress(address), false, address);
  assert.match(exposureWarning('::', 4040), /^Listening on \[::\]:4040 without an auth plugin: /);
});
