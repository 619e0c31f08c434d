/**
 * The page's address is its state: `#/<view>?<params>`, for example
 * `#/expr?e=tanh(w*x%2Bb)*x&w=0.5`. A hash route works on any static host and from a file
 * server offline, and copying the address shares exactly what is on screen.
 */

/** The four views, in tab order. */
export const VIEW_IDS = ['expr', 'net', 'deriv', 'worked'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

/** A parsed address: which view, and that view's own parameters. */
export interface Route {
  readonly view: ViewId;
  readonly params: URLSearchParams;
}

const isViewId = (s: string): s is ViewId => (VIEW_IDS as readonly string[]).includes(s);

/**
 * Reads a `location.hash`. An empty or unknown view falls back to the expression lab, so an
 * old or mistyped link still opens the page.
 * @example parseRoute('#/net?data=xor').view // 'net'
 */
export function parseRoute(hash: string): Route {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = body.indexOf('?');
  const path = (q < 0 ? body : body.slice(0, q)).replace(/^\/+|\/+$/g, '');
  const params = new URLSearchParams(q < 0 ? '' : body.slice(q + 1));
  return { view: isViewId(path) ? path : 'expr', params };
}

/**
 * Writes a route as a hash. Parameters keep their insertion order, so the same state always
 * gives the same address.
 * @example formatRoute({ view: 'deriv', params: new URLSearchParams({ f: 'z^2' }) }) // '#/deriv?f=z%5E2'
 */
export function formatRoute(route: Route): string {
  const q = route.params.toString();
  return `#/${route.view}${q === '' ? '' : `?${q}`}`;
}
