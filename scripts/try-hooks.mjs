// @ts-check
/**
 * Module resolution hook for `npm run try` (scripts/try.mjs registers it): a package name
 * that Node cannot find from the importing file (a learner's file outside the repository
 * has no node_modules above it) is looked up again as from the repository root, where the
 * workspace packages and the repository's dependencies are installed. Inside the
 * repository nothing changes: a name missing there is a real error and is rethrown.
 */
const rootUrl = new URL('../', import.meta.url).href;
const anchor = new URL('package.json', rootUrl).href;

/**
 * @param {string} specifier
 * @param {{ parentURL?: string, conditions: string[], importAttributes: Record<string, string> }} context
 * @param {(specifier: string, context: object) => Promise<{ url: string }>} next
 */
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    const bare = !/^(?:[./]|[a-z][a-z0-9+.-]*:)/i.test(specifier);
    const code = e instanceof Error && 'code' in e ? e.code : undefined;
    const outside = context.parentURL !== undefined && !context.parentURL.startsWith(rootUrl);
    if (!bare || code !== 'ERR_MODULE_NOT_FOUND' || !outside) throw e;
    return next(specifier, { ...context, parentURL: anchor });
  }
}
