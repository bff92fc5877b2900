/** Raw HTTP calls for tests that check exact statuses and bodies. */
import http from 'node:http';

export interface RawAnswer {
  status: number;
  /** Parsed JSON when the answer is JSON (null for an empty JSON answer, as 1.0.12 sends), otherwise the text. */
  body: unknown;
}

/** `body`: a value to send as JSON, or a string sent as it is (for malformed bodies). */
export function call(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL(path, baseUrl),
      {method, headers: {...headers, ...(payload === undefined ? {} : {'Content-Type': 'application/json'})}, agent: false},
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const isJson = String(response.headers['content-type']).includes('json');
          resolve({status: response.statusCode ?? 0, body: isJson ? (text === '' ? null : JSON.parse(text)) : text});
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
