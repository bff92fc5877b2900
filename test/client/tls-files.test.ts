/** Reading a client's TLS files: what each unusable one says (the commands print it and exit 2). */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readClientTlsFiles} from '../../source/client/tls-files.js';
import {readTlsFixture, tlsFixturePath} from '../helpers/tls.js';

test('readClientTlsFiles: a CA, a client certificate with its key, or nothing', async () => {
  assert.equal(await readClientTlsFiles({}), undefined);
  assert.deepEqual(await readClientTlsFiles({caFile: tlsFixturePath('ca.crt')}), {ca: readTlsFixture('ca.crt')});
  assert.deepEqual(await readClientTlsFiles({certFile: tlsFixturePath('client.crt'), keyFile: tlsFixturePath('client.key')}), {
    cert: readTlsFixture('client.crt'),
    key: readTlsFixture('client.key'),
  });
});

test('readClientTlsFiles: each unusable file is one line naming its flag (the given flag names) and path', async () => {
  const readme = tlsFixturePath('README.md');
  const pair = {certFile: tlsFixturePath('client.crt'), keyFile: tlsFixturePath('client.key')};
  const refusals: Array<[Parameters<typeof readClientTlsFiles>[0], string]> = [
    [{caFile: '/nonexistent.crt'}, 'Cannot read --ca-file /nonexistent.crt: ENOENT'],
    [{caFile: readme}, `--ca-file ${readme} holds no PEM certificate`],
    [{certFile: pair.certFile}, '--tls-cert and --tls-key go together'],
    [{keyFile: pair.keyFile}, '--tls-cert and --tls-key go together'],
    [{...pair, keyFile: '/nonexistent.key'}, 'Cannot read --tls-key /nonexistent.key: ENOENT'],
  ];
  for (const [files, message] of refusals) {
    await assert.rejects(readClientTlsFiles(files), {name: 'TlsMaterialError', message}, JSON.stringify(files));
  }
  await assert.rejects(readClientTlsFiles({...pair, keyFile: tlsFixturePath('server.key')}), {
    name: 'TlsMaterialError',
    message: /^Invalid --tls-cert\/--tls-key \(.+client\.crt, .+server\.key\): .*key values mismatch$/,
  });
  await assert.rejects(readClientTlsFiles({caFile: readme}, {caFile: '--peer-ca-file', certFile: '--peer-tls-cert', keyFile: '--peer-tls-key'}), {
    message: `--peer-ca-file ${readme} holds no PEM certificate`,
  });
});
