// @ts-check
/**
 * The root `prepare` script (npm runs it at `npm ci` and `npm install` in the checkout).
 *
 * The workspace runs its packages from their TypeScript sources, through the
 * `@tapegrad/source` export condition (`npm start`, `npm test`, `npm run try`, the
 * examples' command). A program started without that condition (`npx tsx my.ts`,
 * `node my.mjs`) follows the packages' `import`/`require` exports to `dist/`, which exists
 * only after `npm run build`; Node then fails with ERR_MODULE_NOT_FOUND .../dist/index.js,
 * which reads like a broken install. So for every published package whose build is
 * missing, this writes a placeholder at each file its exports point to: a module that
 * throws an error saying what happened and what to run instead. It never overwrites a
 * file (a real build stays), and `npm run build` (tsup with `clean`) replaces the
 * placeholders. Building at install instead was measured and not chosen: see
 * docs/README.md ("Running your own file").
 *
 * Usage: node scripts/dist-placeholders.mjs [--root <checkout>] (the default: this checkout).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const rootAt = process.argv.indexOf('--root');
const root = rootAt >= 0 && process.argv[rootAt + 1] !== undefined ? resolve(process.argv[rootAt + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
const marker = '// tapegrad placeholder (scripts/dist-placeholders.mjs): not a build.';

/**
 * The files an exports map sends a program to when the source condition is not set:
 * every string target under a condition other than `@tapegrad/source` and `types`.
 * @param {unknown} node
 * @param {string[]} out
 * @returns {string[]}
 */
function targets(node, out = []) {
  if (typeof node === 'string') {
    if (/\.(?:c|m)?js$/.test(node)) out.push(node);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) if (key !== '@tapegrad/source' && key !== 'types') targets(value, out);
  }
  return out;
}

/** @param {string} name @param {string} dir */
function placeholder(name, dir) {
  const message = [
    `${name} is not built. This checkout runs its packages from their TypeScript sources, and a program`,
    `started without the @tapegrad/source condition (npx tsx my.ts, node my.mjs) looks for the build in ${dir}/dist/.`,
    'Run your file with',
    '  npm run try -- my.ts        (typechecks it against the sources, then runs it)',
    'or  node --conditions=@tapegrad/source --import tsx my.ts',
    'or build the packages once with  npm run build  (and again after every change under packages/, or the build runs old code).',
  ].join('\n');
  // Node echoes the source line that threw: keep it short.
  return `${marker}\nconst message = ${JSON.stringify(message)};\nclass TapegradNotBuiltError extends Error {}\nTapegradNotBuiltError.prototype.name = 'TapegradNotBuiltError';\nthrow new TapegradNotBuiltError(message);\n`;
}

const packagesDir = join(root, 'packages');
const written = [];
for (const entry of existsSync(packagesDir) ? readdirSync(packagesDir, { withFileTypes: true }) : []) {
  const manifestPath = join(packagesDir, entry.name, 'package.json');
  if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private === true || manifest.exports === undefined) continue;
  for (const target of new Set(targets(manifest.exports))) {
    const file = join(packagesDir, entry.name, target);
    if (existsSync(file)) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, placeholder(String(manifest.name), `packages/${entry.name}`));
    written.push(`packages/${entry.name}/${target.replace(/^\.\//, '')}`);
  }
}
if (written.length > 0) console.log(`dist placeholders (an unbuilt package then says how to run a file): ${written.join(', ')}`);
