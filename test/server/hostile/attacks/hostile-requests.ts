/**
 * Raw requests no client library would send, each with the exact answer our server gives
 * (with extensions; Node 20's parser names what it refused). Shared by the hostile suite and
 * `npm run fuzz`.
 */

export interface HostileRequest {
  name: string;
  bytes: string;
  status: number;
  /** The exact body; undefined when the status says it all (Node's own bodiless answers). */
  body?: string;
}

const error = (message: string) => JSON.stringify({error: message});
const badRequest = (reason: string) => error(`Bad request: ${reason}`);

const many = (count: number, line: (index: number) => string) => Array.from({length: count}, (_, index) => line(index)).join('');

export const HOSTILE_REQUESTS: HostileRequest[] = [
  {name: 'unknown method', bytes: 'FOOBARBAZ /version HTTP/1.1\r\nHost: x\r\n\r\n', status: 400, body: badRequest('Invalid method encountered')},
  {name: 'huge method', bytes: `${'G'.repeat(5000)} /version HTTP/1.1\r\nHost: x\r\n\r\n`, status: 400, body: badRequest('Invalid method encountered')},
  {name: 'lower-case method', bytes: 'get /version HTTP/1.1\r\nHost: x\r\n\r\n', status: 400, body: badRequest('Invalid method encountered')},
  {name: 'unknown HTTP version', bytes: 'GET /version HTTP/9.9\r\nHost: x\r\n\r\n', status: 400, body: badRequest('Invalid HTTP version')},
  {name: 'no HTTP version (HTTP/0.9 style)', bytes: 'GET /nope\r\n\r\n', status: 404, body: error('Not found: GET /nope')},
  {name: 'NUL byte in the target', bytes: 'GET /ver\0sion HTTP/1.1\r\nHost: x\r\n\r\n', status: 400, body: badRequest('Invalid char in url path')},
  {name: 'space in the target', bytes: 'GET /ver sion HTTP/1.1\r\nHost: x\r\n\r\n', status: 400, body: badRequest('Expected HTTP/, RTSP/ or ICE/')},
  {name: 'overlong target', bytes: `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, status: 431, body: error('Request line and headers larger than 16384 bytes')},
  {name: 'overlong header', bytes: `GET /version HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, status: 431, body: error('Request line and headers larger than 16384 bytes')},
  {name: 'too many headers', bytes: `GET /version HTTP/1.1\r\nHost: x\r\n${many(3000, (index) => `X-${index}: 1\r\n`)}\r\n`, status: 431, body: error('Request line and headers larger than 16384 bytes')},
  {name: 'many small headers (Node keeps 2000)', bytes: `GET /version HTTP/1.1\r\nHost: x\r\n${many(2500, () => 'a:\r\n')}\r\n`, status: 200, body: '1.0.12'},
  {name: 'header without a colon', bytes: 'GET /version HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n', status: 400, body: badRequest('Invalid header token')},
  {name: 'folded header (obs-fold)', bytes: 'GET /version HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n', status: 400, body: badRequest('Unexpected whitespace after header value')},
  {name: 'no Host in HTTP/1.1', bytes: 'GET /version HTTP/1.1\r\n\r\n', status: 400},
  {name: 'duplicate Content-Length', bytes: 'POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', status: 400, body: badRequest('Duplicate Content-Length')},
  {
    name: 'Content-Length and Transfer-Encoding',
    bytes: 'POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    body: badRequest("Transfer-Encoding can't be present with Content-Length"),
  },
  {name: 'negative Content-Length', bytes: 'POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', status: 400, body: badRequest('Invalid character in Content-Length')},
  {name: 'huge Content-Length', bytes: 'POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{', status: 413, body: error('Request body larger than 1048576 bytes')},
  {
    name: 'bad chunk size',
    bytes: 'POST /channels HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    status: 400,
    body: badRequest('Invalid character in chunk size'),
  },
  {
    name: 'chunked body over the limit',
    bytes: `POST /channels HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${many(20, () => `FFFF\r\n${'x'.repeat(0xffff)}\r\n`)}0\r\n\r\n`,
    status: 413,
    body: error('Request body larger than 1048576 bytes'),
  },
  {
    name: 'Content-Length shorter than the body (the rest is a bad request)',
    bytes: 'POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{"version": "1.0.12"}',
    status: 400,
    body: badRequest('Invalid method encountered'),
  },
  {name: 'CONNECT', bytes: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', status: 405, body: error('Method CONNECT is not allowed: this server is not a proxy')},
  {name: 'OPTIONS *', bytes: 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', status: 404, body: error('Not found: OPTIONS *')},
  {name: 'PUT on a route', bytes: 'PUT /peers HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n', status: 405, body: error('Method PUT is not allowed on /peers')},
  {name: 'HTTP/2 preface', bytes: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', status: 400, body: badRequest('Pause on PRI/Upgrade')},
  {name: 'unknown Expect', bytes: 'POST /channels HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 2\r\n\r\n{}', status: 417},
  {name: 'a body on GET is ignored', bytes: 'GET /version HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd', status: 200, body: '1.0.12'},
  {name: 'JSON nested a million deep', bytes: '', status: 400},
  {
    name: 'JSON object nested 65 deep',
    bytes: (() => {
      const body = `{"version": "1.0.12", "features": ${'{"a": '.repeat(64)}1${'}'.repeat(64)}}`;
      return `POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    })(),
    status: 400,
    body: error('Request body nested deeper than 64 levels'),
  },
  {name: 'h2c upgrade of a REST route', bytes: 'GET /version HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n', status: 400, body: error('Only websocket upgrades are served, not `h2c`')},
];

// Built here rather than inline: a million brackets, within the body limit, deeper than any
// recursive parser or validator could go.
const deep = `${'['.repeat(500_000)}${']'.repeat(500_000)}`;
const deepRequest = HOSTILE_REQUESTS.find((request) => request.name === 'JSON nested a million deep')!;
deepRequest.bytes = `POST /channels HTTP/1.1\r\nHost: x\r\nContent-Length: ${deep.length}\r\n\r\n${deep}`;
deepRequest.body = error('Request body nested deeper than 64 levels');
