import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FD_OK } from '../src/net-lab/thresholds.js';
import { openSite, type Site } from './site.js';

const XOR = '#/net?data=xor&n=200&noise=0.1&seed=1&layers=8,8&act=tanh&loss=bce&opt=adam&lr=0.03&batch=32&wd=0&grad=tape';

async function value(site: Site, selector: string): Promise<number> {
  const v = await site.page.locator(selector).first().getAttribute('data-value');
  return Number(v);
}

describe('the network lab', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('trains on xor: the loss falls and tape and closed form agree below 1e-10 throughout', async () => {
    await site.open(XOR);
    const before = await value(site, '.net-lab-lossval');
    expect(before).toBeGreaterThan(0.3);
    expect(await site.page.locator('.net-lab-play').textContent()).toBe('Play');
    await site.page.locator('.net-lab-play').click();
    expect(await site.page.locator('.net-lab-play').textContent()).toBe('Pause');
    // Sample the shown agreement every 50 ms inside the page (one round trip, not 20).
    const agreements = await site.page.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const seen: number[] = [];
          const id = setInterval(() => {
            const v = Number(document.querySelector('.net-lab-agree-tc')?.getAttribute('data-value'));
            if (!Number.isNaN(v)) seen.push(v);
            if (seen.length >= 20) {
              clearInterval(id);
              resolve(seen);
            }
          }, 50);
        }),
    );
    await site.page.locator('.net-lab-play').click();
    const steps = await value(site, '.net-lab-steps');
    const after = await value(site, '.net-lab-lossval');
    console.log(`net-lab xor: ${steps} steps, loss ${before} -> ${after}, max tape/closed-form difference ${Math.max(...agreements)}`);
    expect(steps).toBeGreaterThan(20);
    expect(after).toBeLessThan(before / 2);
    for (const a of agreements) expect(a).toBeLessThan(1e-10);
    expect(await value(site, '.net-lab-agree-fd')).toBeLessThan(FD_OK);
    expect(await site.page.locator('.net-lab-agree-fd.ok').count()).toBe(1);
    expect(await value(site, '.net-lab-acc')).toBeGreaterThan(0.9);
    // Inspect the first hidden layer's third neuron from the keyboard.
    await site.page.locator('.net-lab-node[data-layer="1"][data-unit="2"]').focus();
    await site.page.keyboard.press('Enter');
    await site.page.waitForSelector('.net-lab-inspector .net-lab-delta');
    for (const c of ['z', 'a', 'fprime', 'delta']) expect(Number.isFinite(await value(site, `.net-lab-${c}`))).toBe(true);
    const a = await value(site, '.net-lab-a');
    expect(a).toBeCloseTo(Math.tanh(await value(site, '.net-lab-z')), 14);
    expect(await site.page.locator('.net-lab-inspector .katex').count()).toBeGreaterThanOrEqual(2);
    expect(site.page.url()).toContain('neuron=1.2');
    // Hovering a weight shows its value and gradient.
    await site.page.locator('.net-lab-edge').nth(5).hover({ force: true });
    expect(Number.isFinite(await value(site, '.net-lab-dw'))).toBe(true);
    // And by keyboard: the weights are one tab stop (just before the neurons); arrows move between them.
    await site.page.locator('.net-lab-node[data-layer="1"][data-unit="0"]').focus();
    await site.page.keyboard.press('Shift+Tab');
    expect(await site.page.evaluate(() => document.activeElement?.getAttribute('data-name'))).toBe('W1[1,1]');
    expect(await site.page.locator('.net-lab-readout').textContent()).toMatch(/^W1\[1,1\] = /);
    await site.page.keyboard.press('ArrowRight');
    await site.page.keyboard.press('ArrowRight');
    expect(await site.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('W1[2,1]: show its value and ∂C/∂w');
    expect(await site.page.locator('.net-lab-readout').textContent()).toMatch(/^W1\[2,1\] = /);
    expect(await site.page.locator('.net-lab-edge[tabindex="0"]').count()).toBe(1);
    await site.page.keyboard.press('End');
    await site.page.keyboard.press('Enter');
    expect(await site.page.locator('.net-lab-readout').textContent()).toMatch(/^W3\[1,8\] = /);
    expect(Number.isFinite(await value(site, '.net-lab-w'))).toBe(true);
    expect(Number.isFinite(await value(site, '.net-lab-dw'))).toBe(true);
    await site.screenshot('net-lab');
    expect(site.errors).toEqual([]);
  });

  // The issue asks for at least 30 steps/s here, measured and reported. The figure is printed,
  // not asserted: speed on a shared two-core machine is noise for a test (our rule: speed is
  // measured, never asserted in a timed test). What is asserted is that the page never froze:
  // a ticker in the page (a MessageChannel ping-pong, which timers' background throttling does
  // not slow) records the largest gap between its ticks while training runs. Training in one
  // synchronous loop would give gaps of seconds; slices of ~16 ms give gaps of tens of ms.
  it('measures steps/s for a 2-8-8-1 network on 500 points (full batch) and keeps the page responsive', async () => {
    await site.open('#/net?data=spiral&n=500&seed=2&layers=8,8&act=tanh&loss=bce&opt=adam&lr=0.03&batch=500&grad=tape');
    const { maxGap, ticks } = await site.page.evaluate(
      () =>
        new Promise<{ maxGap: number; ticks: number }>((resolve) => {
          const channel = new MessageChannel();
          const t0 = performance.now();
          let last = t0;
          let maxGap = 0;
          let ticks = 0;
          channel.port1.onmessage = () => {
            const now = performance.now();
            maxGap = Math.max(maxGap, now - last);
            last = now;
            ticks++;
            if (now - t0 < 3000) channel.port2.postMessage(null);
            else {
              channel.port1.close();
              resolve({ maxGap, ticks });
            }
          };
          document.querySelector<HTMLButtonElement>('.net-lab-play')?.click();
          channel.port2.postMessage(null);
        }),
    );
    const rate = await value(site, '.net-lab-rate');
    const steps = await value(site, '.net-lab-steps');
    await site.page.locator('.net-lab-play').click();
    console.log(`net-lab speed: ${rate.toFixed(1)} steps/s, ${steps} steps in about 3 s (2-8-8-1, 500 points, batch 500, tape gradient, closed-form agreement every 4 steps); longest gap between page ticks ${maxGap.toFixed(0)} ms over ${ticks} ticks`);
    expect(steps).toBeGreaterThan(0);
    expect(maxGap).toBeLessThan(1000);
    expect(site.errors).toEqual([]);
  });

  it('a wrong hand derivative breaks the agreement; a bad CSV is reported by line', async () => {
    // f = tanh(z) with f' written 1 - a (it is 1 - a^2): the closed form is wrong, the tape is not.
    await site.open('#/net?data=circle&layers=4&act=custom&af=tanh(z)&adf=1-a&grad=tape');
    await site.page.locator('.net-lab-stepbtn').click();
    expect(await value(site, '.net-lab-agree-tc')).toBeGreaterThan(1e-3);
    expect(await site.page.locator('.net-lab-agree-tc.bad').count()).toBe(1);
    // A typo in f is shown beside the custom activation, and tanh stands in meanwhile.
    await site.page.locator('input[name=af]').fill('tanh(z');
    await site.page.locator('input[name=af]').press('Tab');
    expect(await site.page.locator('.net-lab-custom .error').textContent()).toMatch(/Using tanh for the custom layers/);
    expect(site.page.url()).toContain('af=tanh%28z');
    // Editing a width keeps the keyboard where it was.
    await site.page.locator('input[name=width1]').fill('6');
    await site.page.locator('input[name=width1]').press('Tab');
    expect(await site.page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('act1');
    expect(await site.page.locator('.net-lab-node[data-layer="1"]').count()).toBe(6);
    await site.page.locator('select[name=data]').selectOption('csv');
    await site.page.locator('textarea[name=csv]').fill('x1,x2,label\n0,1,1\n1,oops,0\n2,2');
    await site.page.getByRole('button', { name: 'Use this CSV' }).click();
    const msg = await site.page.locator('.net-lab-csvbox .error').textContent();
    expect(msg).toContain("line 3: x2 is 'oops', not a number");
    expect(msg).toContain('line 4: too few columns');
    await site.page.locator('textarea[name=csv]').fill('x1,x2,label\n0,1,1\n1,0,0\n-1,0,0\n0,-1,1');
    await site.page.getByRole('button', { name: 'Use this CSV' }).click();
    expect(await site.page.locator('.net-lab-csvbox .error').textContent()).toBe('');
    expect(site.page.url()).toContain('data=csv');
    expect(site.page.url()).toContain('std=1');
    await site.page.getByLabel(/Standardise inputs/).uncheck();
    expect(site.page.url()).toContain('std=0');
    expect(await site.page.locator('.net-lab-csvbox').textContent()).toContain('Inputs are used as given');
    await site.page.locator('textarea[name=csv]').fill('1e308,0,1\n-1e308,1,0');
    await site.page.getByRole('button', { name: 'Use this CSV' }).click();
    expect(await site.page.locator('.net-lab-csvbox .error').textContent()).toContain('the span overflows float64');
    // Finite differences on a network too big for them: refused with the reason, the tape shown meanwhile.
    await site.open('#/net?layers=32,32&grad=fd');
    expect(await site.page.locator('.net-lab-bar .error').textContent()).toMatch(/1185 parameters .*Showing the tape’s gradient meanwhile/);
    await site.page.locator('.net-lab-stepbtn').click();
    expect(await value(site, '.net-lab-steps')).toBe(1);
    // Choosing them for a running network that is too big: refused, and the address keeps the running setup.
    await site.open('#/net?layers=32,32&grad=tape');
    await site.page.locator('.net-lab-stepbtn').click();
    await site.page.getByLabel('finite differences (slow)').check();
    expect(await site.page.locator('.net-lab-bar .error').textContent()).toMatch(/1185 parameters .*The previous setup keeps running, and the address keeps it/);
    expect(site.page.url()).toContain('grad=tape');
    await site.page.locator('input[name=lr]').fill('0.05');
    await site.page.locator('input[name=lr]').press('Tab');
    expect(site.page.url()).toContain('grad=tape');
    expect(await value(site, '.net-lab-steps')).toBe(1);
    expect(site.errors).toEqual([]);
  });

  it('a custom loss: (a−y)² with dL/da = 2(a−y) agrees with the tape; dL/da = a−y does not', async () => {
    const custom = (ldf: string): string => `#/net?data=xor&layers=4&loss=custom&lf=${encodeURIComponent('(a-y)^2')}&ldf=${encodeURIComponent(ldf)}&grad=tape`;
    await site.open(custom('2*(a-y)'));
    expect(await site.page.locator('select[name=loss]').inputValue()).toBe('custom');
    expect(await site.page.locator('.net-lab-customloss').isVisible()).toBe(true);
    expect(await site.page.locator('.net-lab-customloss').textContent()).toContain('a is in (0, 1)');
    for (let i = 0; i < 5; i++) await site.page.locator('.net-lab-stepbtn').click();
    expect(await value(site, '.net-lab-steps')).toBe(5);
    expect(await value(site, '.net-lab-agree-tc')).toBeLessThan(1e-10);
    await site.open(custom('a-y'));
    await site.page.locator('.net-lab-stepbtn').click();
    expect(await value(site, '.net-lab-agree-tc')).toBeGreaterThan(1e-3);
    expect(await site.page.locator('.net-lab-agree-tc.bad').count()).toBe(1);
    // A typo in dL/da is shown under dL/da only, and recorded in the address.
    await site.page.locator('input[name=ldf]').fill('a-b');
    await site.page.locator('input[name=ldf]').press('Tab');
    expect(await site.page.locator('input[name=ldf] + .error').textContent()).toMatch(/'b' is not one of them/);
    expect(await site.page.locator('input[name=lf] + .error').textContent()).toBe('');
    expect(site.page.url()).toContain('ldf=a-b');
    // AdamW at weight decay 0 would be Adam: choosing it sets the field to 0.01.
    await site.page.locator('select[name=opt]').selectOption('adamw');
    expect(await site.page.locator('input[name=wd]').inputValue()).toBe('0.01');
    await site.page.locator('section[aria-label=Training]').screenshot({ path: 'packages/playground/e2e/screenshots/net-lab-custom-loss.png' });
    expect(site.errors).toEqual([]);
  });

  it('a bad field shows its message at that field and does not block other edits', async () => {
    await site.open(XOR);
    await site.page.locator('input[name=width1]').fill('');
    await site.page.locator('input[name=width1]').press('Tab');
    const net = site.page.locator('section[aria-label=Network] > .error');
    expect(await net.textContent()).toMatch(/^layers: "0,8" must list widths/);
    expect(await site.page.locator('input[name=width1]').getAttribute('aria-invalid')).toBe('true');
    expect(await site.page.locator('input[name=width2]').getAttribute('aria-invalid')).toBe(null);
    // Another panel's edit applies, and the width's message stays at the layers, not there.
    await site.page.locator('input[name=lr]').fill('0.05');
    await site.page.locator('input[name=lr]').press('Tab');
    expect(site.page.url()).toContain('lr=0.05');
    expect(site.page.url()).toContain('layers=8%2C8');
    expect(await site.page.locator('section[aria-label=Training] > .error').textContent()).toBe('');
    expect(await net.textContent()).toMatch(/^layers: /);
    // A second bad field: its message sits beside it; a third field's edit still applies.
    await site.page.locator('input[name=batch]').fill('0');
    await site.page.locator('input[name=batch]').press('Tab');
    expect(await site.page.locator('input[name=batch]').getAttribute('aria-invalid')).toBe('true');
    const batchErr = await site.page.locator('input[name=batch]').getAttribute('aria-describedby');
    expect(await site.page.locator(`[id="${batchErr}"]`).textContent()).toMatch(/^batch: "0" is not an integer/);
    await site.page.locator('input[name=seed]').fill('7');
    await site.page.locator('input[name=seed]').press('Tab');
    expect(site.page.url()).toContain('seed=7');
    expect(site.page.url()).toContain('batch=32');
    // Fixing the width clears its message and applies it.
    await site.page.locator('input[name=width1]').fill('5');
    await site.page.locator('input[name=width1]').press('Tab');
    expect(await net.textContent()).toBe('');
    expect(site.page.url()).toContain('layers=5%2C8');
    expect(await site.page.locator('.net-lab-node[data-layer="1"]').count()).toBe(5);
    expect(site.errors).toEqual([]);
  });

  it('a shared link rebuilds the same setup', async () => {
    await site.open('#/net?data=gauss&n=100&seed=5&layers=3,5&act=relu,sigmoid&loss=mse&opt=sgd&lr=0.5&batch=10&wd=0.001&grad=closed');
    expect(await site.page.locator('select[name=data]').inputValue()).toBe('gauss');
    expect(await site.page.locator('input[name=width2]').inputValue()).toBe('5');
    expect(await site.page.locator('select[name=act1]').inputValue()).toBe('relu');
    expect(await site.page.locator('select[name=opt]').inputValue()).toBe('sgd');
    expect(await site.page.getByLabel('closed form (δ recurrence)').isChecked()).toBe(true);
    await site.page.locator('.net-lab-stepbtn').click();
    const first = await value(site, '.net-lab-lossval');
    await site.open('#/worked');
    await site.open('#/net?data=gauss&n=100&seed=5&layers=3,5&act=relu,sigmoid&loss=mse&opt=sgd&lr=0.5&batch=10&wd=0.001&grad=closed');
    expect(await value(site, '.net-lab-steps')).toBe(0);
    await site.page.locator('.net-lab-stepbtn').click();
    expect(await value(site, '.net-lab-lossval')).toBe(first);
    expect(site.errors).toEqual([]);
  });
});

describe('the network lab at phone width', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite({ width: 390, height: 844 });
  });
  afterAll(async () => {
    await site?.close();
  });

  it('has no horizontal page scroll', async () => {
    await site.open(XOR);
    await site.page.locator('.net-lab-stepbtn').click();
    await site.page.locator('.net-lab-node[data-layer="3"] circle').click();
    await site.page.waitForSelector('.net-lab-inspector .net-lab-delta');
    const width = await site.page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await site.screenshot('net-lab-phone');
    expect(site.errors).toEqual([]);
  });
});
