/**
 * One REST operation of protocol/operations.ts, called through a transport: the path from its
 * ids, the body as the operation takes it, and the answer parsed with the operation's schema.
 * An answer that does not fit is a BadAnswerError naming the field, never an object taken for
 * what it is not.
 */
import type {z} from 'zod';
import type {HttpMethod} from '../protocol/operations.js';
import {describeValueIssue} from '../protocol/schema-issues.js';
import {BadAnswerError} from './client-errors.js';
import type {ServerTransport} from './server-transport.js';

/** What the client needs of an operation: how to ask and what the answer must be. */
export interface CallableOperation<Params extends unknown[], Input, Answer> {
  method: HttpMethod;
  path: (...params: Params) => string;
  input?: z.ZodType<unknown, Input>;
  answer: z.ZodType<Answer>;
  textAnswer?: string;
}

export async function callOperation<Params extends unknown[], Input, Answer>(
  transport: ServerTransport,
  operation: CallableOperation<Params, Input, Answer>,
  params: Params,
  input?: Input,
): Promise<Answer> {
  const path = operation.path(...params);
  const raw = operation.textAnswer === undefined ? await transport.request(operation.method, path, input) : await transport.requestText(path);
  const parsed = operation.answer.safeParse(raw);
  if (!parsed.success) throw new BadAnswerError(`${operation.method} ${path}`, describeValueIssue(parsed.error));
  return parsed.data;
}
