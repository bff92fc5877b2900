/**
 * Telling a NETunnel server from anything else at a URL: every NETunnel server, 1.0.12's and
 * ours, answers `GET /version` with its protocol version as plain text (`1.0.12`); a web
 * server answers 404 (or a page), another service does not speak HTTP at all. What 1.0.12
 * lacks (`/server-info`) says which NETunnel server it is, not whether it is one.
 */

/** `1.0.12`, `1.1`, `2.0.0-rc.1`: what a NETunnel server's `GET /version` says. */
const VERSION_TEXT = /^v?\d+(\.\d+){1,3}([-+][0-9A-Za-z.-]+)?$/;

export function isVersionText(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length <= 40 && VERSION_TEXT.test(trimmed);
}

/** `text/html` of `text/html; charset=utf-8`, or `no content type`. */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase() || 'no content type';
}

/**
 * Why an answer to `GET /version` shows that the server is not a NETunnel server, or
 * undefined when it is one or the answer cannot tell (a refusal of the auth plugin, a server
 * error: those are reported as they are).
 */
export function versionAnswerProblem(status: number, contentType: string, text: string): string | undefined {
  const media = mediaTypeOf(contentType);
  const answered = `GET /version answered ${status} ${media}`;
  if (status >= 200 && status < 300) return isVersionText(text) ? undefined : `${answered}, not a version`;
  if (media === 'text/html' || status === 404 || status === 405 || status === 501) return answered;
  return undefined;
}

/** Node's HTTP parser failed on the answer (`HPE_*`): what answered does not speak HTTP. */
export function isNotHttp(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('HPE_');
}
