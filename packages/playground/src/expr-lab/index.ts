import { h } from '../dom.js';
import { type View } from '../view.js';

/** PLACEHOLDER (being written): the Expression lab view. */
export const exprLab: View = {
  id: 'expr',
  title: 'Expression lab',
  mount(root) {
    root.append(h('h2', {}, 'Expression lab'));
    return () => {};
  },
};
