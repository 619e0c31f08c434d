import { type ViewId } from './route.js';

/** What the shell gives a view when it mounts it. */
export interface ViewContext {
  /** This view's parameters from the address (copy before changing). */
  readonly params: URLSearchParams;
  /** Records the view's state in the address (history.replaceState: no reload, no new history entry). */
  setParams(params: URLSearchParams): void;
  /** Opens another view with the given parameters (a new history entry), e.g. the derivative lab handing an activation to the network lab. */
  go(view: ViewId, params: URLSearchParams): void;
}

/** One of the playground's four views. */
export interface View {
  readonly id: ViewId;
  /** The tab's label. */
  readonly title: string;
  /** Builds the view inside `root` (empty when called); returns a function that stops its timers and listeners. */
  mount(root: HTMLElement, ctx: ViewContext): () => void;
}
