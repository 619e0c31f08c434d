/**
 * Once per `npm test`: build the site with Vite exactly as `npm run playground:build` does,
 * serve the built files on localhost (Vite's own preview server), and unpack the browser
 * that @sparticuz/chromium ships inside its npm package (nothing is downloaded).
 *
 * The site is built into a fresh temporary folder, not packages/playground/dist: a second
 * test run started meanwhile (or `npm run playground:build`) would empty the folder this
 * run is serving.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { type TestProject } from 'vitest/node';
import { browserExecutable } from './browser.js';

const root = fileURLToPath(new URL('..', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
    chromiumPath: string;
  }
}

function sizes(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const s = sizes(p);
      files += s.files;
      bytes += s.bytes;
    } else {
      files += 1;
      bytes += statSync(p).size;
    }
  }
  return { files, bytes };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = mkdtempSync(join(tmpdir(), 'tapegrad-playground-'));
  const configFile = join(root, 'vite.config.ts');
  await build({ configFile, logLevel: 'warn', build: { outDir } });
  const { files, bytes } = sizes(outDir);
  console.log(`playground: built ${files} files, ${(bytes / 1024).toFixed(0)} KiB`);
  const server = await preview({ configFile, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1', open: false } });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('playground e2e: the preview server did not report a local address');
  project.provide('siteUrl', url);
  project.provide('chromiumPath', await browserExecutable());
  return async () => {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  };
}
