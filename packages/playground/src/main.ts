/**
 * The shell: tabs for the four views, the address as state (see route.ts), and one mounted
 * view at a time.
 */
import 'katex/dist/katex.min.css';
import './style.css';
import { h, replace } from './dom.js';
import { formatRoute, parseRoute, VIEW_IDS, type Route, type ViewId } from './route.js';
import { type View } from './view.js';
import { exprLab } from './expr-lab/index.js';
import { netLab } from './net-lab/index.js';
import { derivLab } from './deriv-lab/index.js';
import { worked } from './worked/index.js';

const VIEWS: Readonly<Record<ViewId, View>> = { expr: exprLab, net: netLab, deriv: derivLab, worked };

const tabs = document.getElementById('tabs')!;
const root = document.getElementById('view')!;
let unmount: (() => void) | undefined;
let current: ViewId | undefined;

function show(route: Route): void {
  if (route.view !== current) {
    unmount?.();
    replace(root);
    current = route.view;
    const view = VIEWS[route.view];
    document.title = `${view.title} · tapegrad playground`;
    unmount = view.mount(root, {
      params: new URLSearchParams(route.params),
      setParams: (params) => history.replaceState(null, '', formatRoute({ view: route.view, params })),
      go: (view, params) => {
        location.hash = formatRoute({ view, params });
      },
    });
  }
  for (const a of tabs.querySelectorAll('a')) {
    if (a.dataset['view'] === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

replace(tabs, ...VIEW_IDS.map((id) => h('a', { href: `#/${id}`, 'data-view': id }, VIEWS[id].title)));
// A hash change from a tab, a link or `go` remounts; `setParams` uses replaceState, which fires no event.
window.addEventListener('hashchange', () => {
  current = undefined;
  show(parseRoute(location.hash));
});
show(parseRoute(location.hash));
