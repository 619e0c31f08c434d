import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo, run } from '@tapegrad/cli';
import { openSite, SCREENSHOTS, type Site } from './site.js';

interface ExplainJson {
  readonly x: number[];
  readonly y: number[];
  readonly params: { W: number[]; b: number[] }[];
  readonly checks: { quantity: string; closedForm: number; tape: number }[];
}

function explain(argv: string[]): string {
  const io = memoryIo();
  expect(run(['explain', ...argv], io)).toBe(0);
  return io.out();
}

// Computed in node by the CLI, which the page cannot import.
const ex = JSON.parse(explain(['--json'])) as ExplainJson;
const explainLines = new Map(
  explain([])
    .split('\n')
    .filter((l) => l.startsWith('  ') && l.endsWith('✓'))
    .map((l) => l.replace(/\s+✓$/, '').trim())
    .map((l) => [l.slice(0, l.indexOf(' = ')), l]),
);

/** The full-precision numbers the page shows, per explain quantity name (a number may appear in the tables and in the diagram). */
async function shownNumbers(site: Site): Promise<Map<string, number[]>> {
  const pairs = await site.page.$$eval('.worked-main [data-quantity]', (els) => els.map((e) => [e.getAttribute('data-quantity') ?? '', e.getAttribute('data-value') ?? ''] as const));
  const out = new Map<string, number[]>();
  for (const [q, v] of pairs) out.set(q, [...(out.get(q) ?? []), Number(v)]);
  return out;
}

async function formulaTitle(site: Site): Promise<string> {
  return (await site.page.locator('.worked-formula-title').textContent()) ?? '';
}

describe('the worked 2-3-2 network view', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('shows the 33 numbers of tapegrad explain --json, at full precision', async () => {
    await site.open('#/worked');
    const shown = await shownNumbers(site);
    expect([...shown.keys()].sort()).toEqual(ex.checks.map((c) => c.quantity).sort());
    for (const c of ex.checks) {
      for (const v of shown.get(c.quantity) ?? []) {
        // The page's closed form (nn) is the same arithmetic as explain's tape column (one
        // gemm kernel), so that is exact; explain's own closed-form loop sums z from b first,
        // a rounding apart (≤ 6e-15 relative: see src/worked/model.test.ts for where and why).
        expect(v, c.quantity).toBe(c.tape);
        expect(Math.abs(v - c.closedForm) / Math.abs(c.closedForm), c.quantity).toBeLessThanOrEqual(6e-15);
      }
    }
    // a, δ and the cost are in the diagram too.
    expect(shown.get('a₀⁽²⁾')).toHaveLength(2);
    expect(shown.get('δ₂⁽¹⁾')).toHaveLength(2);
    expect(shown.get('z₀⁽¹⁾')).toHaveLength(1);
    const given = async (id: string): Promise<number> => Number(await site.page.locator(`.worked-main .worked-given[data-id="${id}"]`).first().getAttribute('data-value'));
    expect([await given('a0_0'), await given('a0_1')]).toEqual(ex.x);
    expect([await given('y_0'), await given('y_1')]).toEqual(ex.y);
    expect(await given('w2_12')).toBe(ex.params[1]?.W[5]);
    expect(await given('b1_2')).toBe(ex.params[0]?.b[2]);
    // Opened with no number named, a hidden error term's formula is showing already.
    expect(await formulaTitle(site)).toMatch(/^δ₀⁽¹⁾/);
    expect(await site.page.locator('.worked-edge-label:visible').allTextContents()).toEqual(['w₀₀⁽²⁾ 0.4', 'w₁₀⁽²⁾ 0.55']);
    await site.screenshot('worked');
    expect(site.errors).toEqual([]);
  });

  it('shows the formula of a clicked number, symbols then numbers, as explain prints it, and records it in the address', async () => {
    await site.open('#/worked');
    await site.page.locator('.worked-main button.worked-num[data-quantity="∂C₀/∂w₀₁⁽²⁾"]').click();
    expect(await formulaTitle(site)).toMatch(/^∂C₀\/∂w₀₁⁽²⁾ — /);
    expect(await site.page.locator('.worked-formula .katex').count()).toBe(2);
    const tex = (await site.page.locator('.worked-formula annotation').allTextContents()).join('\n');
    expect(tex).toContain('\\delta_{0}^{(2)} \\cdot a_{1}^{(1)}');
    expect(tex).toContain('0.250789 \\cdot 0.596884');
    expect(tex).toContain('&= 0.149692');
    expect(await site.page.locator('.worked-line').textContent()).toBe(explainLines.get('∂C₀/∂w₀₁⁽²⁾'));
    const check = ex.checks.find((c) => c.quantity === '∂C₀/∂w₀₁⁽²⁾');
    expect(Number(await site.page.locator('.worked-formula [data-value]').getAttribute('data-value'))).toBe(check?.tape);
    expect(Number(await site.page.locator('.worked-formula [data-tape-value]').getAttribute('data-tape-value'))).toBe(check?.tape);
    expect(await site.page.evaluate(() => location.hash)).toBe('#/worked?n=dw2_01');
    // Its ingredients are marked: δ₀⁽²⁾ and a₁⁽¹⁾ in the tables and the diagram, and the weight (its edge with its value, and in the table).
    expect(await site.page.locator('.worked-main .is-used').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort())).toEqual(['a1_1', 'a1_1', 'd2_0', 'd2_0', 'w2_01', 'w2_01', 'w2_01']);
    // A "made from" chip walks back along the chain.
    await site.page.locator('.worked-formula .worked-chip', { hasText: 'δ₀⁽²⁾' }).click();
    expect(await formulaTitle(site)).toMatch(/^δ₀⁽²⁾ — /);
    expect(await site.page.locator('.worked-line').textContent()).toBe(explainLines.get('δ₀⁽²⁾'));
    expect(site.errors).toEqual([]);
  });

  it('works from the keyboard: Tab to a number, Enter or Space shows its formula', async () => {
    await site.open('#/worked');
    const focused = (): Promise<string> => site.page.evaluate(() => document.activeElement?.getAttribute('data-quantity') ?? '');
    let found = false;
    for (let i = 0; i < 80 && !found; i++) {
      await site.page.keyboard.press('Tab');
      found = (await focused()) === 'a₁⁽²⁾';
    }
    expect(found).toBe(true); // the diagram's output node comes first in the tab order
    await site.page.keyboard.press('Space');
    expect(await formulaTitle(site)).toMatch(/^a₁⁽²⁾ — /);
    found = false;
    for (let i = 0; i < 80 && !found; i++) {
      await site.page.keyboard.press('Tab');
      found = (await focused()) === 'z₁⁽²⁾';
    }
    expect(found).toBe(true);
    await site.page.keyboard.press('Enter');
    expect(await formulaTitle(site)).toMatch(/^z₁⁽²⁾ — /);
    expect(await site.page.locator('.worked-line').textContent()).toBe(explainLines.get('z₁⁽²⁾'));
    expect(await site.page.evaluate(() => document.activeElement?.getAttribute('aria-pressed'))).toBe('true');
    expect(site.errors).toEqual([]);
  });

  it('opens a link at its formula, and says so when the link names no number', async () => {
    await site.open('#/worked?n=C0');
    expect(await formulaTitle(site)).toMatch(/^C₀ — /);
    expect(await site.page.locator('.worked-main button[data-id="C0"]').getAttribute('aria-pressed')).toBe('true');
    await site.open('#/worked?n=nonsense');
    expect(await site.page.locator('#view p.error').textContent()).toContain('“nonsense” that this network does not have; showing δ₀⁽¹⁾ instead');
    expect(await formulaTitle(site)).toMatch(/^δ₀⁽¹⁾/);
    expect(site.errors).toEqual([]);
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const phone = await openSite({ width: 390, height: 844 });
    try {
      await phone.open('#/worked?n=d1_1');
      const wide = await phone.page.$$eval('body *', (els) => els.filter((e) => e.getBoundingClientRect().right > 391 && e.closest('.scroll-x') === null).map((e) => `${e.tagName}.${e.getAttribute('class') ?? ''}`).slice(0, 8));
      expect(wide).toEqual([]);
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      // The formula sheet covers the screen's lower part: bring a number to the top before tapping it.
      const tap = async (name: string): Promise<void> => {
        const b = phone.page.locator(`.worked-main button.worked-num[data-quantity="${name}"]`);
        await b.evaluate((e) => e.scrollIntoView({ block: 'start' }));
        await b.click();
      };
      await tap('∂C₀/∂w₂₁⁽¹⁾');
      expect(await phone.page.locator('.worked-formula-title').textContent()).toMatch(/^∂C₀\/∂w₂₁⁽¹⁾/);
      expect(await phone.page.locator('.worked-side').isVisible()).toBe(true);
      await phone.page.evaluate(() => window.scrollTo(0, 0));
      await phone.screenshot('worked-phone');
      // A full-page capture draws the bottom sheet where the screen's bottom was; this is what the phone shows.
      await tap('δ₁⁽¹⁾');
      await phone.page.evaluate(() => window.scrollBy(0, -300));
      await phone.page.screenshot({ path: `${SCREENSHOTS}worked-phone-screen.png` });
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
