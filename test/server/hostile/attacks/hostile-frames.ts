/**
 * Websocket frames that break RFC 6455 or our limits, each with the close code the server
 * answers (ws's receiver: 1002 protocol error, 1007 bad UTF-8, 1009 too big). `limit` is the
 * frame limit of the websocket under attack. Shared by the hostile suite and `npm run fuzz`.
 */
import fc from 'fast-check';
import {closePayload, encodeFrame, OPCODES} from '../../../helpers/raw-websocket.js';

export interface FrameAttack {
  name: string;
  frames(limit: number): Buffer[];
  close: number;
}

const bytes = (size: number) => Buffer.alloc(size, 0x61);

export const FRAME_ATTACKS: FrameAttack[] = [
  {name: 'RSV1 set (no extension negotiated)', frames: () => [encodeFrame({opcode: OPCODES.binary, rsv: 4, payload: 'x'})], close: 1002},
  {name: 'RSV2 set', frames: () => [encodeFrame({opcode: OPCODES.binary, rsv: 2, payload: 'x'})], close: 1002},
  {name: 'RSV3 set', frames: () => [encodeFrame({opcode: OPCODES.text, rsv: 1, payload: 'x'})], close: 1002},
  {name: 'reserved data opcode 3', frames: () => [encodeFrame({opcode: 0x3, payload: 'x'})], close: 1002},
  {name: 'reserved control opcode 0xB', frames: () => [encodeFrame({opcode: 0xb})], close: 1002},
  {name: 'unmasked client frame', frames: () => [encodeFrame({opcode: OPCODES.binary, payload: 'x', mask: false})], close: 1002},
  {name: 'ping longer than 125 bytes', frames: () => [encodeFrame({opcode: OPCODES.ping, payload: bytes(126)})], close: 1002},
  {name: 'fragmented ping', frames: () => [encodeFrame({opcode: OPCODES.ping, payload: 'x', fin: false})], close: 1002},
  {name: 'continuation without a start', frames: () => [encodeFrame({opcode: OPCODES.continuation, payload: 'x'})], close: 1002},
  {
    name: 'new message inside a fragmented one',
    frames: () => [encodeFrame({opcode: OPCODES.binary, payload: 'x', fin: false}), encodeFrame({opcode: OPCODES.binary, payload: 'y'})],
    close: 1002,
  },
  {name: 'close frame with a 1-byte payload', frames: () => [encodeFrame({opcode: OPCODES.close, payload: Buffer.from([3])})], close: 1002},
  {name: 'close code 999', frames: () => [encodeFrame({opcode: OPCODES.close, payload: closePayload(999)})], close: 1002},
  {name: 'close code 1005 (reserved)', frames: () => [encodeFrame({opcode: OPCODES.close, payload: closePayload(1005)})], close: 1002},
  {name: 'close code 5000', frames: () => [encodeFrame({opcode: OPCODES.close, payload: closePayload(5000)})], close: 1002},
  {name: 'text that is not UTF-8', frames: () => [encodeFrame({opcode: OPCODES.text, payload: Buffer.from([0xc3, 0x28])})], close: 1007},
  {name: '64-bit length with the top bit set', frames: () => [encodeFrame({opcode: OPCODES.binary, length: 1n << 63n})], close: 1009},
  {name: '64-bit length of 2^53', frames: () => [encodeFrame({opcode: OPCODES.binary, length: 1n << 53n})], close: 1009},
  {name: 'a length one byte over the limit', frames: (limit) => [encodeFrame({opcode: OPCODES.binary, length: limit + 1})], close: 1009},
  {name: 'a 100 MiB length', frames: () => [encodeFrame({opcode: OPCODES.binary, length: 100 * 1024 * 1024})], close: 1009},
  {
    name: 'fragments that add up to more than the limit',
    frames: (limit) => {
      const half = Math.ceil((limit + 1) / 2);
      return [encodeFrame({opcode: OPCODES.binary, payload: bytes(half), fin: false}), encodeFrame({opcode: OPCODES.continuation, payload: bytes(half)})];
    },
    close: 1009,
  },
];

/**
 * Generated sequences of frames, valid or not: any opcode, reserved bits, masking, fragments,
 * lengths that lie. What the server does with them is free (ignore them, answer a ping, close
 * with a code, or wait for bytes a lying length announced); it must only live on.
 */
export const generatedFrames: fc.Arbitrary<Buffer[]> = fc.array(
  fc
    .record({
      opcode: fc.constantFrom(0x0, 0x1, 0x2, 0x3, 0x7, 0x8, 0x9, 0xa, 0xb, 0xf),
      fin: fc.boolean(),
      rsv: fc.oneof({weight: 4, arbitrary: fc.constant(0)}, {weight: 1, arbitrary: fc.integer({min: 1, max: 7})}),
      mask: fc.oneof({weight: 9, arbitrary: fc.constant(true)}, {weight: 1, arbitrary: fc.constant(false)}),
      payload: fc.oneof(fc.uint8Array({maxLength: 200}), fc.string({maxLength: 60}).map((text) => new TextEncoder().encode(text))),
      lie: fc.option(fc.oneof(fc.nat({max: 300}), fc.constantFrom(65535, 65536, 2 ** 32, 2 ** 53)), {freq: 8}),
    })
    .map(({opcode, fin, rsv, mask, payload, lie}) => encodeFrame({opcode, fin, rsv, mask, payload: Buffer.from(payload), length: lie ?? undefined})),
  {minLength: 1, maxLength: 8},
);
