/**
 * What an end-to-end test works with: a fresh page on the built site, every console error
 * and uncaught exception collected (a test fails on any), and screenshots saved to
 * e2e/screenshots (gitignored) to be looked at.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { launch } from './browser.js';

export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

export interface Site {
  readonly page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  readonly errors: string[];
  /** Opens `hash` (e.g. `#/expr?e=x*y`) and waits for the view to be built. */
  open(hash: string): Promise<void>;
  /** Saves a full-page screenshot as e2e/screenshots/<name>.png. */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A browser and one page, at desktop size unless `viewport` says otherwise. */
export async function openSite(viewport = { width: 1280, height: 900 }): Promise<Site> {
  const browser: Browser = await launch(inject('chromiumPath'));
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  const base = inject('siteUrl');
  return {
    page,
    errors,
    async open(hash) {
      await page.goto(`${base}${hash}`);
      await page.waitForSelector('#view > *');
    },
    async screenshot(name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
    },
    close: () => browser.close(),
  };
}
