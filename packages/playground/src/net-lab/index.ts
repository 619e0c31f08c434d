import { h } from '../dom.js';
import { type View } from '../view.js';

/** PLACEHOLDER (being written): the Network lab view. */
export const netLab: View = {
  id: 'net',
  title: 'Network lab',
  mount(root) {
    root.append(h('h2', {}, 'Network lab'));
    return () => {};
  },
};
