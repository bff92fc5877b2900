import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {createChannelAnswer, createChannelBody, deleteTunnelBody, parseBody, parseCreateTunnelBody} from '../../source/protocol/bodies.js';
import {BodyError} from '../../source/protocol/errors.js';

function bodyError(message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof BodyError, `expected a BodyError, got ${String(error)}`);
    assert.equal(error.code, 'NETUNNEL_ERR_BAD_BODY');
    assert.equal(error.message, message);
    return true;
  };
}

const NOT_AN_OBJECT = 'The request body must be a JSON object (Invalid input: expected object, received';

describe('tunnel creation bodies', () => {
  test('a forward body is read as 1.0.12 sends it', () => {
    assert.deepEqual(parseCreateTunnelBody({exit_address: '127.0.0.1', exit_port: 22, reverse: false}), {
      exit_address: '127.0.0.1',
      exit_port: 22,
      reverse: false,
    });
  });

  test('a reverse body takes a port or null (any free port); extra keys are kept', () => {
    assert.deepEqual(parseCreateTunnelBody({entrance_address: '127.0.0.1', entrance_port: null, reverse: true}), {
      entrance_address: '127.0.0.1',
      entrance_port: null,
      reverse: true,
    });
    assert.deepEqual(parseCreateTunnelBody({entrance_address: '127.0.0.1', entrance_port: 0, reverse: true, extra: 1}), {
      entrance_address: '127.0.0.1',
      entrance_port: 0,
      reverse: true,
      extra: 1,
    });
  });

  const refused: Array<[unknown, string]> = [
    [undefined, `${NOT_AN_OBJECT} undefined)`],
    [null, `${NOT_AN_OBJECT} null)`],
    [[], `${NOT_AN_OBJECT} array)`],
    ['forward', `${NOT_AN_OBJECT} string)`],
    [{}, 'Missing field `reverse`'],
    [{reverse: 'no'}, 'Invalid field `reverse`: Invalid input: expected boolean, received string'],
    [{reverse: false}, 'Missing field `exit_address`'],
    [{reverse: false, exit_address: '127.0.0.1'}, 'Missing field `exit_port`'],
    [{reverse: false, exit_address: '', exit_port: 22}, 'Invalid field `exit_address`: Too small: expected string to have >=1 characters'],
    [{reverse: false, exit_address: 7, exit_port: 22}, 'Invalid field `exit_address`: Invalid input: expected string, received number'],
    [{reverse: false, exit_address: 'a', exit_port: '22'}, 'Invalid field `exit_port`: Invalid input: expected number, received string'],
    [{reverse: false, exit_address: 'a', exit_port: null}, 'Invalid field `exit_port`: Invalid input: expected number, received null'],
    [{reverse: false, exit_address: 'a', exit_port: 0}, 'Invalid field `exit_port`: Too small: expected number to be >=1'],
    [{reverse: false, exit_address: 'a', exit_port: 65536}, 'Invalid field `exit_port`: Too big: expected number to be <=65535'],
    [{reverse: false, exit_address: 'a', exit_port: 22.5}, 'Invalid field `exit_port`: Invalid input: expected int, received number'],
    [{reverse: true}, 'Missing field `entrance_address`'],
    [{reverse: true, entrance_address: '127.0.0.1'}, 'Missing field `entrance_port`'],
    [{reverse: true, entrance_address: 'a', entrance_port: -1}, 'Invalid field `entrance_port`: Too small: expected number to be >=0'],
    [{reverse: true, entrance_address: 'a', entrance_port: 70000}, 'Invalid field `entrance_port`: Too big: expected number to be <=65535'],
    [{reverse: true, entrance_address: 'a', entrance_port: '80'}, 'Invalid field `entrance_port`: Invalid input: expected number, received string'],
    [{reverse: true, entrance_address: null, entrance_port: 80}, 'Invalid field `entrance_address`: Invalid input: expected string, received null'],
  ];
  for (const [body, message] of refused) {
    test(`${JSON.stringify(body) ?? 'no body'} -> ${message}`, () => {
      assert.throws(() => parseCreateTunnelBody(body), bodyError(message));
    });
  }
});

describe('channel creation bodies', () => {
  test('the version is required; our features list is optional', () => {
    assert.deepEqual(parseBody(createChannelBody, {version: '1.0.12'}), {version: '1.0.12'});
    assert.deepEqual(parseBody(createChannelBody, {version: '1.0.12', features: ['x']}), {version: '1.0.12', features: ['x']});
  });

  const refused: Array<[unknown, string]> = [
    [undefined, `${NOT_AN_OBJECT} undefined)`],
    [{}, 'Missing field `version`'],
    [{version: 1012}, 'Invalid field `version`: Invalid input: expected string, received number'],
    [{version: '1', features: 'all'}, 'Invalid field `features`: Invalid input: expected array, received string'],
    [{version: '1', features: ['a', 2]}, 'Invalid field `features.1`: Invalid input: expected string, received number'],
  ];
  for (const [body, message] of refused) {
    test(`${JSON.stringify(body) ?? 'no body'} -> ${message}`, () => {
      assert.throws(() => parseBody(createChannelBody, body), bodyError(message));
    });
  }
});

describe('tunnel deletion bodies', () => {
  test('force defaults to false', () => {
    assert.deepEqual(parseBody(deleteTunnelBody, {}), {force: false});
    assert.deepEqual(parseBody(deleteTunnelBody, {force: true}), {force: true});
  });

  test('a force that is not a boolean is named', () => {
    assert.throws(() => parseBody(deleteTunnelBody, {force: 'yes'}), bodyError('Invalid field `force`: Invalid input: expected boolean, received string'));
    assert.throws(() => parseBody(deleteTunnelBody, {force: 1}), bodyError('Invalid field `force`: Invalid input: expected boolean, received number'));
  });
});

test("the POST /channels answer: our stream key read when it makes sense, as absent otherwise (never a failure)", () => {
  const base = {channel_id: 1, version: '1.0.12'};
  assert.equal(createChannelAnswer.parse({...base, idle_websockets_per_tunnel: 512}).idle_websockets_per_tunnel, 512);
  for (const value of [0, -1, 2.5, 'many', null]) {
    assert.equal(createChannelAnswer.parse({...base, idle_websockets_per_tunnel: value}).idle_websockets_per_tunnel, undefined, String(value));
  }
  assert.deepEqual(createChannelAnswer.parse(base), base);
});
