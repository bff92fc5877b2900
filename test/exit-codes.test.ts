import {test} from 'node:test';
import assert from 'node:assert/strict';
import {EXIT, CommandError, InterruptedError, UsageError, exitCodeOf, failureLine} from '../source/exit-codes.js';
import {NetunnelError} from '../source/protocol/errors.js';
import {ServerRefusedError} from '../source/client/client-errors.js';
import {AuthPluginError} from '../source/auth/load-plugin.js';
import {InvalidInputError} from '../source/console/errors.js';
import * as protocolErrors from '../source/protocol/errors.js';
import * as engineErrors from '../source/engine/engine-errors.js';
import * as authErrors from '../source/auth/load-plugin.js';
import * as clientErrors from '../source/client/client-errors.js';
import * as httpErrors from '../source/server/http/http-errors.js';
import * as serverErrors from '../source/server/server-errors.js';
import type {ServerErrorCode} from '../source/server/server-errors.js';
import {STATUS_OF_CODE} from '../source/server/http/error-status.js';
import * as consoleErrors from '../source/console/errors.js';
import * as exitCodes from '../source/exit-codes.js';

test('the exit code of an error: 2 for the user\'s input, 130 interrupted, 1 for everything else', () => {
  assert.deepEqual(EXIT, {ok: 0, failure: 1, usage: 2, interrupted: 130});
  assert.equal(exitCodeOf(new UsageError('--port needs a value')), 2);
  assert.equal(exitCodeOf(new InvalidInputError('port', 'port must be a number from 1 to 65535')), 2);
  assert.equal(exitCodeOf(new AuthPluginError('Cannot load auth plugin module "./x.js": gone')), 2);
  for (const code of ['NETUNNEL_ERR_CONFIG', 'NETUNNEL_ERR_SECRET_KEY', 'NETUNNEL_ERR_FERNET']) assert.equal(exitCodeOf(new NetunnelError(code, 'x')), 2, code);
  assert.equal(exitCodeOf(new InterruptedError()), 130);
  assert.equal(exitCodeOf(new CommandError('Cannot listen on 127.0.0.1:4040: the address is already in use')), 1);
  assert.equal(exitCodeOf(new ServerRefusedError(409, 'Peer `b` already exists')), 1);
  assert.equal(exitCodeOf(new Error('a bug')), 1);
  assert.equal(exitCodeOf('thrown text'), 1);
});

test('failureLine: the first line of our messages and of system errors; a bug says so, without a stack trace', () => {
  assert.equal(failureLine(new UsageError('--port can only be given once\nsecond line')), '--port can only be given once');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {code: 'ECONNREFUSED'});
  assert.equal(failureLine(refused), 'connect ECONNREFUSED 127.0.0.1:1');
  assert.equal(failureLine(new TypeError('x is not a function')), 'unexpected error: TypeError: x is not a function');
  assert.equal(failureLine(42), 'unexpected error: 42');
});

/** Every error of every layer: the module it is in, an instance, its code, its exit code. */
const ERRORS: Array<[string, NetunnelError, string, number]> = [
  ['protocol', new protocolErrors.ProtocolError('x'), 'NETUNNEL_ERR_PROTOCOL', 1],
  ['protocol', new protocolErrors.BodyError('x'), 'NETUNNEL_ERR_BAD_BODY', 1],
  ['protocol', new protocolErrors.FernetError('x'), 'NETUNNEL_ERR_FERNET', 2],
  ['engine', new engineErrors.SupplyStoppedError(), 'NETUNNEL_ERR_TUNNEL_STOPPED', 1],
  ['engine', new engineErrors.ChannelRequestError('x'), 'NETUNNEL_ERR_CHANNEL_REQUEST', 1],
  ['engine', new engineErrors.ChannelClosedError(), 'NETUNNEL_ERR_CHANNEL_CLOSED', 1],
  ['engine', new engineErrors.InvalidPoolOptionsError('x'), 'NETUNNEL_ERR_INVALID_POOL_OPTIONS', 1],
  ['auth', new authErrors.AuthPluginError('x'), 'NETUNNEL_ERR_AUTH_PLUGIN', 2],
  ['client', new clientErrors.ServerRefusedError(400, 'x'), 'NETUNNEL_ERR_REFUSED', 1],
  ['client', new clientErrors.BadAnswerError('GET /peers', 'the body: expected array'), 'NETUNNEL_ERR_BAD_ANSWER', 1],
  ['client', new clientErrors.ServerUnreachableError('x'), 'NETUNNEL_ERR_UNREACHABLE', 1],
  ['client', new clientErrors.NotNetunnelServerError('http://x:8000', 'GET /version answered 404 text/html'), 'NETUNNEL_ERR_NOT_NETUNNEL', 1],
  ['client', new clientErrors.NotConnectedError(), 'NETUNNEL_ERR_NOT_CONNECTED', 1],
  ['client', new clientErrors.AlreadyConnectedError('http://x'), 'NETUNNEL_ERR_ALREADY_CONNECTED', 1],
  ['client', new clientErrors.TunnelNotOpenError(1), 'NETUNNEL_ERR_UNKNOWN_TUNNEL', 1],
  ['client', new clientErrors.TlsMaterialError('x'), 'NETUNNEL_ERR_TLS_MATERIAL', 2],
  ['server/http', new httpErrors.HttpError(413, 'x'), 'NETUNNEL_ERR_HTTP_413', 1],
  ['server/http', httpErrors.badRequest('x'), 'NETUNNEL_ERR_BAD_REQUEST', 1],
  ['server/http', new httpErrors.LimitError('body_bytes', 413, 'x'), 'NETUNNEL_ERR_LIMIT', 1],
  ...Object.keys(STATUS_OF_CODE).map((code): [string, NetunnelError, string, number] => ['server', new serverErrors.ServerError(code as ServerErrorCode, 'x'), code, 1]),
  ['server', new serverErrors.ConfigError('x'), 'NETUNNEL_ERR_CONFIG', 2],
  ['server', new serverErrors.SecretKeyError('x'), 'NETUNNEL_ERR_SECRET_KEY', 2],
  ['server', new serverErrors.WebsocketArrivalTimeout(1, 10), 'NETUNNEL_ERR_NO_WEBSOCKET', 1],
  ['console', new consoleErrors.InvalidInputError('port', 'x'), 'NETUNNEL_ERR_INVALID_INPUT', 2],
  ['console', new consoleErrors.UnsupportedByServerError('x'), 'NETUNNEL_ERR_UNSUPPORTED', 1],
  ['console', new consoleErrors.NotFoundError('x'), 'NETUNNEL_ERR_NOT_FOUND', 1],
  ['console', new consoleErrors.AlreadyExistsError('x'), 'NETUNNEL_ERR_ALREADY_EXISTS', 1],
  ['console', new consoleErrors.SettingsError('x'), 'NETUNNEL_ERR_SETTINGS', 2],
  ['exit-codes', new exitCodes.UsageError('x'), 'NETUNNEL_ERR_USAGE', 2],
  ['exit-codes', new exitCodes.CommandError('x'), 'NETUNNEL_ERR_COMMAND', 1],
  ['exit-codes', new exitCodes.InterruptedError(), 'NETUNNEL_ERR_INTERRUPTED', 130],
];

const MODULES: Record<string, Record<string, unknown>> = {
  protocol: protocolErrors,
  engine: engineErrors,
  auth: authErrors,
  client: clientErrors,
  'server/http': httpErrors,
  server: serverErrors,
  console: consoleErrors,
  'exit-codes': exitCodes,
};

test('every error of every layer has its stable code and the exit code of the policy', () => {
  for (const [layer, error, code, exit] of ERRORS) {
    assert.equal(error.code, code, `${layer}: ${error.name}`);
    assert.equal(exitCodeOf(error), exit, `${layer}: ${code}`);
  }
});

test('the table has every error class each layer exports', () => {
  for (const [layer, exports] of Object.entries(MODULES)) {
    const classes = Object.values(exports).filter((value) => typeof value === 'function' && value.prototype instanceof NetunnelError);
    for (const errorClass of classes) {
      assert.ok(
        ERRORS.some(([inLayer, error]) => inLayer === layer && error.constructor === errorClass),
        `${layer}: ${(errorClass as {name: string}).name} is missing from the table`,
      );
    }
  }
});
