/**
 * examples/secret-auth-plugin: its README run as written (server, curl on the wire, client,
 * console in a pseudo-terminal, scripted mode, a saved server), and the plugin itself:
 * tokens as 1.0.12's plugin makes and checks them (PyJWT, HS256), expiry, constant-time
 * comparison, peers.
 */
import {after, before, describe, it} from 'node:test';
import assert from 'node:assert/strict';
import {createHmac} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import {SecretClientAuth, SecretServerAuth, TOKEN_LIFETIME_SECONDS, sameSecret} from '../../examples/secret-auth-plugin/secret-auth-plugin.js';
import type {AuthRequest} from '../../source/auth/contract.js';
import {ServerTransport} from '../../source/client/server-transport.js';
import {connectClient, eventually, startServer} from '../helpers/netunnel.js';
import {ROOT, readmeCommands, runShell, startShell, type RunningShell} from '../helpers/readme.js';
import {freePort} from '../helpers/tcp.js';

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

describe('the secret auth plugin', () => {
  const server = new SecretServerAuth({secret: 'change-me'});

  it('answers /authenticate with an HS256 token signed with the secret, valid 30 s; 403 for a wrong secret', async () => {
    const before = Math.floor(Date.now() / 1000);
    const answer = await server.authenticate(request(), {secret: 'change-me'});
    assert.equal(answer.status, 200);
    const {token} = answer.body as {token: string};
    const [header, payload, signature] = token.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), {alg: 'HS256', typ: 'JWT'});
    const {exp} = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as {exp: number};
    assert.ok(exp >= before + TOKEN_LIFETIME_SECONDS && exp <= Math.ceil(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS);
    // What PyJWT checks: the HMAC-SHA256 of header.payload with the secret.
    assert.equal(signature, createHmac('sha256', 'change-me').update(`${header}.${payload}`).digest('base64url'));
    assert.equal(await server.isAuthenticated(request(`Bearer ${token}`)), true);

    for (const body of [{secret: 'guess'}, {secret: ''}, {}, null, {secret: 42}]) {
      assert.deepEqual(await server.authenticate(request(), body), {status: 403, body: {error: 'Forbidden'}}, JSON.stringify(body));
    }
  });

  it("accepts 1.0.12's tokens (exp a fraction of a second) and refuses expired, foreign, unsigned and malformed ones", async () => {
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

  it('refuses auth data without a secret', () => {
    assert.throws(() => new SecretServerAuth({}), {message: 'the auth data must be {"secret": "<a non-empty string>"}'});
    assert.throws(() => new SecretClientAuth({secret: 3}), {message: 'the auth data must be {"secret": "<a non-empty string>"}'});
    assert.deepEqual(new SecretClientAuth({secret: 's'}).dumpObject(), {secret: 's'});
  });

  it('a client fetches a token on first use and a new one when it is about to expire', async () => {
    const {server: netunnel, url} = await startServer({auth: new SecretServerAuth({secret: 'change-me'})});
    try {
      const auth = new SecretClientAuth({secret: 'change-me'});
      assert.equal(auth.isAuthenticated(), false);
      assert.deepEqual(auth.getAuthorizedHeaders(), {});
      const transport = new ServerTransport({serverUrl: url, auth});
      assert.equal(await transport.requestText('/version'), '1.0.12');
      assert.equal(auth.isAuthenticated(), true);
      const first = auth.getAuthorizedHeaders().Authorization;
      assert.match(first!, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
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
    } finally {
      await netunnel.close();
    }
  });

  it('a server reaches its peers with the secret of their auth_data', async () => {
    const peer = await startServer({auth: new SecretServerAuth({secret: 'peer-secret'})});
    const {server: netunnel, url} = await startServer({auth: new SecretServerAuth({secret: 'change-me'})});
    try {
      const client = await connectClient(url, {auth: new SecretClientAuth({secret: 'change-me'})});
      await client.close();
      await assert.rejects(netunnel.peers.register({name: 'p', target_netunnel_url: peer.url, auth_data: {secret: 'wrong'}}), {message: 'Failed to authenticate with peer `p`'});
      const added = await netunnel.peers.register({name: 'p', target_netunnel_url: peer.url, auth_data: {secret: 'peer-secret'}});
      assert.deepEqual(added.auth_data, {secret: 'peer-secret'});
    } finally {
      await netunnel.close();
      await peer.server.close();
    }
  });
});

describe('examples/secret-auth-plugin README', () => {
  let configHome: string;
  before(() => {
    configHome = mkdtempSync(join(tmpdir(), 'netunnel-secret-example-'));
  });
  after(() => rmSync(configHome, {recursive: true, force: true}));

  it('every command works as written', async () => {
    const commands = readmeCommands('examples/secret-auth-plugin/README.md');
    assert.deepEqual([...commands.keys()], ['server', 'no-token', 'with-token', 'client', 'wrong-secret', 'console', 'scripted', 'save', 'use-saved']);
    const port = await freePort();
    const env = {PORT: String(port), XDG_CONFIG_HOME: configHome};
    const started: RunningShell[] = [];
    let tui: pty.IPty | undefined;
    try {
      const server = startShell(commands.get('server')!, env);
      started.push(server);
      await server.waitForLine(new RegExp(`INFO Starting server on 127\\.0\\.0\\.1:${port}$`));

      const client = startShell(commands.get('client')!, env);
      started.push(client);
      const [noToken, withToken, wrongSecret, scripted, save] = await Promise.all([
        runShell(commands.get('no-token')!, env),
        runShell(commands.get('with-token')!, env),
        runShell(commands.get('wrong-secret')!, env),
        runShell(commands.get('scripted')!, env),
        runShell(commands.get('save')!, env),
        client.waitForLine(/^Tunnel exit socket:/),
      ]);
      assert.deepEqual(noToken, {code: 0, stdout: '403\n', stderr: ''});
      assert.deepEqual(withToken, {code: 0, stdout: '1.0.12', stderr: ''});
      assert.deepEqual(wrongSecret, {code: 1, stdout: '', stderr: 'netunnel-tui: Authentication failed: the server refused the secret\n'});
      assert.equal(scripted.code, 0, scripted.stderr);
      assert.match(scripted.stdout, new RegExp(`^NAME +URL +PROTOCOL +IMPLEMENTATION +RTT +HOSTNAME +STARTED\n127\\.0\\.0\\.1:${port}  http://127\\.0\\.0\\.1:${port}  1\\.0\\.12 +netunnel-ts `));
      assert.deepEqual(save, {code: 0, stderr: '', stdout: `Saved server "secured" (http://127.0.0.1:${port})\n`});
      const settings = JSON.parse(readFileSync(join(configHome, 'netunnel', 'config.json'), 'utf8')) as {servers: unknown[]};
      assert.deepEqual(settings.servers, [
        {
          name: 'secured',
          url: `http://127.0.0.1:${port}`,
          authPlugin: join(ROOT, 'examples/secret-auth-plugin/secret-auth-plugin.ts#SecretClientAuth'),
          authData: {secret: 'change-me'},
        },
      ]);
      assert.match(client.stdout(), new RegExp(`^Opening tunnel to the server\\.\\.\\.\nTunnel entrance socket: 127\\.0\\.0\\.1:\\d+\nTunnel exit socket: 127\\.0\\.0\\.1:${port}\n$`));

      // The interactive console, in a pseudo-terminal, next to the scripted mode with the saved server.
      const terminal = new xterm.Terminal({cols: 100, rows: 30, allowProposedApi: true});
      tui = pty.spawn('bash', ['-c', commands.get('console')!], {
        name: 'xterm-256color',
        cols: 100,
        rows: 30,
        cwd: ROOT,
        env: {...(process.env as Record<string, string>), ...env, CI: 'false', TERM: 'xterm-256color'},
      });
      tui.onData((data) => terminal.write(data));
      const consoleExited = new Promise<number>((resolve) => tui!.onExit(({exitCode}) => resolve(exitCode)));
      const screen = () => {
        const lines: string[] = [];
        for (let y = 0; y < terminal.rows; y += 1) lines.push(terminal.buffer.active.getLine(y)?.translateToString(true) ?? '');
        return lines.join('\n');
      };
      const [useSaved] = await Promise.all([
        runShell(commands.get('use-saved')!, env),
        eventually(() => /Channels \(1\)/.test(screen()), 30_000, 'the console to list the client').catch((error: Error) => {
          throw new Error(`${error.message}; the screen:\n${screen()}`);
        }),
      ]);
      assert.equal(useSaved.code, 0, useSaved.stderr);
      assert.match(useSaved.stdout, /^ID  CLIENT +REMOTE +CONNECTED  SINCE +TUNNELS\n 1  1\.0\.12 \(netunnel-ts\)  127\.0\.0\.1  yes +\S+ \S+ +1\n$/);
      tui.write('q');
      assert.equal(await consoleExited, 0);
      tui = undefined;

      client.signal('SIGINT');
      assert.equal(await client.exited, 0);
      server.signal('SIGINT');
      assert.equal(await server.exited, 0);
    } finally {
      tui?.kill('SIGKILL');
      for (const running of started) running.signal('SIGKILL');
    }
  });
});
