/**
 * Generated bodies (fast-check) for every REST route of a server in its own process: no
 * generated request gets a 500 or a refusal without the `{"error": ...}` shape, nothing
 * unexpected is logged, and the server answers afterwards. 40 requests per route here;
 * `npm run fuzz` runs the same generators for minutes.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {startEchoServer} from '../../helpers/tcp.js';
import {startWatchedServer} from '../../helpers/watched-server.js';
import {deferrer} from '../../helpers/cleanup.js';
import {ROUTE_COUNT, UNREACHABLE_URL, requestsFor, send} from './attacks/rest-bodies.js';
import {openChannel, openForwardTunnel} from './attacks/raw-session.js';

const RUNS_PER_ROUTE = 40;

test(`${RUNS_PER_ROUTE} generated requests per route: never a 500, refusals always {"error": ...}`, async (t) => {
  const defer = deferrer(t);
  const directory = await mkdtemp(join(tmpdir(), 'netunnel-hostile-'));
  defer(() => rm(directory, {recursive: true, force: true}));
  const configPath = join(directory, 'config.json');
  // A peer that cannot be reached, so that the peer and static tunnel routes get past their 404.
  const peer = {id: 1, name: 'far', target_netunnel_url: UNREACHABLE_URL, auth_data: {}, static_tunnels: []};
  await writeFile(configPath, JSON.stringify({peers: [peer]}));
  const server = await startWatchedServer({
    configPath,
    // No free port for static tunnels: creating one is validated, then refused (409), never bound.
    staticTunnelPorts: {min: 20000, max: 20000},
    staticTunnelTiming: {requestTimeoutMs: 500, retryInitialMs: 50, retryMaxMs: 200},
  });
  defer(() => server.kill());
  const echo = await startEchoServer();
  defer(() => echo.close());
  const {channelId, control} = await openChannel(server.port);
  defer(() => control.destroy());
  await openForwardTunnel(server.port, channelId, echo.port);

  const statuses = new Map<number, number>();
  for (let route = 0; route < ROUTE_COUNT; route += 1) {
    await fc.assert(
      fc.asyncProperty(requestsFor(route), async (request) => {
        const {status, problem} = await send(server.url, request);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        assert.equal(problem, undefined);
      }),
      {numRuns: RUNS_PER_ROUTE},
    );
  }
  assert.equal(server.exited(), undefined);
  assert.deepEqual(await server.errors(), [], 'nothing unexpected was logged');
  // Most routes refused most bodies, but not all: the generators reach past validation.
  assert.ok((statuses.get(200) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0, JSON.stringify([...statuses]));
});
