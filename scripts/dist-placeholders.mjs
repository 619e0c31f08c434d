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
 *
 * `--check` (each published package's `prepack`, so `npm pack` and `npm publish` run it in the
 * package's folder) is the other half: a placeholder must never reach a tarball. It exits 1,
 * naming the files and `npm run build`, when a file the package's exports or bin point at is
 * missing, is a placeholder, or is older than a source file (a build that runs old code).
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const rootAt = process.argv.indexOf('--root');
const root = rootAt >= 0 && process.argv[rootAt + 1] !== undefined ? resolve(process.argv[rootAt + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
const marker = '// tapegrad placeholder (scripts/dist-placeholders.mjs): not a build.';

/**
 * The files an exports map sends a program to when the source condition is not set:
 * every string target under a condition other than `@tapegrad/source` (and `types`, unless
 * `withTypes`) that is a JavaScript (or, with types, a declaration) file.
 * @param {unknown} node
 * @param {boolean} withTypes
 * @param {string[]} out
 * @returns {string[]}
 */
function targets(node, withTypes = false, out = []) {
  if (typeof node === 'string') {
    if (/\.(?:c|m)?js$/.test(node) || (withTypes && /\.d\.(?:c|m)?ts$/.test(node))) out.push(node);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) if (key !== '@tapegrad/source' && (withTypes || key !== 'types')) targets(value, withTypes, out);
  }
  return out;
}

/**
 * A package's executables, name to file, as npm reads `bin` (a string is one named after the
 * package, scope left out). Names that are not one plain file name are left out.
 * @param {{ name?: unknown, bin?: unknown }} manifest
 * @returns {Map<string, string>}
 */
function bins(manifest) {
  const raw = typeof manifest.bin === 'string' ? { [String(manifest.name).replace(/^@[^/]+\//, '')]: manifest.bin } : manifest.bin;
  const out = new Map();
  if (raw !== null && typeof raw === 'object') for (const [name, file] of Object.entries(raw)) if (/^[\w.-]+$/.test(name) && typeof file === 'string') out.set(name, file);
  return out;
}

/** @param {string} file */
function isPlaceholder(file) {
  return readFileSync(file, 'utf8').slice(0, 200).includes(marker);
}

/**
 * The newest modification time (ms) of the package's sources, tests left out.
 * @param {string} dir
 * @returns {number}
 */
function newestSource(dir) {
  let newest = 0;
  for (const e of existsSync(dir) ? readdirSync(dir, { withFileTypes: true, recursive: true }) : []) {
    if (e.isFile() && !/\.test\.ts$/.test(e.name)) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * `--check`: the reasons the package in `dir` must not be packed, one per file (none: it may).
 * @param {string} dir
 * @returns {string[]}
 */
function unpackable(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const bin = [...bins(manifest).values()];
  const sources = newestSource(join(dir, 'src'));
  const problems = [];
  for (const target of new Set([...targets(manifest.exports, true), ...bin])) {
    const file = join(dir, target);
    if (!existsSync(file)) problems.push(`${target} is missing`);
    else if (isPlaceholder(file)) problems.push(`${target} is a placeholder (scripts/dist-placeholders.mjs), not a build`);
    else if (statSync(file).mtimeMs < sources) problems.push(`${target} is older than src/ (the tarball would hold old code)`);
  }
  return problems;
}

if (process.argv.includes('--check')) {
  const dir = process.cwd();
  const problems = unpackable(dir);
  if (problems.length > 0) {
    const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
    console.error(`${name} cannot be packed: ${problems.join('; ')}. Run  npm run build  at the repository root (it builds core, nn and cli in order), then pack or publish again.`);
    process.exit(1);
  }
  process.exit(0);
}

/**
 * A placeholder module. For an executable (`bin`: its name) it starts with a shebang and says
 * how to run the command from the sources.
 * @param {string} name @param {string} dir @param {string | null} bin
 */
function placeholder(name, dir, bin = null) {
  const message = bin !== null
    ? [
        `${bin} (the bin of ${name}) is not built: this checkout runs its packages from their TypeScript sources.`,
        `Run the command from the sources with  npm start -- <command>  (npm start -- --help lists them),`,
        'or build the packages once with  npm run build  (and again after every change under packages/, or the build runs old code).',
      ]
    : [
        `${name} is not built. This checkout runs its packages from their TypeScript sources, and a program`,
        `started without the @tapegrad/source condition (npx tsx my.ts, node my.mjs) looks for the build in ${dir}/dist/.`,
        'Run your file with',
        '  npm run try -- my.ts        (typechecks it against the sources, then runs it)',
        'or  node --conditions=@tapegrad/source --import tsx my.ts',
        'or build the packages once with  npm run build  (and again after every change under packages/, or the build runs old code).',
      ];
  // Node echoes the source line that threw: keep it short.
  return `${bin === null ? '' : '#!/usr/bin/env node\n'}${marker}\nconst message = ${JSON.stringify(message.join('\n'))};\nclass TapegradNotBuiltError extends Error {}\nTapegradNotBuiltError.prototype.name = 'TapegradNotBuiltError';\nthrow new TapegradNotBuiltError(message);\n`;
}

/** @param {string} path */
function lexists(path) {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

const packagesDir = join(root, 'packages');
const binDir = join(root, 'node_modules', '.bin');
const written = [];
const linked = [];
for (const entry of existsSync(packagesDir) ? readdirSync(packagesDir, { withFileTypes: true }) : []) {
  const manifestPath = join(packagesDir, entry.name, 'package.json');
  if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private === true || manifest.exports === undefined) continue;
  const write = (/** @type {string} */ target, /** @type {string | null} */ bin) => {
    const file = join(packagesDir, entry.name, target);
    if (existsSync(file)) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, placeholder(String(manifest.name), `packages/${entry.name}`, bin));
    if (bin !== null) chmodSync(file, 0o755);
    written.push(`packages/${entry.name}/${target.replace(/^\.\//, '')}`);
  };
  for (const target of new Set(targets(manifest.exports))) write(target, null);
  for (const [name, target] of bins(manifest)) {
    write(target, name);
    // npm links a workspace's bins at install, before this runs, and skips a bin whose file is
    // missing: then `npx tapegrad` in the checkout asks the registry for a package named
    // tapegrad. Link it as npm would (POSIX; Windows shims are npm's own format).
    const link = join(binDir, name);
    const linkedPackage = join(root, 'node_modules', ...String(manifest.name).split('/'));
    if (process.platform === 'win32' || lexists(link) || !existsSync(linkedPackage)) continue;
    mkdirSync(binDir, { recursive: true });
    symlinkSync(relative(binDir, join(linkedPackage, target)), link);
    linked.push(`node_modules/.bin/${name}`);
  }
}
if (written.length > 0) console.log(`dist placeholders (an unbuilt package then says how to run a file): ${written.join(', ')}`);
if (linked.length > 0) console.log(`linked the workspace's bins that npm skipped (their build was missing): ${linked.join(', ')}`);
