import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parserRefusal} from '../../../source/server/http/parser-refusal.js';
import {LimitError} from '../../../source/server/http/http-errors.js';
import {DEFAULT_LIMITS} from '../../../source/server/limits/server-limits.js';

const refusal = (code: string, started = false, reason?: string) => {
  const error = Object.assign(new Error(`Parse Error: ${reason ?? 'x'}`), {code, reason});
  const answer = parserRefusal(error, DEFAULT_LIMITS, started);
  return answer && {status: answer.status, message: answer.message, plain: answer.plain, limit: answer instanceof LimitError ? answer.limit : undefined};
};

test("Node's parser errors and timeouts map to their status, limit and message", () => {
  assert.deepEqual(refusal('HPE_HEADER_OVERFLOW'), {status: 431, message: 'Request line and headers larger than 16384 bytes', plain: true, limit: 'header_bytes'});
  assert.deepEqual(refusal('ERR_HTTP_REQUEST_TIMEOUT'), {status: 408, message: 'The request headers did not arrive within 10000 ms', plain: true, limit: 'headers_timeout_ms'});
  assert.deepEqual(refusal('ERR_HTTP_REQUEST_TIMEOUT', true), {status: 408, message: 'The request did not arrive within 30000 ms', plain: true, limit: 'request_timeout_ms'});
  assert.deepEqual(refusal('HPE_INVALID_METHOD', false, 'Invalid method encountered'), {status: 400, message: 'Bad request: Invalid method encountered', plain: true, limit: undefined});
  assert.deepEqual(refusal('HPE_SOMETHING_NEW'), {status: 400, message: 'Bad request: x', plain: true, limit: undefined});
  for (const gone of ['ECONNRESET', 'EPIPE']) assert.equal(refusal(gone), undefined);
});
