import { h } from '../dom.js';
import { type View } from '../view.js';

/** PLACEHOLDER (being written): the Derivative lab view. */
export const derivLab: View = {
  id: 'deriv',
  title: 'Derivative lab',
  mount(root) {
    root.append(h('h2', {}, 'Derivative lab'));
    return () => {};
  },
};
