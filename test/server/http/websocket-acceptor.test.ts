/** Each kind of websocket gets its own frame limit; the 1011 close of a websocket whose route went away meanwhile. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import {once} from 'node:events';
import WebSocket from 'ws';
import {closeReason, WebsocketAcceptor, websocketKindOf, type WebsocketKind} from '../../../source/server/http/websocket-acceptor.js';
import {LimitRefusals, type LimitRefusal} from '../../../source/server/limits/limit-refusals.js';
import {DEFAULT_LIMITS} from '../../../source/server/limits/server-limits.js';
import {NetunnelError} from '../../../source/protocol/errors.js';
import {deferrer} from '../../helpers/cleanup.js';
import {recordingLogger} from '../../helpers/recording-logger.js';

test('routes map to kinds; other upgrade routes carry data like tunnels', () => {
  assert.equal(websocketKindOf('channelConnect'), 'control');
  assert.equal(websocketKindOf('tunnelConnect'), 'tunnel');
  assert.equal(websocketKindOf('events'), 'events');
  assert.equal(websocketKindOf('metrics'), 'tunnel');
});

test('close reasons are cut to 123 bytes without splitting a character', () => {
  assert.equal(closeReason('short'), 'short');
  assert.equal(Buffer.byteLength(closeReason('é'.repeat(100))), 122);
  assert.equal(closeReason('x'.repeat(200)).length, 123);
});

test('each kind has its frame limit, refusals are counted; a failing onOpen closes with 1011 and its reason', async (t) => {
  const defer = deferrer(t);
  const refusals = new LimitRefusals();
  const limits = {...DEFAULT_LIMITS, control_frame_bytes: 2048, tunnel_frame_bytes: 65536, events_frame_bytes: 200};
  const logger = recordingLogger();
  const acceptor = new WebsocketAcceptor({limits: () => limits, refusals, logger, extensions: true});
  const announced: Array<[string, LimitRefusal]> = [];
  refusals.on('refused', (limit, refusal) => announced.push([limit, refusal]));
  const server = createServer();
  server.on('upgrade', (request, socket, head) => {
    const [kind, failure] = String(request.url).slice(1).split('/') as [WebsocketKind, string | undefined];
    acceptor.accept(kind, request, socket, head, `websocket ${request.url}`, (websocket) => {
      if (failure === 'gone') throw new NetunnelError('NETUNNEL_ERR_GONE', 'The tunnel went away');
      if (failure === 'bug') throw new Error('a bug');
      websocket.on('message', (data) => websocket.send(data));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  defer(() => {
    for (const websocket of acceptor.clients) websocket.terminate();
    return new Promise((resolve) => server.close(resolve));
  });
  const base = `ws://127.0.0.1:${(server.address() as {port: number}).port}`;
  const closeOf = async (path: string, size: number): Promise<[number, string]> => {
    const websocket = new WebSocket(`${base}${path}`);
    await once(websocket, 'open');
    const closed = once(websocket, 'close') as Promise<[number, Buffer]>;
    websocket.on('message', () => websocket.close(1000, 'echoed'));
    websocket.send(Buffer.alloc(size));
    const [code, reason] = await closed;
    return [code, reason.toString()];
  };
  assert.deepEqual(await closeOf('/control', 2048), [1000, 'echoed']);
  assert.deepEqual(await closeOf('/control', 2049), [1009, '']);
  assert.deepEqual(await closeOf('/tunnel', 65536), [1000, 'echoed']);
  assert.deepEqual(await closeOf('/tunnel', 65537), [1009, '']);
  assert.deepEqual(await closeOf('/events', 201), [1009, '']);
  assert.deepEqual(
    [refusals.get('control_frame_bytes'), refusals.get('tunnel_frame_bytes'), refusals.get('events_frame_bytes')],
    [1, 1, 1],
  );
  // Each refusal is also announced (for the event stream) with the client's address and what happened.
  assert.deepEqual(announced, [
    ['control_frame_bytes', {remoteAddress: '127.0.0.1', message: 'websocket /control: a frame over 2048 bytes (closed 1009)'}],
    ['tunnel_frame_bytes', {remoteAddress: '127.0.0.1', message: 'websocket /tunnel: a frame over 65536 bytes (closed 1009)'}],
    ['events_frame_bytes', {remoteAddress: '127.0.0.1', message: 'websocket /events: a frame over 200 bytes (closed 1009)'}],
  ]);
  for (const [path, reason] of [
    ['/tunnel/gone', 'The tunnel went away'],
    ['/tunnel/bug', 'a bug'],
  ]) {
    const websocket = new WebSocket(`${base}${path}`);
    const [code, text] = (await once(websocket, 'close')) as [number, Buffer];
    assert.deepEqual([code, text.toString()], [1011, reason]);
  }
  // Only the bug is unexpected.
  assert.equal(logger.lines.error.length, 1);
  assert.match(logger.lines.error[0]!, /^Unexpected failure opening websocket \/tunnel\/bug: Error: a bug\n {4}at /);
});
