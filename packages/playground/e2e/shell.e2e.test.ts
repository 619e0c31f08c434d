import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSite, type Site } from './site.js';

describe('the shell', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('opens every view from its tab, by keyboard, with no console error', async () => {
    await site.open('#/');
    const tabs = site.page.locator('#tabs a');
    expect(await tabs.allTextContents()).toEqual(['Expression lab', 'Network lab', 'Derivative lab', 'Worked 2-3-2']);
    for (const [i, id] of ['expr', 'net', 'deriv', 'worked'].entries()) {
      await tabs.nth(i).focus();
      await site.page.keyboard.press('Enter');
      // The hash changes before the page's hashchange handler runs: wait for the handler's mark.
      await site.page.waitForFunction((v) => location.hash.startsWith(`#/${v}`) && document.querySelector(`#tabs a[data-view="${v}"]`)?.getAttribute('aria-current') === 'page', id);
      expect(await site.page.locator('#tabs a[aria-current=page]').count()).toBe(1);
    }
    expect(site.errors).toEqual([]);
  });

  it('falls back to the expression lab for an unknown address', async () => {
    await site.open('#/nowhere?x=1');
    expect(await site.page.locator('#tabs a[aria-current=page]').textContent()).toBe('Expression lab');
  });
});
