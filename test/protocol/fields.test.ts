import {test} from 'node:test';
import assert from 'node:assert/strict';
import {authDataSchema, httpUrlProblem, httpUrlSchema, ipv4Schema, portSchema} from '../../source/protocol/fields.js';

test('a port is an integer from 1 to 65535; with anyPort, 0 too', () => {
  for (const port of [1, 22, 65535]) assert.ok(portSchema().safeParse(port).success, String(port));
  for (const port of [0, -1, 65536, 22.5, '22', null]) assert.ok(!portSchema().safeParse(port).success, String(port));
  assert.ok(portSchema({anyPort: true}).safeParse(0).success);
  assert.ok(!portSchema({anyPort: true}).safeParse(-1).success);
});

test("a port's refusal is worded by whoever asks", () => {
  const worded = portSchema({typeMessage: 'expected an integer', rangeMessage: 'must be between 1 and 65535'});
  assert.equal(worded.safeParse('22').error?.issues[0]?.message, 'expected an integer');
  assert.equal(worded.safeParse(0).error?.issues[0]?.message, 'must be between 1 and 65535');
  assert.equal(portSchema().safeParse(0).error?.issues[0]?.message, 'Too small: expected number to be >=1');
});

test('an address is an IPv4 literal', () => {
  for (const address of ['127.0.0.1', '10.1.1.1']) assert.ok(ipv4Schema().safeParse(address).success, address);
  for (const address of ['localhost', '::1', '127.0.0', '']) assert.equal(ipv4Schema().safeParse(address).error?.issues[0]?.message, 'expected an IPv4 address', address);
  assert.equal(ipv4Schema().safeParse(7).error?.issues[0]?.message, 'expected a string');
});

test('a URL is http:// or https:// with a host, and says what is wrong with it', () => {
  assert.equal(httpUrlProblem('http://127.0.0.1:4040'), undefined);
  assert.equal(httpUrlProblem('https://tunnels.example.com/netunnel'), undefined);
  assert.equal(httpUrlProblem('localhost:4040'), 'not-http');
  assert.equal(httpUrlProblem('ftp://x'), 'not-http');
  assert.equal(httpUrlProblem('not a url'), 'not-a-url');
  assert.equal(httpUrlSchema().safeParse('ftp://x').error?.issues[0]?.message, 'expected an http:// or https:// URL');
});

test('auth data is a JSON object', () => {
  assert.deepEqual(authDataSchema().parse({secret: 's'}), {secret: 's'});
  for (const value of [[1], null, 'x', 3]) assert.equal(authDataSchema().safeParse(value).error?.issues[0]?.message, 'expected an object', JSON.stringify(value));
});
