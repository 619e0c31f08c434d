/**
 * The browser for the end-to-end tests, from an npm package that ships it (so `npm ci` alone
 * is enough on a new machine): @sparticuz/chromium unpacks its Chromium into a temporary
 * folder on first use. Debian's /usr/bin/chromium is used instead where installed.
 *
 * The package unpacks into `os.tmpdir()` and reuses whatever `chromium` it finds there, so a
 * copy left by another version crashes at launch (SIGTRAP). We point it at a folder named by
 * the pinned version: it must be set before the package is imported, which sets library paths
 * from the same folder at import time.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as playwright, type Browser } from 'playwright-core';

const SYSTEM = '/usr/bin/chromium';

/** Flags that keep the browser from reaching the network on its own. */
const OFFLINE = ['--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Packaged {
  executablePath(): Promise<string>;
  readonly args: readonly string[];
}

let packaged: Promise<Packaged> | undefined;

function loadPackaged(): Promise<Packaged> {
  if (packaged === undefined) {
    const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const pinned = typeof manifest === 'object' && manifest !== null && 'devDependencies' in manifest ? JSON.stringify(manifest.devDependencies) : '';
    const version = /"@sparticuz\/chromium":"([^"]+)"/.exec(pinned)?.[1] ?? 'unknown';
    const dir = join(tmpdir(), `tapegrad-chromium-${version}`);
    mkdirSync(dir, { recursive: true });
    process.env['TMPDIR'] = dir;
    packaged = import('@sparticuz/chromium').then((m) => m.default);
  }
  return packaged;
}

/** The path of a Chromium executable: Debian's if present, else the one inside @sparticuz/chromium. */
export async function browserExecutable(): Promise<string> {
  return existsSync(SYSTEM) ? SYSTEM : (await loadPackaged()).executablePath();
}

/** Launches headless Chromium at `executablePath` (from {@link browserExecutable}). */
export async function launch(executablePath: string): Promise<Browser> {
  const args = executablePath === SYSTEM ? ['--no-sandbox', '--headless=new'] : (await loadPackaged()).args;
  return playwright.launch({ executablePath, args: [...args, ...OFFLINE], headless: true });
}
