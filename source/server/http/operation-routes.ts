/**
 * The server's half of protocol/operations.ts: one handler per operation, given the body as the
 * operation reads it and answering what the operation answers (the compiler holds each handler
 * to its operation's answer schema). A route module is a list of these.
 */
import type {z} from 'zod';
import type {HttpMethod} from '../../protocol/operations.js';
import type {RouteName} from '../../protocol/routes.js';
import type {RestAnswer, RouteContext, RouteTable} from './route-table.js';

export interface OperationContext<Input> extends RouteContext {
  /** The body, read by the operation's rules (a BodyError names the field at fault). */
  input(): Promise<Input>;
}

/** What the server needs of an operation: where it is served, how its body is read, what it answers. */
export interface ServedOperation<Input, Answer> {
  method: HttpMethod;
  route: RouteName;
  readInput?: (value: unknown) => Input;
  answer: z.ZodType<Answer>;
  textAnswer?: string;
}

export type OperationHandler<Input, Answer> = (context: OperationContext<Input>) => NoInfer<Answer> | Promise<NoInfer<Answer>>;

/** One operation served by `handler`, as a route table to merge with the others. */
export function serve<Input, Answer>(operation: ServedOperation<Input, Answer>, handler: OperationHandler<Input, Answer>): RouteTable {
  const rest = async (context: RouteContext): Promise<RestAnswer> => {
    const answer = await handler({
      ...context,
      input: async () => {
        if (!operation.readInput) throw new Error(`${operation.method} ${operation.route} takes no body`);
        return operation.readInput(await context.readBody());
      },
    });
    if (operation.textAnswer !== undefined) return {text: String(answer), contentType: operation.textAnswer};
    return {json: answer ?? null};
  };
  return {rest: {[operation.route]: {[operation.method]: rest}}, upgrade: {}};
}
