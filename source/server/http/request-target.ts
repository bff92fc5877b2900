/**
 * The target of a request line, split into the path we route and its query, without what
 * WHATWG URL parsing would add: it never throws (`//`, `//[` and `http://[/peers` made
 * `new URL` throw and the process exit), it does not resolve dot segments
 * (`/channels/../peers` must not be served as `/peers`: a front proxy that filters on a path
 * prefix has to see what we route), and it does not decode percent-escapes
 * (`/channels/%2e%2e/peers` stays what it is). 1.0.12 answers 404 to all of these, and so do we.
 */

export interface RequestTarget {
  /** As sent, e.g. `/channels/1/tunnels`. */
  path: string;
  /** The raw query with its `?` (or ''), for the auth plugin's view of the request. */
  search: string;
  query: URLSearchParams;
}

/** `http://authority/rest` as proxies send it (RFC 9112 3.2.2, absolute-form). */
const ABSOLUTE_FORM = /^https?:\/\/([^/?#]*)(.*)$/is;
/** host[:port], host a name, an IPv4 or a bracketed IPv6 literal; no userinfo (RFC 9110 4.2.4). */
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(?::[0-9]{0,5})?$/;

function splitOriginForm(target: string): RequestTarget {
  const fragmentAt = target.indexOf('#');
  const withoutFragment = fragmentAt === -1 ? target : target.slice(0, fragmentAt);
  const queryAt = withoutFragment.indexOf('?');
  const path = queryAt === -1 ? withoutFragment : withoutFragment.slice(0, queryAt);
  const search = queryAt === -1 ? '' : withoutFragment.slice(queryAt);
  return {path, search, query: new URLSearchParams(search)};
}

/**
 * The routable target of `request.url`: origin-form (`/path?query`) as it is, absolute-form
 * (`http://host/path?query`) by its path. Anything else (`*`, `host:port`, an absolute URL
 * with a malformed authority or another scheme) has no path to route: undefined.
 */
export function parseRequestTarget(url: string | undefined): RequestTarget | undefined {
  if (url === undefined || url === '') return undefined;
  if (url.startsWith('/')) return splitOriginForm(url);
  const absolute = ABSOLUTE_FORM.exec(url);
  if (!absolute) return undefined;
  const [, authority = '', rest = ''] = absolute;
  if (!AUTHORITY.test(authority)) return undefined;
  return splitOriginForm(rest.startsWith('/') ? rest : `/${rest}`);
}

/** Text from a request (its target, a header) for messages and logs: bounded, control characters escaped. */
export function printable(url: string | undefined, maxLength = 200): string {
  const text = (url ?? '').replace(/[\x00-\x1f\x7f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length <= maxLength ? text : `${text.slice(0, maxLength)}...`;
}
