import {test} from 'node:test';
import assert from 'node:assert/strict';
import {EXIT, CommandError, InterruptedError, UsageError, exitCodeOf, failureLine} from '../source/exit-codes.js';
import {NetunnelError} from '../source/protocol/errors.js';
import {ServerRefusedError} from '../source/client/client-errors.js';
import {AuthPluginError} from '../source/auth/load-plugin.js';
import {InvalidInputError} from '../source/console/errors.js';

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
