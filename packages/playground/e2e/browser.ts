/**
 * The browser for the end-to-end tests, from an npm package that ships it (so `npm ci` alone
 * is enough on a new machine): @sparticuz/chromium unpacks its Chromium into the system's
 * temporary folder on first use. Debian's /usr/bin/chromium is used instead where installed.
 */
import { existsSync } from 'node:fs';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser } from 'playwright-core';

const SYSTEM = '/usr/bin/chromium';

/** Flags that keep the browser from reaching the network on its own. */
const OFFLINE = ['--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The path of a Chromium executable: Debian's if present, else the one inside @sparticuz/chromium. */
export async function browserExecutable(): Promise<string> {
  return existsSync(SYSTEM) ? SYSTEM : await chromium.executablePath();
}

/** Launches headless Chromium at `executablePath`. */
export async function launch(executablePath: string): Promise<Browser> {
  const args = executablePath === SYSTEM ? ['--no-sandbox', '--headless=new'] : chromium.args;
  return playwright.launch({ executablePath, args: [...args, ...OFFLINE], headless: true });
}
