import {test} from 'node:test';
import assert from 'node:assert/strict';
import {BodyError, ProtocolError} from '../../../source/protocol/errors.js';
import {STATUS_OF_CODE, errorBodyOf, statusOf} from '../../../source/server/http/error-status.js';
import {HttpError, LimitError, badRequest} from '../../../source/server/http/http-errors.js';
import {ConfigError, SecretKeyError, ServerError, WebsocketArrivalTimeout, type ServerErrorCode} from '../../../source/server/server-errors.js';

/** Every domain error's status, as a 1.0.12 client and ours see it. */
const STATUSES: Record<ServerErrorCode, number> = {
  NETUNNEL_ERR_NOT_STARTED: 503,
  NETUNNEL_ERR_UNKNOWN_CHANNEL: 404,
  NETUNNEL_ERR_UNKNOWN_TUNNEL: 404,
  NETUNNEL_ERR_CHANNEL_STATE: 409,
  NETUNNEL_ERR_ENTRANCE_UNAVAILABLE: 409,
  NETUNNEL_ERR_DESTINATION_NOT_ALLOWED: 403,
  NETUNNEL_ERR_ENTRANCE_NOT_ALLOWED: 403,
  NETUNNEL_ERR_TUNNEL_STATE: 409,
  NETUNNEL_ERR_UNKNOWN_CONNECTION: 404,
  NETUNNEL_ERR_NOT_CHANNEL_OWNER: 403,
  NETUNNEL_ERR_UNREQUESTED_WEBSOCKET: 409,
  NETUNNEL_ERR_BAD_WEBSOCKET_TOKEN: 403,
  NETUNNEL_ERR_UNKNOWN_PEER: 404,
  NETUNNEL_ERR_UNKNOWN_STATIC_TUNNEL: 404,
  NETUNNEL_ERR_PEER_EXISTS: 400,
  NETUNNEL_ERR_INVALID_AUTH_DATA: 400,
  NETUNNEL_ERR_STORED_AUTH_REFUSED: 409,
  NETUNNEL_ERR_PEER_AUTH: 403,
  NETUNNEL_ERR_PEER_UNREACHABLE: 502,
  NETUNNEL_ERR_PEER_REFUSED: 400,
  NETUNNEL_ERR_PEER_SETTINGS: 500,
  NETUNNEL_ERR_NO_FREE_PORT: 409,
  NETUNNEL_ERR_PROXY_CREDENTIALS: 500,
  NETUNNEL_ERR_PROXY_CHECK: 502,
};

test('every domain error code answers its status', () => {
  assert.deepEqual(STATUS_OF_CODE, STATUSES);
  for (const [code, status] of Object.entries(STATUSES)) {
    assert.equal(statusOf(new ServerError(code as ServerErrorCode, 'x')), status, code);
  }
});

test('an HttpError answers its own status, a BodyError 400; anything else is unexpected (no status: 500, logged)', () => {
  assert.equal(statusOf(new HttpError(413, 'too large')), 413);
  assert.equal(statusOf(new LimitError('body_bytes', 413, 'Request body larger than 10 bytes')), 413);
  assert.equal(statusOf(HttpError.plain(404, 'Not found')), 404);
  assert.equal(statusOf(badRequest('x')), 400);
  assert.equal(statusOf(new BodyError('Missing field `name`')), 400);
  for (const unexpected of [new Error('a bug'), new ProtocolError('x'), new ConfigError('cannot be written'), new SecretKeyError('x'), new WebsocketArrivalTimeout(1, 10), 'text']) {
    assert.equal(statusOf(unexpected), undefined, String(unexpected));
  }
});

test('the error body carries the message, and the data of a refusal that has some', () => {
  assert.deepEqual(errorBodyOf(new ServerError('NETUNNEL_ERR_PEER_UNREACHABLE', 'Failed to connect with peer `b`', {reason: 'ECONNREFUSED'})), {
    error: 'Failed to connect with peer `b`',
    data: {reason: 'ECONNREFUSED'},
  });
  assert.deepEqual(errorBodyOf(new ServerError('NETUNNEL_ERR_UNKNOWN_PEER', 'Peer `7` was not found')), {error: 'Peer `7` was not found'});
  assert.deepEqual(errorBodyOf(new HttpError(400, 'x', 'NETUNNEL_ERR_BAD_REQUEST', {field: 'a'})), {error: 'x', data: {field: 'a'}});
  assert.deepEqual(errorBodyOf(new Error('a bug')), {error: 'a bug'});
});
