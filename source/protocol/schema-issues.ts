/**
 * One line for the first problem zod found in a value: in a request body, for the client that
 * sent it (1.0.12's style: "Missing field `exit_port`"), or in an answer or a file, for whoever
 * must know why it was not taken ("static_tunnels.0.tunnel_local_port: expected number").
 */
import type {z} from 'zod';

function pathOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

/** The first problem of a rejected request body, e.g. "Missing field `exit_port`". */
export function describeBodyIssue(error: z.ZodError, value: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid body';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? ` in \`${pathOf(issue.path)}\`` : '';
    return `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `\`${key}\``).join(', ')}${where}`;
  }
  if (issue.path.length === 0) return `The request body must be a JSON object (${issue.message})`;
  const field = pathOf(issue.path);
  if (valueAt(value, issue.path) === undefined) return `Missing field \`${field}\``;
  return `Invalid field \`${field}\`: ${issue.message}`;
}

/**
 * The first problem of a value read from elsewhere (an answer, an event frame, a settings
 * file), its place first: "static_tunnels.0.tunnel_local_port: expected number".
 */
export function describeValueIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not what was expected';
  const where = issue.path.length === 0 ? 'the body' : pathOf(issue.path);
  const what = issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message;
  return `${where}: ${what}`;
}
