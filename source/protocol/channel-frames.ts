/**
 * Control-channel frames: one BSON document per binary websocket frame (PROTOCOL.md 3.1).
 * Key order matters for byte-exact compatibility, so documents are built in the order
 * 1.0.12 uses and serialized as they are.
 */
import {BSON} from 'bson';
import {ProtocolError} from './errors.js';

export const MESSAGE_NAMES = ['TUNNEL_SERVER_TO_CLIENT_NEW_CONNECTION', 'DELETE_TUNNEL'] as const;
export type MessageName = (typeof MESSAGE_NAMES)[number];

export type FrameData = Record<string, unknown>;

export interface RequestFrame {
  kind: 'message';
  identifier: number;
  messageName: string;
  data: FrameData;
}

export interface ResponseFrame {
  kind: 'response';
  identifier: number;
  data: FrameData;
  /** Present when the handler failed. */
  error?: string;
}

export type ChannelFrame = RequestFrame | ResponseFrame;

export function encodeRequest(identifier: number, messageName: string, data: FrameData): Uint8Array {
  return BSON.serialize({
    _type: 'message',
    _identifier: identifier,
    message_type: {__Messages__: messageName},
    data,
  });
}

export function encodeResponse(identifier: number, data: FrameData, error?: string): Uint8Array {
  const document: Record<string, unknown> = {_type: 'response', _identifier: identifier, data};
  if (error !== undefined) document.error = error;
  return BSON.serialize(document);
}

/** An embedded BSON document; other BSON values (ObjectId, Binary, Date, RegExp...) are class instances. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Decodes one frame; anything that is not a well-formed channel document is a ProtocolError. */
export function decodeFrame(bytes: Uint8Array): ChannelFrame {
  let document: Record<string, unknown>;
  try {
    document = BSON.deserialize(bytes, {promoteValues: true});
  } catch (error) {
    throw new ProtocolError(`Channel frame is not valid BSON: ${(error as Error).message}`);
  }
  const identifier = document._identifier;
  if (typeof identifier !== 'number' || !Number.isInteger(identifier)) {
    throw new ProtocolError('Channel frame has no integer `_identifier`');
  }
  const data = document.data ?? {};
  if (!isPlainObject(data)) throw new ProtocolError('Channel frame `data` is not a document');
  if (document._type === 'message') {
    const messageType = document.message_type;
    const messageName = isPlainObject(messageType) ? messageType.__Messages__ : undefined;
    if (typeof messageName !== 'string') throw new ProtocolError('Channel message has no `message_type.__Messages__`');
    return {kind: 'message', identifier, messageName, data};
  }
  if (document._type === 'response') {
    const frame: ResponseFrame = {kind: 'response', identifier, data};
    if (document.error !== undefined && document.error !== null) frame.error = String(document.error);
    return frame;
  }
  throw new ProtocolError(`Channel frame has an unknown \`_type\`: ${String(document._type)}`);
}
