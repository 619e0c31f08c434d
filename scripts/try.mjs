// @ts-check
/**
 * `npm run try -- my.ts [arguments for it]`: typechecks a learner's own file against the
 * workspace's TypeScript sources, with the repository's compiler and settings (strict,
 * noUncheckedIndexedAccess, ...), and when it typechecks, runs it the way the examples run:
 * `node --conditions=@tapegrad/source --import tsx my.ts`, so no build is needed.
 *
 * The file may be anywhere: a relative path is taken from the folder `npm run` was typed in
 * (npm passes it as INIT_CWD) and the program runs there, so its own relative paths (a CSV
 * it reads, a file it writes) mean what the learner expects. Package names it imports
 * (`@tapegrad/core`, `@tapegrad/nn`, `@tapegrad/cli`, and the repository's other
 * dependencies) resolve as from the repository root when they are not found next to the
 * file, both in the typecheck and at run time (scripts/try-hooks.mjs).
 *
 * Exit codes: the program's own; 1 when the file does not typecheck (it is not run);
 * 2 for a usage mistake (no file named, no such file, not a .ts/.mts/.cts/.js/.mjs/.cjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const caller = process.env['INIT_CWD'] || process.cwd();
const usage = 'usage: npm run try -- <file.ts> [arguments for the program]';
const typed = new Set(['.ts', '.mts', '.cts']);
const untyped = new Set(['.js', '.mjs', '.cjs']);

/** @param {string} message @param {number} code @returns {never} */
function fail(message, code) {
  console.error(`try: ${message}`);
  process.exit(code);
}

const [file, ...args] = process.argv.slice(2);
if (file === undefined) fail(`name the file to run. ${usage}`, 2);
if (file === '--help' || file === '-h') {
  console.log(`${usage}\n\nTypechecks the file against the workspace sources (strict, as the repository's own code),\nthen runs it with node --conditions=@tapegrad/source --import tsx, from the folder you typed the command in.\nA file with type errors is not run (exit code 1).`);
  process.exit(0);
}
const abs = resolve(caller, file);
const shown = relative(caller, abs) || abs;
if (!existsSync(abs)) fail(`no file ${shown} (looked for ${abs}; a relative path is taken from the folder you ran npm in, ${caller})`, 2);
if (!statSync(abs).isFile()) fail(`${shown} is a directory, not a file. ${usage}`, 2);
const ext = extname(abs);
if (!typed.has(ext) && !untyped.has(ext)) fail(`${shown}: expected a .ts, .mts or .cts file (or .js, .mjs, .cjs), got '${ext || 'no extension'}'. ${usage}`, 2);

if (typed.has(ext)) {
  const errors = typecheck(abs);
  if (errors > 0) fail(`${shown} has ${errors} type error${errors === 1 ? '' : 's'} (above); it was not run. Fix ${errors === 1 ? 'it' : 'them'} and run the command again.`, 1);
} else {
  console.error(`try: ${shown} is JavaScript: running it without a typecheck (name it .ts to have it checked)`);
}

const hooks = pathToFileURL(join(root, 'scripts', 'try-hooks.mjs')).href;
const register = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(hooks)});`;
const child = spawnSync(process.execPath, ['--conditions=@tapegrad/source', '--import', import.meta.resolve('tsx'), '--import', register, abs, ...args], {
  cwd: caller,
  stdio: 'inherit',
  // A CommonJS file's require() does not pass through the hooks; NODE_PATH lets it find the packages.
  env: { ...process.env, NODE_PATH: [join(root, 'node_modules'), process.env['NODE_PATH']].filter(Boolean).join(process.platform === 'win32' ? ';' : ':') },
});
if (child.error !== undefined) fail(`could not start node: ${child.error.message}`, 1);
process.exit(child.status ?? 1);

/**
 * Typechecks `path` with the repository's TypeScript and tsconfig.base.json (no emit);
 * prints the diagnostics and returns how many errors there were.
 * @param {string} path
 * @returns {number}
 */
function typecheck(path) {
  /** @type {typeof import('typescript')} */
  const ts = createRequire(join(root, 'package.json'))('typescript');
  const base = ts.readConfigFile(join(root, 'tsconfig.base.json'), (p) => ts.sys.readFile(p));
  const { options } = ts.parseJsonConfigFileContent(base.config, ts.sys, root);
  const settings = {
    ...options,
    composite: false,
    declaration: false,
    emitDeclarationOnly: false,
    incremental: false,
    noEmit: true,
    allowImportingTsExtensions: true,
    // A learner's file outside any "type": "module" folder is CommonJS to Node and tsx,
    // which turn its imports into require() calls; verbatimModuleSyntax (a rule for the
    // packages' own emitted code) would refuse every import in it.
    verbatimModuleSyntax: false,
    typeRoots: [join(root, 'node_modules', '@types')],
  };
  const host = ts.createCompilerHost(settings);
  // A bare name that is not found from the file's own folder is looked up as from the
  // repository root, as the run-time hook does.
  const fromRoot = join(root, 'try.ts');
  host.resolveModuleNameLiterals = (literals, containing, redirected, opts, sourceFile) =>
    literals.map((literal) => {
      const name = literal.text;
      const mode = ts.getModeForUsageLocation(sourceFile, literal, opts);
      const here = ts.resolveModuleName(name, containing, opts, host, undefined, redirected, mode);
      if (here.resolvedModule !== undefined || name.startsWith('.') || isAbsolute(name)) return here;
      const there = ts.resolveModuleName(name, fromRoot, opts, host, undefined, redirected, mode);
      return there.resolvedModule !== undefined ? there : here;
    });
  const program = ts.createProgram([path], settings, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
  if (diagnostics.length > 0) {
    const format = { getCanonicalFileName: (/** @type {string} */ f) => f, getCurrentDirectory: () => caller, getNewLine: () => '\n' };
    const pretty = process.stderr.isTTY && process.env['NO_COLOR'] === undefined;
    console.error((pretty ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics)(diagnostics, format));
  }
  return errors;
}
