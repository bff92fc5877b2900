import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {BSON} from 'bson';
import fc from 'fast-check';
import {decodeFrame, encodeRequest, encodeResponse, type ChannelFrame, type FrameData} from '../../source/protocol/channel-frames.js';
import {ProtocolError} from '../../source/protocol/errors.js';
import {readVectorJson} from '../helpers/vectors.js';

interface VectorDocument {
  _type: 'message' | 'response';
  _identifier: number;
  message_type?: {__Messages__: string};
  data: FrameData;
  error?: string;
}

interface Vector {
  name: string;
  document: VectorDocument;
  bson_hex: string;
}

const {vectors} = readVectorJson<{vectors: Vector[]}>('channel-messages.json');

/** What decodeFrame must give for a vector's document. */
function frameOf(document: VectorDocument): ChannelFrame {
  if (document._type === 'message') {
    return {kind: 'message', identifier: document._identifier, messageName: document.message_type!.__Messages__, data: document.data};
  }
  const frame: ChannelFrame = {kind: 'response', identifier: document._identifier, data: document.data};
  if (document.error !== undefined) frame.error = document.error;
  return frame;
}

function encodeFrame(frame: ChannelFrame): Uint8Array {
  return frame.kind === 'message'
    ? encodeRequest(frame.identifier, frame.messageName, frame.data)
    : encodeResponse(frame.identifier, frame.data, frame.error);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function protocolError(message: string | RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
    assert.equal(error.code, 'NETUNNEL_ERR_PROTOCOL');
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

describe('the 1.0.12 vectors', () => {
  test('there are vectors for both messages and both kinds of response', () => {
    assert.deepEqual(vectors.map((vector) => vector.name).sort(), [
      'delete tunnel request (server to client)',
      'error response',
      'new connection request (server to client)',
      'success response',
    ]);
  });

  for (const vector of vectors) {
    test(`${vector.name}: encodes byte for byte`, () => {
      assert.equal(hex(encodeFrame(frameOf(vector.document))), vector.bson_hex);
    });

    test(`${vector.name}: decodes to the document`, () => {
      const bytes = Buffer.from(vector.bson_hex, 'hex');
      assert.deepEqual(decodeFrame(bytes), frameOf(vector.document));
      // And the bytes are exactly that document, key order included.
      const raw = BSON.deserialize(bytes);
      assert.deepEqual(raw, vector.document);
      assert.deepEqual(Object.keys(raw), Object.keys(vector.document));
    });
  }
});

// Keys BSON can carry and a plain object can hold as its own property.
const key = fc.string({unit: 'grapheme', maxLength: 12}).filter((text) => !text.includes('\u0000') && text !== '__proto__');
const text = fc.string({unit: 'grapheme', maxLength: 40});
const int32 = fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1});
const scalar = fc.oneof(text, int32, fc.boolean(), fc.constant(null), fc.double({noNaN: true, noDefaultInfinity: true}).filter((value) => !Object.is(value, -0)));
const data: fc.Arbitrary<FrameData> = fc.letrec<{value: unknown; document: FrameData}>((tie) => ({
  value: fc.oneof({depthSize: 'small'}, scalar, tie('document'), fc.array(tie('value'), {maxLength: 4})),
  document: fc.dictionary(key, tie('value'), {maxKeys: 5, noNullPrototype: true}),
})).document;
const identifier = fc.integer({min: 1, max: 2 ** 31 - 1});

const requestFrame: fc.Arbitrary<ChannelFrame> = fc.record(
  {kind: fc.constant('message' as const), identifier, messageName: text, data},
  {noNullPrototype: true},
);
const responseFrame: fc.Arbitrary<ChannelFrame> = fc.record(
  {kind: fc.constant('response' as const), identifier, data, error: text},
  {requiredKeys: ['kind', 'identifier', 'data'], noNullPrototype: true},
);

describe('round trips', () => {
  test('any request decodes to what was encoded', () => {
    fc.assert(
      fc.property(requestFrame, (frame) => {
        assert.deepEqual(decodeFrame(encodeFrame(frame)), frame);
      }),
      {numRuns: 300},
    );
  });

  test('any response, success or error, decodes to what was encoded', () => {
    fc.assert(
      fc.property(responseFrame, (frame) => {
        assert.deepEqual(decodeFrame(encodeFrame(frame)), frame);
      }),
      {numRuns: 300},
    );
  });

  test('the request keys come in the order of 1.0.12', () => {
    fc.assert(
      fc.property(requestFrame, (frame) => {
        assert.deepEqual(Object.keys(BSON.deserialize(encodeFrame(frame))), ['_type', '_identifier', 'message_type', 'data']);
      }),
      {numRuns: 50},
    );
  });
});

describe('malformed frames', () => {
  test('random bytes give a frame or a ProtocolError, never another failure', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 200}), (bytes) => {
        try {
          decodeFrame(bytes);
        } catch (error) {
          assert.ok(error instanceof ProtocolError, `not a ProtocolError: ${String(error)}`);
        }
      }),
      {numRuns: 2000},
    );
  });

  test('mangled vectors give a frame or a ProtocolError, never another failure', () => {
    const originals = vectors.map((vector) => Buffer.from(vector.bson_hex, 'hex'));
    const mangled = fc
      .tuple(fc.constantFrom(...originals), fc.array(fc.tuple(fc.nat(), fc.integer({min: 0, max: 255})), {minLength: 1, maxLength: 6}), fc.nat())
      .map(([original, changes, cut]) => {
        const bytes = Buffer.from(original);
        for (const [position, value] of changes) bytes[position % bytes.length] = value;
        return cut % 3 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
      });
    fc.assert(
      fc.property(mangled, (bytes) => {
        try {
          decodeFrame(bytes);
        } catch (error) {
          assert.ok(error instanceof ProtocolError, `not a ProtocolError: ${String(error)}`);
        }
      }),
      {numRuns: 3000},
    );
  });

  test('truncated and empty frames are not valid BSON', () => {
    const bytes = Buffer.from(vectors[0]!.bson_hex, 'hex');
    assert.throws(() => decodeFrame(bytes.subarray(0, bytes.length - 1)), protocolError(/^Channel frame is not valid BSON: /));
    assert.throws(() => decodeFrame(new Uint8Array(0)), protocolError(/^Channel frame is not valid BSON: /));
  });

  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['no identifier', {_type: 'message', message_type: {__Messages__: 'X'}, data: {}}, 'Channel frame has no integer `_identifier`'],
    ['a string identifier', {_type: 'response', _identifier: '1', data: {}}, 'Channel frame has no integer `_identifier`'],
    ['a fractional identifier', {_type: 'response', _identifier: 1.5, data: {}}, 'Channel frame has no integer `_identifier`'],
    ['data that is a string', {_type: 'response', _identifier: 1, data: 'x'}, 'Channel frame `data` is not a document'],
    ['data that is an array', {_type: 'response', _identifier: 1, data: [1]}, 'Channel frame `data` is not a document'],
    ['data that is a BSON object id', {_type: 'response', _identifier: 1, data: new BSON.ObjectId()}, 'Channel frame `data` is not a document'],
    ['a message without message_type', {_type: 'message', _identifier: 1, data: {}}, 'Channel message has no `message_type.__Messages__`'],
    [
      'a message whose message_type is a string',
      {_type: 'message', _identifier: 1, message_type: 'DELETE_TUNNEL', data: {}},
      'Channel message has no `message_type.__Messages__`',
    ],
    ['an unknown _type', {_type: 'event', _identifier: 1, data: {}}, 'Channel frame has an unknown `_type`: event'],
    ['no _type', {_identifier: 1, data: {}}, 'Channel frame has an unknown `_type`: undefined'],
  ];
  for (const [what, document, message] of cases) {
    test(`a document with ${what} is refused: ${message}`, () => {
      assert.throws(() => decodeFrame(BSON.serialize(document)), protocolError(message));
    });
  }

  test('a missing data is an empty one, and a null error is no error', () => {
    assert.deepEqual(decodeFrame(BSON.serialize({_type: 'response', _identifier: 3})), {kind: 'response', identifier: 3, data: {}});
    assert.deepEqual(decodeFrame(BSON.serialize({_type: 'response', _identifier: 3, data: {}, error: null})), {
      kind: 'response',
      identifier: 3,
      data: {},
    });
  });
});
