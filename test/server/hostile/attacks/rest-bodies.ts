/**
 * Generated REST requests for every route of the server: arbitrary JSON, bodies shaped like
 * the route's (its keys, with hostile values: prototype names, wrong types, huge numbers,
 * long strings), raw text that is not JSON, and ids that exist, do not, or cannot. The server
 * must answer each with a status below 500 and the `{"error": ...}` shape when it refuses.
 * Shared by the hostile suite and `npm run fuzz`.
 */
import fc from 'fast-check';
import {rawRequest} from '../../../helpers/raw-http.js';

export interface GeneratedRequest {
  method: string;
  path: string;
  /** Sent as it is (JSON text or not), or no body at all. */
  body: string | undefined;
}

/** Where nothing answers: a peer or proxy there fails at once, without DNS or timeouts. */
export const UNREACHABLE_URL = 'http://127.0.0.1:1';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({maxDepth: 2}),
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.constantFrom<unknown>(
    '',
    ' ',
    '127.0.0.1',
    '0.0.0.0',
    '::1',
    '10.1.1.1',
    UNREACHABLE_URL,
    'http://',
    'https://127.0.0.1:1/x',
    'x'.repeat(300),
    -1,
    0,
    1,
    22,
    65535,
    65536,
    2 ** 31,
    2 ** 53,
    1e308,
    -0,
    0.5,
    true,
    false,
    null,
    [],
    {},
    [[[[[]]]]],
  ),
);

/** Values a key may not take here: ports a generated request could really listen on. */
const SAFE_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  entrance_port: fc.constantFrom<unknown>(null, 0, -1, 65536, 2 ** 31, 0.5, '22', true, [], {}),
};

const valueFor = (key: string) => SAFE_VALUES[key] ?? hostileValue;

/** Written as text: `__proto__` in an object literal would set the prototype, not add a key. */
const objectText = (entries: Array<[string, unknown]>) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(', ')}}`;

/** Some of the route's keys (and maybe a prototype name), each with a hostile value. */
const shaped = (keys: string[]): fc.Arbitrary<string> =>
  fc
    .tuple(fc.subarray(keys), fc.tuple(...keys.map(valueFor)), fc.option(fc.constantFrom(...PROTOTYPE_NAMES)))
    .map(([chosen, values, extra]) => {
      const entries: Array<[string, unknown]> = chosen.map((key) => [key, values[keys.indexOf(key)] ?? null]);
      if (extra !== null) entries.push([extra, 'x']);
      return objectText(entries);
    });

/** A valid body with one thing wrong: a key dropped, one value replaced, or a key added. */
const nearlyValid = (valid: Record<string, unknown>): fc.Arbitrary<string> => {
  const keys = Object.keys(valid);
  if (keys.length === 0) return fc.constant('{}');
  return fc.oneof(
    fc.constantFrom(...keys).map((dropped) => objectText(Object.entries(valid).filter(([key]) => key !== dropped))),
    fc.constantFrom(...keys).chain((changed) =>
      valueFor(changed).map((value) => objectText(Object.entries(valid).map(([key, old]): [string, unknown] => [key, key === changed ? value : old]))),
    ),
    fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({maxLength: 8})), hostileValue).map(([key, value]) => objectText([...Object.entries(valid), [key, value]])),
    fc.constant(objectText(Object.entries(valid))),
  );
};

const body = (keys: string[], valid: Record<string, unknown>[]): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    {weight: 4, arbitrary: valid.length > 0 ? fc.constantFrom(...valid).chain(nearlyValid) : shaped(keys)},
    {weight: 3, arbitrary: shaped(keys)},
    {weight: 2, arbitrary: fc.jsonValue({maxDepth: 3}).map((value) => JSON.stringify(value))},
    {weight: 1, arbitrary: fc.string({maxLength: 40})},
    {weight: 1, arbitrary: fc.constant(undefined)},
  );

/** Ids that exist early in a run (1, most often, and 2), do not, or are too long for any route. */
const id = fc.oneof(
  {weight: 4, arbitrary: fc.constant('1')},
  {weight: 2, arbitrary: fc.constantFrom('2', '0', '-1', '007', '1234567890123456', 'x')},
  {weight: 1, arbitrary: fc.nat().map(String)},
);

interface RouteShape {
  method: string;
  path: fc.Arbitrary<string>;
  /** Bodies the route accepts, to start from. */
  valid?: Record<string, unknown>[];
  /** Other keys to try. */
  keys?: string[];
}

const FORWARD = {exit_address: '127.0.0.1', exit_port: 22, reverse: false};
const REVERSE = {entrance_address: '127.0.0.1', entrance_port: null, reverse: true};

const ROUTES: RouteShape[] = [
  {method: 'GET', path: fc.constant('/version')},
  {method: 'POST', path: fc.constant('/authenticate'), keys: ['secret', 'token']},
  {method: 'POST', path: fc.constant('/channels'), valid: [{version: '1.0.12'}, {version: '1.0.12', features: ['endpoint-report']}]},
  {
    method: 'POST',
    path: id.map((channel) => `/channels/${channel}/tunnels`),
    valid: [FORWARD, REVERSE, {...FORWARD, entrance: {address: '127.0.0.1', port: 1}}, {...REVERSE, exit: {address: '127.0.0.1', port: 22}}],
  },
  {method: 'DELETE', path: fc.tuple(id, id).map(([channel, tunnel]) => `/channels/${channel}/tunnels/${tunnel}`), valid: [{force: false}]},
  {method: 'POST', path: fc.tuple(id, id).map(([channel, tunnel]) => `/channels/${channel}/tunnels/${tunnel}/close`), valid: [{force: true}]},
  {method: 'GET', path: fc.string({maxLength: 20}).map((name) => `/peers?name=${encodeURIComponent(name)}`)},
  {method: 'POST', path: fc.constant('/peers'), valid: [{name: 'p', target_netunnel_url: UNREACHABLE_URL, auth_data: {}}], keys: ['id']},
  {method: 'GET', path: id.map((peer) => `/peers/${peer}`)},
  {method: 'POST', path: id.map((peer) => `/peers/${peer}`), valid: [{name: 'renamed'}, {target_netunnel_url: UNREACHABLE_URL}, {auth_data: {}}]},
  {
    method: 'POST',
    path: id.map((peer) => `/peers/${peer}/static_tunnels`),
    valid: [{tunnel_remote_port: 22, tunnel_remote_address: '127.0.0.1', tunnel_local_address: '127.0.0.1'}],
    keys: ['tunnel_local_port', 'id'],
  },
  {method: 'GET', path: fc.tuple(id, id).map(([peer, tunnel]) => `/peers/${peer}/static_tunnels/${tunnel}`)},
  {method: 'GET', path: fc.constant('/config/http-proxy')},
  {
    method: 'POST',
    path: fc.constant('/config/http-proxy'),
    valid: [{proxy_url: UNREACHABLE_URL, username: 'u', password: 'p', test_url: UNREACHABLE_URL, check_proxy: true}, {proxy_url: null}],
  },
  {method: 'GET', path: fc.constantFrom('/server-info', '/channels', '/tunnels', '/metrics')},
  {method: 'GET', path: id.map((channel) => `/channels/${channel}`)},
  {method: 'PUT', path: fc.constantFrom('/peers', '/channels', '/version'), keys: ['name']},
  // Destructive ones last, so that the others find something to work on.
  {method: 'DELETE', path: id.map((channel) => `/channels/${channel}`)},
  {method: 'DELETE', path: fc.tuple(id, id).map(([peer, tunnel]) => `/peers/${peer}/static_tunnels/${tunnel}`)},
  {method: 'DELETE', path: id.map((peer) => `/peers/${peer}`)},
  {method: 'POST', path: fc.constant('/config/factory-reset'), valid: [{disconnect_clients: false}, {disconnect_clients: true}]},
];

export const ROUTE_COUNT = ROUTES.length;

/** Requests for the route at `index` (0 <= index < ROUTE_COUNT). */
export function requestsFor(index: number): fc.Arbitrary<GeneratedRequest> {
  const route = ROUTES[index]!;
  const valid = route.valid ?? [];
  const keys = [...new Set([...valid.flatMap((sample) => Object.keys(sample)), ...(route.keys ?? [])])];
  return fc.tuple(route.path, body(keys, valid)).map(([path, text]) => ({method: route.method, path, body: text}));
}

export const STATUSES_ALLOWED = new Set([200, 400, 403, 404, 405, 409, 413, 429, 502, 503]);

/** What is wrong with the answer to a generated request (undefined: nothing). */
export async function send(baseUrl: string, request: GeneratedRequest): Promise<{status: number; problem: string | undefined}> {
  const answer = await rawRequest(baseUrl, request.method, request.path, request.body === undefined ? {} : {rawBody: request.body});
  const what = `${request.method} ${request.path} ${request.body ?? '(no body)'} -> ${answer.status} ${answer.text.slice(0, 200)}`;
  if (!STATUSES_ALLOWED.has(answer.status)) return {status: answer.status, problem: `unexpected status: ${what}`};
  const json = String(answer.headers['content-type']).startsWith('application/json');
  if (answer.status >= 400) {
    const body = answer.json as {error?: unknown} | undefined;
    if (!json || typeof body?.error !== 'string') return {status: answer.status, problem: `a refusal without {"error": ...}: ${what}`};
  } else if (request.method !== 'GET' || !['/version', '/metrics'].includes(request.path)) {
    if (!json) return {status: answer.status, problem: `a success that is not JSON: ${what}`};
  }
  return {status: answer.status, problem: undefined};
}
