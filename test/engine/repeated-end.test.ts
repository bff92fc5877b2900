/**
 * skipRepeatedEnds: a repeated end() of a websocket's finished socket or receiver returns at
 * once; anything else about end() is as Node has it; websockets close as before.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {createServer} from 'node:http';
import type {Socket} from 'node:net';
import type {Duplex, Writable} from 'node:stream';
import * as ws from 'ws';
import WebSocket, {WebSocketServer} from 'ws';
import {skipRepeatedEnds} from '../../source/engine/repeated-end.js';
import {within} from '../helpers/streams.js';
import {socketPair} from '../helpers/websockets.js';

describe('skipRepeatedEnds', () => {
  test("a finished socket's end() returns it; with a callback it still hears ERR_STREAM_ALREADY_FINISHED; with data, the write error", async (t) => {
    const {a: near, b: far, close} = await socketPair();
    t.after(close);
    skipRepeatedEnds(near);
    far.resume();
    near.end();
    await once(near, 'finish');
    assert.equal(near.end(), near);
    // Node passes the callback an error, though its types say no argument.
    const heard = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => near.end(resolve as () => void));
    assert.equal(heard?.code, 'ERR_STREAM_ALREADY_FINISHED');
    const failed = once(near, 'error');
    near.end('late');
    assert.equal(((await within(failed, 5000, 'the write error'))[0] as NodeJS.ErrnoException).code, 'ERR_STREAM_WRITE_AFTER_END');
  });

  test("a socket not ended yet ends as always: the far end reads all and its FIN", async (t) => {
    const {a: near, b: far, close} = await socketPair();
    t.after(close);
    skipRepeatedEnds(near);
    const chunks: Buffer[] = [];
    far.on('data', (chunk: Buffer) => chunks.push(chunk));
    near.end('last words');
    await within(once(far, 'end'), 5000, "the far end's FIN");
    assert.equal(Buffer.concat(chunks).toString(), 'last words');
  });

  test("ws's receivers: a finished one's end() returns it, and websockets with both fixes close as before, either side first", async (t) => {
    const {a: any, close} = await socketPair();
    t.after(close);
    skipRepeatedEnds(any);
    const receiverClass = (ws as unknown as {Receiver: new () => Writable}).Receiver;
    const receiver = new receiverClass();
    receiver.end();
    await once(receiver, 'finish');
    assert.equal(receiver.end(), receiver);

    // As the server and the client do it: the acceptor's socket, and the socket of the client's upgrade.
    const http = createServer();
    const websockets = new WebSocketServer({noServer: true});
    const rawSockets: Duplex[] = [];
    http.on('upgrade', (request, socket, head) =>
      websockets.handleUpgrade(request, socket, head, (accepted) => {
        skipRepeatedEnds(socket);
        rawSockets.push(socket);
        websockets.emit('connection', accepted);
      }),
    );
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    t.after(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const {port} = http.address() as {port: number};
    for (const closer of ['server', 'client'] as const) {
      const accepted = once(websockets, 'connection') as Promise<[WebSocket]>;
      const client = new WebSocket(`ws://127.0.0.1:${port}/`);
      client.once('upgrade', (response) => {
        skipRepeatedEnds(response.socket);
        rawSockets.push(response.socket);
      });
      const [[server]] = await Promise.all([accepted, once(client, 'open')]);
      const [first, second] = closer === 'server' ? [server, client] : [client, server];
      const closes = [once(first, 'close'), once(second, 'close')];
      first.close(4000, `${closer} first`);
      for (const [code, reason] of (await within(Promise.all(closes), 5000, 'both closes')) as Array<[number, Buffer]>) {
        assert.deepEqual([code, reason.toString()], [4000, `${closer} first`]);
      }
    }
    await within(Promise.all(rawSockets.map((socket) => ((socket as Socket).destroyed ? Promise.resolve() : once(socket, 'close')))), 5000, 'every socket closed');
    assert.equal(rawSockets.length, 4);
  });
});
