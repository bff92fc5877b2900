/** The socket address rule: the zod schema and its zod-free twin for the start frame give the same answers. */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {socketAddressOf, socketAddressSchema} from '../../source/protocol/socket-address.js';

const arrayWithKeys = Object.assign([], {address: '127.0.0.1', port: 1});

const CASES: Array<[string, unknown]> = [
  ['an IPv4 address', {address: '127.0.0.1', port: 40000}],
  ['an IPv6 address', {address: '::1', port: 1}],
  ['port 0', {address: '0.0.0.0', port: 0}],
  ['port 65535', {address: 'x', port: 65535}],
  ['an unknown key (dropped)', {address: '127.0.0.1', port: 5, extra: 'x'}],
  ['an empty address', {address: '', port: 5}],
  ['port 65536', {address: '127.0.0.1', port: 65536}],
  ['port -1', {address: '127.0.0.1', port: -1}],
  ['a fractional port', {address: '127.0.0.1', port: 1.5}],
  ['a port as text', {address: '127.0.0.1', port: '80'}],
  ['an unsafe integer port', {address: '127.0.0.1', port: 2 ** 53}],
  ['NaN', {address: '127.0.0.1', port: Number.NaN}],
  ['Infinity', {address: '127.0.0.1', port: Number.POSITIVE_INFINITY}],
  ['no port', {address: '127.0.0.1'}],
  ['no address', {port: 80}],
  ['an address that is a number', {address: 127, port: 80}],
  ['null', null],
  ['a string', '127.0.0.1:80'],
  ['an array', ['127.0.0.1', 80]],
  ['an array with the keys', arrayWithKeys],
  ['__proto__ keys', JSON.parse('{"__proto__": {"address": "a", "port": 1}}')],
];

describe('socketAddressOf', () => {
  for (const [name, value] of CASES) {
    test(`${name}: as socketAddressSchema`, () => {
      const parsed = socketAddressSchema.safeParse(value);
      assert.deepEqual(socketAddressOf(value), parsed.success ? parsed.data : undefined);
    });
  }

  test('gives a new object with the two keys only', () => {
    const value = {address: '127.0.0.1', port: 5, extra: 'x'};
    const address = socketAddressOf(value);
    assert.notEqual(address, value);
    assert.deepEqual(Object.keys(address!), ['address', 'port']);
  });
});
