import { h } from '../dom.js';
import { type View } from '../view.js';

/** PLACEHOLDER (being written): the Worked 2-3-2 view. */
export const worked: View = {
  id: 'worked',
  title: 'Worked 2-3-2',
  mount(root) {
    root.append(h('h2', {}, 'Worked 2-3-2'));
    return () => {};
  },
};
