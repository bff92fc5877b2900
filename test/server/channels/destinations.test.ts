/**
 * The allow-lists of tunnel exits and entrances. Names of Object.prototype's members used to
 * reach the lookup: `exit_address: "__proto__"` answered `500 {"error": "ports.split is not a function"}`.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import WebSocket from 'ws';
import {checkDestinationAllowed, checkEntranceAllowed} from '../../../source/server/channels/destinations.js';
import {statusOf} from '../../../source/server/http/error-status.js';
import {ServerError} from '../../../source/server/server-errors.js';
import {deferrer} from '../../helpers/cleanup.js';
import {startServer} from '../../helpers/netunnel.js';
import {rawRequest} from '../../helpers/raw-http.js';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'toLocaleString'];

function refusal(check: () => void): {status: number; message: string} {
  try {
    check();
  } catch (error) {
    assert.ok(error instanceof ServerError, `a refusal, not ${String(error)}`);
    return {status: statusOf(error) ?? 500, message: error.message};
  }
  throw new Error('allowed');
}

test('prototype names are not allowed destinations, nor entrances', () => {
  for (const name of PROTOTYPE_NAMES) {
    assert.deepEqual(refusal(() => checkDestinationAllowed({'127.0.0.1': '*'}, name, 22)), {
      status: 403,
      message: `Address ${name} is not allowed as a tunnel destination`,
    });
    assert.equal(refusal(() => checkEntranceAllowed(['127.0.0.1'], name)).status, 403);
  }
  // Allowed ones still are, by port list or '*'.
  checkDestinationAllowed({'127.0.0.1': '22, 80'}, '127.0.0.1', 80);
  assert.deepEqual(refusal(() => checkDestinationAllowed({'127.0.0.1': '22'}, '127.0.0.1', 23)), {
    status: 403,
    message: 'Port 127.0.0.1:23 is not allowed as a tunnel destination',
  });
});

test('POST /channels/{cid}/tunnels with a prototype name as exit_address is a 403 naming it', async (t) => {
  const defer = deferrer(t);
  const {server, url} = await startServer();
  defer(() => server.close());
  const created = await rawRequest(url, 'POST', '/channels', {body: {version: '1.0.12'}});
  const channelId = (created.json as {channel_id: number}).channel_id;
  const control = new WebSocket(`${url.replace('http', 'ws')}/channels/${channelId}/connect`);
  defer(() => control.terminate());
  await once(control, 'open');
  for (const name of PROTOTYPE_NAMES) {
    const answer = await rawRequest(url, 'POST', `/channels/${channelId}/tunnels`, {body: {exit_address: name, exit_port: 22, reverse: false}});
    assert.deepEqual({status: answer.status, body: answer.json}, {status: 403, body: {error: `Address ${name} is not allowed as a tunnel destination`}});
  }
});
