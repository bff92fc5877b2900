/**
 * The built-in secret plugin (`--auth-plugin secret`): tokens as 1.0.12's plugin makes and
 * checks them (PyJWT, HS256, a float `exp`), its 403 text, expiry and renewal, constant-time
 * comparison, the secret in the auth data or in a file, and peers.
 */
import {describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {createHmac} from 'node:crypto';
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestContext} from 'node:test';
import type {AuthRequest} from '../../source/auth/contract.js';
import {loadClientAuth, loadServerAuth} from '../../source/auth/load-plugin.js';
import {SecretClientAuth, SecretServerAuth, TOKEN_LIFETIME_SECONDS, sameSecret} from '../../source/auth/secret-auth.js';
import {ServerTransport} from '../../source/client/server-transport.js';
import {messageOf} from '../../source/protocol/errors.js';
import {statusOf} from '../../source/server/http/error-status.js';
import {deferrer} from '../helpers/cleanup.js';
import {call} from '../helpers/http.js';
import {connectClient, startServer} from '../helpers/netunnel.js';

const SHAPE = 'the auth data must be {"secret": "<a non-empty string>"} or {"secret_file": "<path>"}';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A token the way 1.0.12's plugin makes it: PyJWT 1.x, `jwt.encode({'exp': time.time() + 30}, secret)`. */
function pyjwtToken(secret: string, exp: number): string {
  const header = base64url(JSON.stringify({typ: 'JWT', alg: 'HS256'}));
  const payload = base64url(JSON.stringify({exp}));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function request(authorization?: string): AuthRequest {
  return {method: 'GET', path: '/version', headers: authorization === undefined ? {} : {authorization}, remoteAddress: '127.0.0.1'};
}

function temporaryDirectory(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'netunnel-secret-'));
  deferrer(t)(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
}

describe('the built-in secret plugin', () => {
  const server = new SecretServerAuth({secret: 'change-me'});

  it('answers /authenticate with an HS256 token signed with the secret, exp now + 30 s as a float; 403 `403: Forbidden` for a wrong secret', async (t) => {
    const before = Date.now() / 1000;
    const answer = await server.authenticate(request(), {secret: 'change-me'});
    assert.equal(answer.status, 200);
    const {token} = answer.body as {token: string};
    const [header, payload, signature] = token.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), {alg: 'HS256', typ: 'JWT'});
    const {exp} = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as {exp: number};
    assert.ok(exp >= before + TOKEN_LIFETIME_SECONDS && exp <= Date.now() / 1000 + TOKEN_LIFETIME_SECONDS, String(exp));
    assert.ok(!Number.isInteger(exp), `a float, as time.time() + 30: ${exp}`);
    // What PyJWT checks: the HMAC-SHA256 of header.payload with the secret.
    assert.equal(signature, createHmac('sha256', 'change-me').update(`${header}.${payload}`).digest('base64url'));
    assert.equal(await server.isAuthenticated(request(`Bearer ${token}`)), true);
    for (const body of [{secret: 'guess'}, {secret: ''}, {}, null, {secret: 42}]) {
      assert.deepEqual(await server.authenticate(request(), body), {status: 403, body: undefined, text: '403: Forbidden'}, JSON.stringify(body));
    }

    // On the wire, as aiohttp answers 1.0.12's refusal.
    const {server: netunnel, url} = await startServer({auth: server});
    deferrer(t)(() => netunnel.close());
    assert.deepEqual(await call(url, 'POST', '/authenticate', {secret: 'guess'}), {status: 403, body: '403: Forbidden'});
    const granted = await call(url, 'POST', '/authenticate', {secret: 'change-me'});
    assert.equal(granted.status, 200);
    assert.match((granted.body as {token: string}).token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("accepts 1.0.12's tokens and refuses expired, foreign, unsigned and malformed ones", async () => {
    const now = Date.now() / 1000;
    assert.equal(await server.isAuthenticated(request(`Bearer ${pyjwtToken('change-me', now + 30.123456)}`)), true);
    const refused = [
      undefined,
      '',
      `Bearer ${pyjwtToken('change-me', now - 1)}`,
      `Bearer ${pyjwtToken('another secret', now + 30)}`,
      `Basic ${pyjwtToken('change-me', now + 30)}`,
      `Bearer ${pyjwtToken('change-me', now + 30)} extra`,
      `Bearer ${base64url(JSON.stringify({alg: 'none', typ: 'JWT'}))}.${base64url(JSON.stringify({exp: now + 30}))}.`,
      'Bearer not-a-token',
    ];
    for (const authorization of refused) assert.equal(await server.isAuthenticated(request(authorization)), false, String(authorization));
  });

  it('compares secrets in constant time, whatever their lengths', () => {
    assert.equal(sameSecret('change-me', 'change-me'), true);
    assert.equal(sameSecret('change-mf', 'change-me'), false);
    assert.equal(sameSecret('', 'change-me'), false);
    assert.equal(sameSecret('change-me-and-more', 'change-me'), false);
  });

  it('refuses auth data that names no secret, or names it twice', () => {
    for (const authData of [{}, {secret: 3}, {secret: ''}, {secret_file: ''}, {secret: 's', secret_file: '/x'}, {secret: 's', extra: 1}, {secretfile: '/x'}]) {
      assert.throws(() => new SecretServerAuth(authData), {message: SHAPE}, JSON.stringify(authData));
      assert.throws(() => new SecretClientAuth(authData), {message: SHAPE}, JSON.stringify(authData));
    }
    assert.deepEqual(new SecretClientAuth({secret: 's'}).dumpObject(), {secret: 's'});
  });

  it('reads a secret_file (relative to the working directory, without its final line break) and warns when others can read it', async (t) => {
    const dir = temporaryDirectory(t);
    const path = join(dir, 'netunnel.secret');
    writeFileSync(path, 'file-secret\n');
    chmodSync(path, 0o600);
    const warnings: string[] = [];
    const fromFile = new SecretServerAuth({secret_file: 'netunnel.secret'}, {cwd: dir, warn: (message) => warnings.push(message)});
    assert.equal(warnings.length, 0, 'a private file is not warned about');
    const answer = await fromFile.authenticate(request(), {secret: 'file-secret'});
    assert.equal(answer.status, 200);
    const client = new SecretClientAuth({secret_file: path});
    assert.deepEqual(client.dumpObject(), {secret_file: path}, 'the file, never its content');

    chmodSync(path, 0o644);
    new SecretClientAuth({secret_file: path}, {warn: (message) => warnings.push(message)});
    assert.deepEqual(warnings, [`secret_file ${path} can be read by other users (mode 644): chmod 600 ${path}`]);

    writeFileSync(path, '\r\n');
    assert.throws(() => new SecretClientAuth({secret_file: path}), {message: `secret_file ${path} is empty`});
    assert.throws(() => new SecretClientAuth({secret_file: join(dir, 'missing')}), {message: `cannot read secret_file ${join(dir, 'missing')}: ENOENT`});
  });

  it("is what --auth-plugin secret loads; a bad --auth-data is the loader's one-line refusal", async (t) => {
    const dir = temporaryDirectory(t);
    writeFileSync(join(dir, 'open.secret'), 's3cret', {mode: 0o644});
    const warnings: string[] = [];
    assert.ok((await loadServerAuth('secret', {secret: 's'})) instanceof SecretServerAuth);
    const client = await loadClientAuth('secret', {secret_file: './open.secret'}, dir, (message) => warnings.push(message));
    assert.ok(client instanceof SecretClientAuth);
    assert.deepEqual(client.dumpObject(), {secret_file: join(dir, 'open.secret')});
    assert.equal(warnings.length, 1);
    await assert.rejects(loadServerAuth('secret', {}), {name: 'AuthPluginError', message: `Auth plugin "secret" refused its --auth-data: ${SHAPE}`});
  });

  it('a client fetches a token on first use and a new one when it is about to expire', async (t) => {
    const {server: netunnel, url} = await startServer({auth: new SecretServerAuth({secret: 'change-me'})});
    deferrer(t)(() => netunnel.close());
    const auth = new SecretClientAuth({secret: 'change-me'});
    assert.equal(auth.isAuthenticated(), false);
    assert.deepEqual(auth.getAuthorizedHeaders(), {});
    const transport = new ServerTransport({serverUrl: url, auth});
    assert.equal(await transport.requestText('/version'), '1.0.12');
    assert.equal(auth.isAuthenticated(), true);
    assert.match(auth.getAuthorizedHeaders().Authorization!, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    // 26 s later the token has less than the 5 s margin left: the next request gets another.
    const realNow = Date.now;
    Date.now = () => realNow() + 26_000;
    try {
      assert.equal(auth.isAuthenticated(), false);
    } finally {
      Date.now = realNow;
    }
    transport.close();
    const wrong = new ServerTransport({serverUrl: url, auth: new SecretClientAuth({secret: 'guess'})});
    await assert.rejects(wrong.requestText('/version'), {status: 403, message: 'Authentication failed: the server refused the secret'});
    wrong.close();
  });

  it("a server reaches its peers with the secret of their auth_data, never a file named by it", async (t) => {
    const defer = deferrer(t);
    const peer = await startServer({auth: new SecretServerAuth({secret: 'peer-secret'})});
    defer(() => peer.server.close());
    const {server: netunnel, url} = await startServer({auth: new SecretServerAuth({secret: 'change-me'})});
    defer(() => netunnel.close());
    const client = await connectClient(url, {auth: new SecretClientAuth({secret: 'change-me'})});
    await client.close();
    await assert.rejects(netunnel.peers.register({name: 'p', target_netunnel_url: peer.url, auth_data: {secret: 'wrong'}}), {message: 'Failed to authenticate with peer `p`'});
    await assert.rejects(netunnel.peers.register({name: 'p', target_netunnel_url: peer.url, auth_data: {secret_file: '/etc/hostname'}}), (error: unknown) => {
      assert.equal(statusOf(error), 400);
      assert.equal(messageOf(error), 'Invalid field `auth_data`: the auth data of a peer must be {"secret": "<a non-empty string>"}');
      return true;
    });
    const added = await netunnel.peers.register({name: 'p', target_netunnel_url: peer.url, auth_data: {secret: 'peer-secret'}});
    assert.deepEqual(added.auth_data, {secret: 'peer-secret'});
  });
});
