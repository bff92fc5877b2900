/** The stream extension's frames (docs/stream-extension.md section 2): layouts byte by byte. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_START_HEADER_BYTES,
  closeReason,
  decodeStartFrame,
  encodeStartFrame,
  isEndFrame,
} from '../../source/protocol/stream-frames.js';
import {ProtocolError} from '../../source/protocol/errors.js';

test('a start frame is S, layout 1, the header length (big-endian), the JSON header, then the first data', () => {
  const frame = encodeStartFrame({source: {address: '10.0.0.7', port: 51234}}, Buffer.from('GET /'));
  const json = '{"source":{"address":"10.0.0.7","port":51234}}';
  const expected = Buffer.concat([Buffer.from([0x53, 0x01, 0x00, json.length]), Buffer.from(json), Buffer.from('GET /')]);
  assert.equal(frame.toString('hex'), expected.toString('hex'));
  assert.deepEqual(decodeStartFrame(frame), {header: {source: {address: '10.0.0.7', port: 51234}}, firstData: Buffer.from('GET /')});
});

test('a start frame without data or metadata is 6 bytes', () => {
  const frame = encodeStartFrame({});
  assert.equal(frame.toString('hex'), '53010002' + Buffer.from('{}').toString('hex'));
  const decoded = decodeStartFrame(frame);
  assert.deepEqual(decoded.header, {});
  assert.equal(decoded.firstData.length, 0);
});

test('any header and first data survive the round trip', () => {
  fc.assert(
    fc.property(fc.option(fc.record({address: fc.ipV4(), port: fc.integer({min: 0, max: 65535})}), {nil: undefined}), fc.uint8Array({maxLength: 70_000}), (source, data) => {
      const header = source === undefined ? {} : {source: {address: source.address, port: source.port}};
      const decoded = decodeStartFrame(encodeStartFrame(header, Buffer.from(data)));
      assert.deepEqual(decoded.header, header);
      assert.ok(decoded.firstData.equals(Buffer.from(data)));
    }),
    {numRuns: 200},
  );
});

test('unknown header keys are ignored', () => {
  const json = Buffer.from('{"source":{"address":"::1","port":1},"later":{"x":1}}');
  const frame = Buffer.concat([Buffer.from([0x53, 0x01, 0x00, json.length]), json]);
  assert.deepEqual(decodeStartFrame(frame).header, {source: {address: '::1', port: 1}});
});

test('anything that is not a start frame is a ProtocolError', () => {
  const json = (text: string) => {
    const bytes = Buffer.from(text);
    return Buffer.concat([Buffer.from([0x53, 0x01, bytes.length >> 8, bytes.length & 0xff]), bytes]);
  };
  const bad: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['the classic marker as bytes', Buffer.from('pasten')],
    ['another layout', Buffer.from([0x53, 0x02, 0x00, 0x02, 0x7b, 0x7d])],
    ['a header longer than the frame', Buffer.from([0x53, 0x01, 0x00, 0x09, 0x7b, 0x7d])],
    ['a header over the limit', Buffer.concat([Buffer.from([0x53, 0x01, 0x10, 0x01]), Buffer.alloc(4097, 0x20)])],
    ['not JSON', json('{source')],
    ['an array', json('[1]')],
    ['a bad source', json('{"source":{"address":"1.2.3.4","port":70000}}')],
  ];
  for (const [what, frame] of bad) assert.throws(() => decodeStartFrame(frame), ProtocolError, what);
});

test('a header over the limit is not encoded', () => {
  assert.throws(() => encodeStartFrame({source: {address: 'x'.repeat(MAX_START_HEADER_BYTES), port: 1}}), ProtocolError);
});

test('the end frame is exactly the three bytes end', () => {
  assert.ok(isEndFrame(Buffer.from('end')));
  for (const other of ['End', 'end ', 'en', 'pasten', '']) assert.ok(!isEndFrame(Buffer.from(other)), other);
});

test('close reasons are clipped to 123 bytes of UTF-8, never inside a character', () => {
  assert.equal(closeReason('short'), 'short');
  assert.equal(Buffer.byteLength(closeReason('a'.repeat(200))), 123);
  const clipped = closeReason('é'.repeat(100));
  assert.ok(Buffer.byteLength(clipped) <= 123);
  assert.equal(clipped, 'é'.repeat(61));
});
