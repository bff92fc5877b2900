/**
 * What answers at a URL: a NETunnel server (ours, or 1.0.12's: `GET /version` answers its
 * version as text), or something else (a web server, a wrong path, a service that does not
 * speak HTTP), which every call names as such in one line instead of passing its page on.
 */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {NotNetunnelServerError} from '../../source/client/client-errors.js';
import {ManagementClient} from '../../source/client/management-client.js';
import {NetunnelClient} from '../../source/client/netunnel-client.js';
import {isVersionText, versionAnswerProblem} from '../../source/client/server-identity.js';
import {startServer} from '../helpers/netunnel.js';
import {startGreetingServer, startWebServer} from '../helpers/strangers.js';

function notNetunnel(url: string, evidence: string | RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof NotNetunnelServerError, `expected a NotNetunnelServerError, got ${String(error)}`);
    assert.equal(error.code, 'NETUNNEL_ERR_NOT_NETUNNEL');
    if (typeof evidence === 'string') assert.equal(error.message, `${url} is not a NETunnel server (${evidence})`);
    else assert.match(error.message, evidence);
    return true;
  };
}

describe('versionAnswerProblem', () => {
  it('takes a version as text for a NETunnel server, a page or a 404 for something else', () => {
    assert.equal(versionAnswerProblem(200, 'text/plain; charset=utf-8', '1.0.12'), undefined);
    assert.equal(versionAnswerProblem(200, 'text/plain', '1.0.12\n'), undefined);
    assert.equal(versionAnswerProblem(404, 'text/html;charset=utf-8', '<!DOCTYPE HTML>'), 'GET /version answered 404 text/html');
    assert.equal(versionAnswerProblem(404, 'application/json', '{"error": "Not found: GET /x/version"}'), 'GET /version answered 404 application/json');
    assert.equal(versionAnswerProblem(200, 'text/html', '<html>'), 'GET /version answered 200 text/html, not a version');
    assert.equal(versionAnswerProblem(200, '', 'hello'), 'GET /version answered 200 no content type, not a version');
    assert.equal(versionAnswerProblem(403, 'text/plain', '403: Forbidden'), undefined, 'an auth plugin refusing: cannot tell');
    assert.equal(versionAnswerProblem(500, 'application/json', '{"error": "x"}'), undefined);
    assert.deepEqual(['1.0.12', 'v2.1', '0.1.0-rc.1', '1', '<!DOCTYPE HTML>', '1.0.12 is great'].map(isVersionText), [true, true, true, false, false, false]);
  });
});

describe('a client at a URL', () => {
  it('names a web server as not a NETunnel server, whatever it is asked', async (t) => {
    const url = await startWebServer(t.after.bind(t));
    const management = new ManagementClient({serverUrl: url});
    t.after(() => management.close());
    const evidence = 'GET /version answered 404 text/html';
    await assert.rejects(management.server.version(), notNetunnel(url, evidence));
    await assert.rejects(management.server.info(), notNetunnel(url, evidence));
    await assert.rejects(management.peers.list(), notNetunnel(url, evidence));
    await assert.rejects(management.channels.list(), notNetunnel(url, evidence));
    const client = new NetunnelClient({serverUrl: url});
    t.after(() => client.close());
    await assert.rejects(client.connect(), notNetunnel(url, evidence));
  });

  it('names a service that does not speak HTTP', async (t) => {
    const url = await startGreetingServer(t.after.bind(t));
    const client = new NetunnelClient({serverUrl: url});
    t.after(() => client.close());
    await assert.rejects(client.connect(), notNetunnel(url, /^http:\/\/127\.0\.0\.1:\d+ is not a NETunnel server \(it does not answer in HTTP: Parse Error: /));
  });

  it('names a wrong path of our server, and tells 1.0.12 (no /server-info) from both', async (t) => {
    const ours = await startServer();
    const classic = await startServer({extensions: false});
    t.after(async () => {
      await ours.server.close();
      await classic.server.close();
    });
    const wrongPath = new ManagementClient({serverUrl: `${ours.url}/wrong`});
    const legacy = new ManagementClient({serverUrl: classic.url});
    const right = new ManagementClient({serverUrl: ours.url});
    t.after(() => [wrongPath, legacy, right].forEach((client) => client.close()));
    await assert.rejects(wrongPath.server.info(), notNetunnel(`${ours.url}/wrong`, 'GET /version answered 404 application/json'));
    assert.equal(await legacy.server.info(), null, 'a NETunnel server without the management API');
    assert.equal(await legacy.server.version(), '1.0.12');
    assert.equal((await right.server.info())?.implementation, 'netunnel-ts');
    await assert.rejects(legacy.channels.list(), (error: unknown) => !(error instanceof NotNetunnelServerError) && /^ServerRefusedError: 405: Method Not Allowed$/.test(String(error)));
  });
});
