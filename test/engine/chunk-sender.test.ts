/**
 * A socket's chunk sent as one binary frame, masked in place on a client's websocket (no copy):
 * the bytes arrive whole at a real ws server (which refuses unmasked client frames), every
 * frame with a mask of its own on the wire; a server's websocket sends the chunk as it is.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import WebSocket, {WebSocketServer} from 'ws';
import {SMALL_FRAME_BYTES, sendChunk, sendSmallText} from '../../source/engine/chunk-sender.js';
import {deferrer} from '../helpers/cleanup.js';
import {eventually} from '../helpers/netunnel.js';
import {receiveBinary, websocketPair} from '../helpers/websockets.js';
import {randomPayload} from '../helpers/tcp.js';
import {sha256, within} from '../helpers/streams.js';
import {startWireRecorder} from '../helpers/wire-recorder.js';

test("a client's chunks arrive whole, each frame masked, the chunk masked where it is", async (t) => {
  const pair = await websocketPair();
  t.after(() => pair.close());
  const chunks = Array.from({length: 20}, (_, index) => randomPayload(1 + index * 4000));
  const expected = Buffer.concat(chunks);
  const received = receiveBinary(pair.server, expected.length);
  const changed: boolean[] = [];
  for (const chunk of chunks) {
    const original = Buffer.from(chunk);
    sendChunk(pair.client, chunk);
    changed.push(!chunk.equals(original));
  }
  assert.equal(sha256(await within(received, 5000, 'the bytes')), sha256(expected));
  // A random mask of 0 would leave a chunk as it was: one in 2^32. A small chunk is copied
  // into its header's buffer (one write), and left as it was.
  assert.deepEqual(changed, chunks.map((chunk) => chunk.length > SMALL_FRAME_BYTES), 'big chunks masked in place, small ones copied');
  assert.equal(pair.server.readyState, WebSocket.OPEN, 'the server took every frame (it closes on an unmasked one)');
});

test('on the wire every frame carries its own masking key', async (t) => {
  const defer = deferrer(t);
  const wss = new WebSocketServer({host: '127.0.0.1', port: 0, perMessageDeflate: false});
  await once(wss, 'listening');
  defer(() => new Promise((resolve) => wss.close(resolve)));
  const recorder = await startWireRecorder((wss.address() as {port: number}).port);
  defer(() => recorder.close());
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${recorder.port}/`, {perMessageDeflate: false});
  defer(() => client.terminate());
  await once(client, 'open');
  const [server] = await accepted;
  const payloads = Array.from({length: 8}, () => randomPayload(1000));
  const received = receiveBinary(server, 8000);
  for (const payload of payloads) sendChunk(client, Buffer.from(payload));
  await within(received, 5000, 'the bytes');
  await eventually(() => (recorder.upgrades()[0]?.clientFrames.length ?? 0) === 8, 5000, 'the recording');
  const frames = recorder.upgrades()[0]!.clientFrames;
  assert.deepEqual(frames.map((frame) => frame.payload), payloads, 'unmasked by their keys, the frames are the payloads');
  // The raw bytes: a 4-byte header with the mask bit and a 16-bit length, then the key.
  const raw = Buffer.concat(recorder.connections[0]!.toServer);
  const keys = new Set<string>();
  for (let offset = raw.indexOf(Buffer.from([0x82, 0xfe, 0x03, 0xe8])); offset !== -1; offset = raw.indexOf(Buffer.from([0x82, 0xfe, 0x03, 0xe8]), offset + 1008)) {
    keys.add(raw.subarray(offset + 4, offset + 8).toString('hex'));
  }
  assert.equal(keys.size, 8, 'eight frames, eight masking keys');
});

test("a server's websocket sends the chunk as it is (servers do not mask)", async (t) => {
  const pair = await websocketPair();
  t.after(() => pair.close());
  const chunk = randomPayload(5000);
  const original = Buffer.from(chunk);
  const received = receiveBinary(pair.client, 5000);
  sendChunk(pair.server, chunk);
  assert.ok(chunk.equals(original), 'left alone');
  assert.ok((await within(received, 5000, 'the bytes')).equals(original));
});

test("a server's chunks, small and big, and a small text frame arrive whole and in order; nothing it sends is changed", async (t) => {
  const pair = await websocketPair();
  t.after(() => pair.close());
  const chunks = [randomPayload(1), randomPayload(SMALL_FRAME_BYTES), randomPayload(SMALL_FRAME_BYTES + 1), randomPayload(200_000), randomPayload(3)];
  const frames: Array<{text: boolean; data: Buffer}> = [];
  const all = new Promise<void>((resolve) =>
    pair.client.on('message', (data: Buffer, isBinary: boolean) => {
      frames.push({text: !isBinary, data: Buffer.from(data)});
      if (frames.length === chunks.length + 1) resolve();
    }),
  );
  const copies = chunks.map((chunk) => Buffer.from(chunk));
  const end = Buffer.from('end', 'latin1');
  for (const chunk of chunks.slice(0, 3)) sendChunk(pair.server, chunk);
  sendSmallText(pair.server, end);
  for (const chunk of chunks.slice(3)) sendChunk(pair.server, chunk);
  await within(all, 5000, 'every frame');
  assert.deepEqual(
    frames.map((frame) => [frame.text, sha256(frame.data)]),
    [...copies.slice(0, 3).map((chunk) => [false, sha256(chunk)]), [true, sha256(end)], ...copies.slice(3).map((chunk) => [false, sha256(chunk)])],
  );
  assert.deepEqual(chunks, copies, 'a server masks nothing: its chunks are as they were');
  assert.equal(end.toString('latin1'), 'end');
});
