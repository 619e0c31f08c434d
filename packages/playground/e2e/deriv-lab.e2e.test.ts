import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSite, type Site } from './site.js';

/** The check's tolerance as the page states it (nn's checkActivation defaults). */
const RTOL = 1e-7;
const ATOL = 1e-9;

describe('the derivative lab', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  /** The z values the page marks as failing, exactly (from data-value). */
  const flaggedZ = async (): Promise<number[]> => (await site.page.locator('rect.deriv-lab-flag').evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''))).map(Number);

  /** The sample points, recomputed here from the range and count the plot states. */
  const samples = async (): Promise<number[]> => {
    const plot = site.page.locator('svg.deriv-lab-plot');
    const [lo, hi, n] = await Promise.all(['data-lo', 'data-hi', 'data-n'].map(async (a) => Number(await plot.getAttribute(a))));
    return Array.from({ length: n! }, (_, i) => lo! + ((hi! - lo!) * (i + 0.5)) / n!);
  };

  it('opens on a wrong derivative, already flagged, with its diagnosis and tolerance shown', async () => {
    await site.open('#/deriv');
    const verdict = site.page.locator('.deriv-lab-verdict > div');
    expect(await verdict.getAttribute('data-ok')).toBe('false');
    expect(await site.page.locator('.deriv-lab-headline').textContent()).toMatch(/disagrees with the tape's at \d+ of 400 points/);
    expect(await site.page.locator('.deriv-lab-tolerance').textContent()).toContain(`${ATOL} + ${RTOL}·max`);
    expect(await site.page.locator('rect.deriv-lab-flag').count()).toBeGreaterThan(390);
    await site.page.click('.deriv-lab-functions summary');
    const names = await site.page.locator('.deriv-lab-functions li code').allTextContents();
    expect(names).toContain('tanh');
    expect(names).not.toContain('softmax');
    await site.screenshot('deriv-lab');
    expect(site.errors).toEqual([]);
  });

  it('flags a typed wrong derivative exactly at the z where it differs from the true one', async () => {
    const { page } = site;
    await page.fill('#deriv-f', 'tanh(z)');
    await page.fill('#deriv-df', '1 - z^2');
    await page.waitForFunction(() => location.hash.includes('df=1+-+z%5E2'));
    await page.waitForFunction(() => {
      const menu = document.querySelector('#deriv-preset');
      return menu instanceof HTMLSelectElement && menu.value === 'tanh-z';
    });
    const z = await samples();
    expect(z.length).toBe(400);
    // Where 1 − z² and the true tanh' = 1 − tanh²(z) differ beyond the tolerance, computed here.
    const want = z.filter((v) => {
      const mine = 1 - v * v;
      const truth = 1 - Math.tanh(v) ** 2;
      return Math.abs(mine - truth) > ATOL + RTOL * Math.max(Math.abs(mine), Math.abs(truth));
    });
    const got = await flaggedZ();
    expect(got).toEqual(want);
    // Next to 0, z ≈ tanh z: the two innermost points agree, everything else is flagged.
    expect(z.length - want.length).toBe(2);
    expect(got.some((v) => Math.abs(v) < 0.02)).toBe(false);
    expect(await page.locator('.deriv-lab-where').textContent()).toBe('Fails for z in [-3.99, -0.03] and z in [0.03, 3.99].');
    // The readout shows the worst point; its values are the page's full-precision ones.
    const worstZ = Number(await page.locator('.deriv-lab-worst [data-value]').first().getAttribute('data-value'));
    const cells = await page.locator('.deriv-lab-readout tbody td [data-value]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(cells[0]).toBe(worstZ);
    // Exact equality between a value computed in Chromium and one computed here in Node holds:
    // both are V8, whose Math.tanh is the same fdlibm port in both, and the tape's tanh rule does
    // the same float operations in the same order (g·(1 − y²) with g = 1 and y = Math.tanh(z)).
    // The same goes for the flagged points above: the sample points and 1 − z² are computed by
    // the same formulas in the same order here and in the page.
    expect(cells[3]).toBe(1 - Math.tanh(worstZ) ** 2);
    expect(site.errors).toEqual([]);
  });

  it('keeps the last good plot under a syntax error, with the caret message under the input', async () => {
    const { page } = site;
    const before = (await flaggedZ()).length;
    await page.fill('#deriv-df', '1 - z^');
    await page.waitForFunction(() => (document.querySelector('#deriv-df-error')?.textContent ?? '') !== '');
    expect(await page.locator('#deriv-df-error').textContent()).toMatch(/column 7[\s\S]*\^/);
    expect(await page.locator('#deriv-use').isDisabled()).toBe(true);
    expect(await page.locator('.deriv-lab-stale').isVisible()).toBe(true);
    expect((await flaggedZ()).length).toBe(before);
    await page.fill('#deriv-df', '1 - a^2');
    await page.waitForFunction(() => document.querySelector('.deriv-lab-verdict > div')?.getAttribute('data-ok') === 'true');
    expect(await flaggedZ()).toEqual([]);
    expect(await page.locator('#deriv-df-error').textContent()).toBe('');
    expect(site.errors).toEqual([]);
  });

  it('restores the state from the address, moves the readout by keyboard, and hands the activation to the network lab', async () => {
    const { page } = site;
    await site.open('#/deriv?f=tanh(z)&df=1+-+z%5E2&lo=-2&hi=2');
    expect(await page.inputValue('#deriv-df')).toBe('1 - z^2');
    expect(await page.inputValue('#deriv-lo')).toBe('-2');
    const flags = await flaggedZ();
    expect(Math.max(...flags)).toBeLessThan(2);
    const index = async (): Promise<number> => Number(await page.locator('.deriv-lab-readout').getAttribute('data-index'));
    const first = await index();
    await page.focus('#deriv-at');
    await page.keyboard.press('ArrowLeft');
    expect(await index()).toBe(first - 1);
    // The point looked at is in the address too: reopening the link shows the same one.
    const link = await page.evaluate(() => location.hash);
    expect(new URLSearchParams(link.slice(link.indexOf('?') + 1)).get('at')).not.toBeNull();
    await site.open(link);
    expect(await index()).toBe(first - 1);
    await page.click('#deriv-use');
    await page.waitForFunction(() => location.hash.startsWith('#/net?'));
    const params = await page.evaluate(() => location.hash.slice(location.hash.indexOf('?') + 1));
    const p = new URLSearchParams(params);
    expect([p.get('act'), p.get('af'), p.get('adf')]).toEqual(['custom', 'tanh(z)', '1 - z^2']);
    // Leave the network lab (it trains live) so it does not slow the next test.
    await page.goto('about:blank');
    expect(site.errors).toEqual([]);
  });

  it('checks a loss and its gradient too: switched to by keyboard, flagged where a typed gradient is wrong', async () => {
    const { page } = site;
    await site.open('#/deriv');
    await page.focus('#deriv-mode-act');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash.includes('mode=loss'));
    expect(await page.locator('label[for=deriv-f]').textContent()).toBe('L(a, y) =');
    expect(await page.locator('.deriv-lab-diagnosis').textContent()).toMatch(/^Diagnosis: .*2/);
    expect(await page.locator('.deriv-lab-lossnote').textContent()).toContain('sigmoid output, in (0, 1), and y ∈ {0, 1}');
    expect(await page.locator('body').textContent()).not.toContain('checked here');
    // The hinge loss max(0, 1 − a·y) at y = 1 with the gradient −y typed in: its flat part (a > 1) forgotten.
    await page.fill('#deriv-lo', '-3');
    await page.fill('#deriv-hi', '5');
    await page.fill('#deriv-y', '1');
    await page.fill('#deriv-f', 'maximum(0, 1 - a*y)');
    await page.fill('#deriv-df', '-y');
    await page.waitForFunction(() => location.hash.includes('df=-y') && location.hash.includes('f=maximum'));
    const a = await samples();
    const want = a.filter((v) => {
      const mine = -1;
      const truth = v < 1 ? -1 : 0;
      return Math.abs(mine - truth) > ATOL + RTOL * Math.max(Math.abs(mine), Math.abs(truth));
    });
    expect(await flaggedZ()).toEqual(want);
    expect(want.length).toBe(200);
    expect(Math.min(...want)).toBeGreaterThan(1);
    expect(await page.locator('.deriv-lab-where').textContent()).toBe('Fails for a in [1.01, 4.99].');
    await site.screenshot('deriv-lab-loss');
    // The loss and its gradient go to the network lab, which trains with them.
    await page.click('#deriv-use');
    await page.waitForFunction(() => location.hash.startsWith('#/net?'));
    const p = new URLSearchParams(await page.evaluate(() => location.hash.slice(location.hash.indexOf('?') + 1)));
    expect([...p]).toEqual([
      ['loss', 'custom'],
      ['lf', 'maximum(0, 1 - a*y)'],
      ['ldf', '-y'],
    ]);
    await page.goto('about:blank');
    expect(site.errors).toEqual([]);
  });

  it('sends what was just typed when the network lab button is clicked at once, before the plot caught up', async () => {
    const { page } = site;
    await site.open('#/deriv?f=tanh(z)&df=1+-+a%5E2');
    // Type and click in one task, so the 150 ms debounce cannot have run in between.
    await page.evaluate(() => {
      const df = document.querySelector('#deriv-df');
      const use = document.querySelector('#deriv-use');
      if (!(df instanceof HTMLInputElement) || !(use instanceof HTMLButtonElement)) throw new Error('no #deriv-df or #deriv-use');
      df.value = 'a^2 - 1';
      df.dispatchEvent(new Event('input', { bubbles: true }));
      use.click();
    });
    await page.waitForFunction(() => location.hash.startsWith('#/net?'));
    const p = new URLSearchParams(await page.evaluate(() => location.hash.slice(location.hash.indexOf('?') + 1)));
    expect([p.get('act'), p.get('af'), p.get('adf')]).toEqual(['custom', 'tanh(z)', 'a^2 - 1']);
    await page.goto('about:blank');
    expect(site.errors).toEqual([]);
  });

  it('explains a range one float wide (this link used to hang the tab) instead of plotting it', async () => {
    const { page } = site;
    const started = Date.now();
    await site.open('#/deriv?lo=1&hi=1.0000000000000002');
    await page.waitForFunction(() => (document.querySelector('#deriv-range-error')?.textContent ?? '') !== '', undefined, { timeout: 3000 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await page.locator('#deriv-range-error').textContent()).toBe('the range from 1 to 1.0000000000000002 is too narrow: to − from must be at least 1e-9');
    expect(await page.locator('#deriv-lo').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('svg.deriv-lab-plot').count()).toBe(0);
    expect(await page.locator('#deriv-use').isDisabled()).toBe(true);
    // Widened, it plots again.
    await page.fill('#deriv-hi', '2');
    await page.waitForFunction(() => document.querySelector('svg.deriv-lab-plot') !== null);
    expect(await page.locator('#deriv-range-error').textContent()).toBe('');
    expect(site.errors).toEqual([]);
  });

  it('fits a phone screen without a horizontal page scroll', async () => {
    const { page } = site;
    await page.setViewportSize({ width: 390, height: 844 });
    await site.open('#/deriv');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await site.screenshot('deriv-lab-phone');
    expect(site.errors).toEqual([]);
  });
});
