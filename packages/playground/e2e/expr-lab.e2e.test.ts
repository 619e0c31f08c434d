import { type Tensor, evaluateExpr, grad, parseExpr, scalar, traceTape } from '@tapegrad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSite, type Site } from './site.js';

// The expression the test types: x is read three times and y three times, so totals add up
// at fan-out; the values are typed into the number boxes.
const EXPR = 'x*y + sin(x)*y - y/x';
const VALUES = new Map([['x', 0.7], ['y', -1.3]]);

/** The tape of EXPR in node, from core alone: the test's expected numbers. */
function expected(): { steps: ReturnType<ReturnType<typeof traceTape.named>['steps']>; grads: Map<string, number> } {
  const tree = parseExpr(EXPR);
  const params: Record<string, Tensor> = Object.fromEntries([...VALUES].map(([k, v]) => [k, scalar(v)]));
  const f = (p: Record<string, Tensor>): Tensor => evaluateExpr(EXPR, tree, new Map(Object.entries(p)));
  const steps = traceTape.named(f, params).steps();
  const g = grad(f)(params);
  return { steps, grads: new Map(Object.entries(g).map(([k, t]) => [k, t.data[0]!])) };
}

/** ((x+x)+(x+x))+… with `leaves` x's (a power of 2): wide, not deep, so the nesting limit does not stop it. */
function balancedSum(leaves: number): string {
  let parts = Array.from({ length: leaves }, () => 'x');
  while (parts.length > 1) parts = Array.from({ length: parts.length / 2 }, (_, i) => `(${parts[2 * i]}+${parts[2 * i + 1]})`);
  return parts[0] ?? 'x';
}

describe('the expression lab', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  /** Typing is debounced (150 ms): waits until the re-trace it schedules has run. */
  const settled = (): Promise<unknown> => site.page.waitForSelector('.exprlab-graph-panel:not([aria-busy])');
  const dataValues = (sel: string): Promise<number[]> => site.page.locator(sel).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));

  it('opens on the default with every value shown, and its screenshot', async () => {
    await site.open('#/expr');
    const page = site.page;
    expect(await page.inputValue('#exprlab-expr')).toBe('tanh(w*x + b) * x');
    expect(await page.locator('.exprlab-node').count()).toBe(7);
    expect(await page.locator('.exprlab-value[data-value]').count()).toBe(7);
    // Rewind into the forward pass: two ops run, add (#4) just made, tanh and the output unknown.
    await page.click('button[data-move=reset]');
    expect(await page.locator('.exprlab-unknown').count()).toBe(4);
    await page.click('button[data-move=step]');
    await page.click('button[data-move=step]');
    expect(await page.locator('.exprlab-unknown').count()).toBe(2);
    expect(await page.locator('.exprlab-current').getAttribute('data-entry')).toBe('4');
    expect(await dataValues('.exprlab-panel .exprlab-made')).toEqual([0.8 * 1.5 + -0.4]);
    await site.screenshot('expr-lab-forward');
    await page.click('button[data-move=forward]');
    // One backward step: x has the first of its two contributions, marked partial.
    await page.click('button[data-move=step]');
    expect(await page.locator('.exprlab-partial').textContent()).toMatch(/^∂out\/∂x = /);
    expect(await page.locator('[data-entry="1"] .exprlab-badge-text').textContent()).toBe('1 of 2 in');
    expect(await page.locator('.exprlab-rule .katex').count()).toBe(2);
    // The last step: x's second contribution arrives and the panel adds them up.
    for (let k = 0; k < 3; k++) await page.click('button[data-move=step]');
    expect(await page.locator('.exprlab-panel').innerText()).toContain('contribution 2 of 2: they add up');
    expect(await page.locator('.exprlab-partial').count()).toBe(0);
    await site.screenshot('expr-lab');
    expect(site.errors).toEqual([]);
  });

  it('types an expression, steps backward three times and shows the tape\'s gradients exactly', async () => {
    const page = site.page;
    await page.fill('#exprlab-expr', '');
    await page.locator('#exprlab-expr').pressSequentially(EXPR);
    await settled();
    for (const [name, v] of VALUES) await page.fill(`input.exprlab-box[data-var="${name}"]`, String(v));
    const { steps, grads } = expected();
    // After typing, the cursor is at the end of the forward pass: every value shown.
    const ops = steps.forward.length - VALUES.size;
    expect(await page.locator('.exprlab-pos').innerText()).toContain(`forward: ${ops} of ${ops} ops run`);
    expect(await page.locator('.exprlab-value[data-value]').count()).toBe(steps.forward.length);
    for (let k = 0; k < 3; k++) await page.click('button[data-move=step]');
    const s3 = steps.backward[2]!;
    // The panel: the upstream g and each input's running total, the tape's own numbers, equal
    // as float64s, not just close. That holds because Chromium and Node both run V8, whose
    // Math.sin/exp/log/… are the same fdlibm port (ieee754.cc), every + - * / is IEEE-754
    // correctly rounded, and page and test evaluate the same core code with the same op order
    // in float64; a different engine (Firefox) could differ by an ulp in a transcendental.
    expect(await dataValues('.exprlab-panel .exprlab-g')).toEqual([s3.g.data[0]]);
    const totals = s3.inputs.filter((i) => i.total !== null).map((i) => i.total!.data[0]!);
    expect(await dataValues('.exprlab-panel .exprlab-running')).toEqual(totals);
    // The graph: every gradient known after three steps is the latest total of its value.
    const latest = new Map<number, number>();
    for (const s of steps.backward.slice(0, 3)) for (const i of s.inputs) if (i.from !== null && i.total !== null) latest.set(i.from, i.total.data[0]!);
    const shown = await page.locator('.exprlab-grad').evaluateAll((els) => els.map((e) => [Number(e.closest('[data-entry]')?.getAttribute('data-entry')), Number(e.getAttribute('data-grad'))] as const));
    const out = steps.backward[0]!.entry;
    expect(new Map(shown)).toEqual(new Map([[out, 1], ...latest]));
    // The end of the backward pass: each variable's gradient is core grad's, exactly.
    await page.click('button[data-move=backward]');
    for (const [name, g] of grads) expect(await dataValues(`.exprlab-grads li[data-var="${name}"] .exprlab-final`)).toEqual([g]);
    expect(site.errors).toEqual([]);
  });

  it('restores expression, values and step from the address', async () => {
    const page = site.page;
    await page.click('button[data-move=back]');
    const hash = await page.evaluate(() => location.hash);
    const panel = await page.locator('.exprlab-panel').innerText();
    expect(hash).toContain('at=');
    await page.reload();
    await page.waitForSelector('.exprlab-node');
    expect(await page.inputValue('#exprlab-expr')).toBe(EXPR);
    expect(await page.inputValue('input.exprlab-box[data-var="x"]')).toBe('0.7');
    expect(await page.locator('.exprlab-panel').innerText()).toBe(panel);
    expect(site.errors).toEqual([]);
  });

  it('shows a typo under the input with its caret and keeps the last good graph', async () => {
    const page = site.page;
    const before = await page.locator('.exprlab-node').count();
    // One edit (as a paste would be): while typing, "tanh" alone is a valid variable name.
    await page.fill('#exprlab-expr', `${EXPR} + tanh(`);
    await settled();
    const err = await page.locator('#exprlab-error').innerText();
    expect(err).toMatch(/column \d+/);
    expect(err).toContain('^');
    expect(await page.getAttribute('#exprlab-expr', 'aria-invalid')).toBe('true');
    expect(await page.locator('.exprlab-node').count()).toBe(before);
    await page.locator('#exprlab-expr').pressSequentially('y)');
    await settled();
    expect(await page.locator('#exprlab-error').innerText()).toBe('');
    // A variable edited away and typed back gets its value back.
    await page.fill('#exprlab-expr', 'y*2');
    await settled();
    expect(await page.locator('input.exprlab-box').count()).toBe(1);
    await page.fill('#exprlab-expr', EXPR);
    await settled();
    expect(await page.inputValue('input.exprlab-box[data-var="x"]')).toBe('0.7');
    expect(site.errors).toEqual([]);
  });

  it('works from the keyboard alone: Tab to Step, Enter and Space, arrow keys on the graph, Enter on a box', async () => {
    const page = site.page;
    await site.open('#/expr');
    await page.focus('#exprlab-expr');
    let tabs = 0;
    while (!(await page.evaluate(() => document.activeElement?.getAttribute('data-move') === 'reset')) && tabs < 20) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    expect(tabs).toBeLessThan(20);
    const position = (): Promise<string> => page.locator('.exprlab-pos').innerText();
    expect(await position()).toContain('position 4 of 8');
    await page.keyboard.press('Enter'); // Reset
    expect(await position()).toContain('position 0 of 8');
    await page.keyboard.press('Tab'); // Back
    await page.keyboard.press('Tab'); // Step
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    expect(await position()).toContain('position 2 of 8');
    while (!(await page.evaluate(() => document.activeElement?.classList.contains('exprlab-graph') === true)) && tabs < 40) {
      await page.keyboard.press('Tab');
      tabs++;
    }
    await page.keyboard.press('End');
    expect(await position()).toContain('position 8 of 8');
    await page.keyboard.press('ArrowLeft');
    expect(await position()).toContain('position 7 of 8');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    expect(await position()).toContain('position 1 of 8');
    // Into the boxes: Tab from the graph reaches w, x, b, #3, #4, #5 in order; Enter on tanh (#5)
    // goes to the op that computes it, and the box keeps the focus through arrow-key steps.
    for (let k = 0; k < 6; k++) await page.keyboard.press('Tab');
    expect(await page.getByRole('group', { name: /^The tape of / }).getByRole('button').count()).toBe(7);
    const focused = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-entry') ?? null);
    expect(await focused()).toBe('5');
    await page.keyboard.press('Enter');
    expect(await position()).toContain('position 3 of 8');
    await page.keyboard.press('ArrowRight');
    expect(await position()).toContain('position 4 of 8');
    expect(await focused()).toBe('5');
    // In the backward pass a click goes to where the value's gradient is complete: tanh's at step 1.
    await page.keyboard.press('End');
    // The boxes are buttons to a screen reader (the SVG is a group, not an img that would hide them).
    await page.getByRole('button', { name: /^#5 = tanh\(…\): go to the step where its gradient is complete$/ }).click();
    expect(await position()).toContain('position 5 of 8');
    expect(site.errors).toEqual([]);
  });

  it('refuses a graph too large to lay out, promptly, from a shared link and while typing', async () => {
    const page = site.page;
    // A balanced sum of 2048 x's: 2048 tape entries, once most of a minute of layout on open.
    const big = balancedSum(2048);
    const t0 = Date.now();
    await site.open(`#/expr?e=${encodeURIComponent(big)}&v.x=1`);
    // Fails by its own timeout (10 s) if the page hangs in a layout.
    await page.waitForFunction(() => (document.querySelector('#exprlab-error')?.textContent ?? '').includes('values on the tape'), undefined, { timeout: 10_000 });
    console.info(`expr-lab: a 2048-value link showed its message in ${Date.now() - t0} ms`);
    const err = await page.locator('#exprlab-error').innerText();
    expect(err).toContain('puts 2048 values on the tape');
    expect(err).toContain('at most 64 boxes');
    expect(await page.locator('.exprlab-node').count()).toBe(0);
    await site.screenshot('expr-lab-too-large');
    // Typed after a good graph: the message, and the last good graph stays.
    await page.fill('#exprlab-expr', 'x*x');
    await settled();
    expect(await page.locator('.exprlab-node').count()).toBe(2);
    await page.fill('#exprlab-expr', balancedSum(128));
    await settled();
    expect(await page.locator('#exprlab-error').innerText()).toMatch(/^This expression puts \d+ values on the tape/);
    expect(await page.locator('.exprlab-node').count()).toBe(2);
    expect(site.errors).toEqual([]);
  });

  it('fits a phone: no sideways page scroll, the graph top to bottom, and its screenshot', async () => {
    const page = site.page;
    await page.setViewportSize({ width: 390, height: 844 });
    await site.open('#/expr?e=tanh(w*x+%2B+b)+*+x&v.w=0.8&v.x=1.5&v.b=-0.4&at=5');
    await page.waitForFunction(() => {
      const svg = document.querySelector('svg.exprlab-svg');
      return svg !== null && Number(svg.getAttribute('height')) > Number(svg.getAttribute('width'));
    });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await site.screenshot('expr-lab-phone');
    expect(site.errors).toEqual([]);
  });
});
