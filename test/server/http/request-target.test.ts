import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {parseRequestTarget, printable} from '../../../source/server/http/request-target.js';

const route = (url: string) => {
  const target = parseRequestTarget(url);
  return target && {path: target.path, search: target.search, query: [...target.query]};
};

test('origin-form: the path as sent, the query split off, no dot segment resolved, nothing decoded', () => {
  assert.deepEqual(route('/peers?name=a%20b'), {path: '/peers', search: '?name=a%20b', query: [['name', 'a b']]});
  assert.deepEqual(route('/channels/../peers'), {path: '/channels/../peers', search: '', query: []});
  assert.deepEqual(route('/channels/%2e%2e/peers'), {path: '/channels/%2e%2e/peers', search: '', query: []});
  assert.deepEqual(route('//'), {path: '//', search: '', query: []});
  assert.deepEqual(route('/\\'), {path: '/\\', search: '', query: []});
  assert.deepEqual(route('/version#x?y'), {path: '/version', search: '', query: []});
  assert.deepEqual(route('/peers?name=%zz#f'), {path: '/peers', search: '?name=%zz', query: [['name', '%zz']]});
});

test('absolute-form: routed by its path; a malformed authority, userinfo or another scheme has no route', () => {
  assert.deepEqual(route('http://example.com/version'), {path: '/version', search: '', query: []});
  assert.deepEqual(route('HTTPS://Example.COM:443/peers?name=x'), {path: '/peers', search: '?name=x', query: [['name', 'x']]});
  assert.deepEqual(route('http://[::1]:4040/version'), {path: '/version', search: '', query: []});
  assert.deepEqual(route('http://example.com'), {path: '/', search: '', query: []});
  assert.deepEqual(route('http://example.com?a=1'), {path: '/', search: '?a=1', query: [['a', '1']]});
  for (const url of ['http://[/peers', 'http://user@host/version', 'http:///version', 'ws://host/version', 'http://ho st/x', 'http://[::1/x', '*', 'host:443', '', 'version']) {
    assert.equal(parseRequestTarget(url), undefined, url);
  }
});

test('never throws, and an origin-form path is what precedes ? and #', () => {
  fc.assert(
    fc.property(fc.string({unit: 'binary'}), (text) => {
      const url = `/${text}`;
      const target = parseRequestTarget(url);
      assert.ok(target);
      assert.equal(target.path, url.split(/[?#]/)[0]);
      assert.ok(url.startsWith(target.path + target.search));
    }),
    {numRuns: 300},
  );
  fc.assert(
    fc.property(fc.string({unit: 'binary'}), (text) => {
      parseRequestTarget(text);
      parseRequestTarget(`http://${text}`);
    }),
    {numRuns: 300},
  );
});

test('printable escapes control characters and bounds the length', () => {
  assert.equal(printable('/a\u0000b\r\n'), '/a\\x00b\\x0d\\x0a');
  assert.equal(printable('x'.repeat(300)), `${'x'.repeat(200)}...`);
  assert.equal(printable(undefined), '');
});
