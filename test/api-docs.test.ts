/**
 * The API reference builds without a warning: TypeDoc on docs/typedoc.json (the config
 * `npm run docs:api` uses; there a warning is an error, here warnings are collected so the checks
 * below still run), rendered (HTML and JSON) into a temporary directory. A broken `{@link}`, an exported
 * type that references an unexported one, a code block in a language TypeDoc cannot highlight,
 * or a guide's relative link to a missing file fails `npm test`.
 * The JSON is then checked for what the reference promises: core's and nn's exports sorted into
 * topic groups, the ops listed as functions, and the tutorial and guides included as pages.
 * About 15 s (two cores); TypeDoc compiles the sources through docs/tsconfig.typedoc.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = JSON.parse(readFileSync(join(root, 'docs/typedoc.json'), 'utf8')) as { packageOptions: { groupOrder: string[] } };

interface Reflection {
  readonly name: string;
  readonly kind: number;
  readonly children?: readonly Reflection[];
  readonly groups?: readonly { readonly title: string; readonly children: readonly number[] }[];
  readonly documents?: readonly { readonly name: string }[];
}
const FUNCTION = 64;

let dir = '';
let run: { status: number | null; output: string; ms: number };
let api: Reflection;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tapegrad-api-'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--options', 'docs/typedoc.json', '--json', join(dir, 'api.json'), '--out', join(dir, 'html'), '--treatWarningsAsErrors', 'false'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  run = { status: r.status, output: `${r.stdout}${r.stderr}`, ms: performance.now() - t0 };
  if (r.status === 0) api = JSON.parse(readFileSync(join(dir, 'api.json'), 'utf8')) as Reflection;
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pkg = (name: string): Reflection => {
  const p = api.children?.find((c) => c.name === name);
  if (p === undefined) throw new Error(`the API reference has no package ${name}`);
  return p;
};

describe('the API reference (npm run docs:api)', () => {
  it('TypeDoc finishes with no warning and no error', () => {
    console.log(`typedoc: ${(run.ms / 1000).toFixed(1)} s`);
    const problems = run.output.split('\n').filter((l) => /\[(warning|error)\]/.test(l));
    expect(problems, run.output).toEqual([]);
    expect(run.status, run.output).toBe(0);
  });

  it("every export of core and nn sits in a topic group (none in TypeDoc's default Functions / Variables / ...)", () => {
    const topics = new Set(config.packageOptions.groupOrder.filter((g) => g !== '*'));
    for (const name of ['@tapegrad/core', '@tapegrad/nn']) {
      const p = pkg(name);
      const byId = new Map((p.children ?? []).map((c) => [(c as Reflection & { id: number }).id, c.name]));
      const stray = (p.groups ?? []).filter((g) => !topics.has(g.title)).map((g) => `${g.title}: ${g.children.map((id) => byId.get(id)).join(', ')}`);
      expect(stray, `${name}: exports without a @group (or with one missing from groupOrder)`).toEqual([]);
    }
  });

  it('sum, max, min and logSumExp (and every elementwise op) are documented as functions', () => {
    const core = pkg('@tapegrad/core');
    const kinds = new Map((core.children ?? []).map((c) => [c.name, c.kind]));
    for (const n of ['sum', 'max', 'min', 'logSumExp', 'mean', 'add', 'mul', 'exp', 'sigmoid', 'greater', 'where']) expect([n, kinds.get(n)]).toEqual([n, FUNCTION]);
  });

  it('includes the tutorial, the guides and the background pages', () => {
    const docs = (api.documents ?? []).map((d) => d.name);
    for (const d of ['tutorial', 'guides/how-the-tape-works', 'guides/custom-activations-and-losses', 'guides/comparing-autodiff-with-manual-gradients', 'guides/exporting-to-onnx', 'architecture', 'performance', 'second-derivatives', 'sources']) {
      expect(docs).toContain(d);
    }
  });
  it("hides the CLI's internals (exported for tests, marked @internal) and lists its public API", () => {
    const names = new Set((pkg('@tapegrad/cli').children ?? []).map((c) => c.name));
    const internal = ['memoryIo', 'MemoryIo', 'COMMANDS', 'progressBar', 'loadProgress', 'CsvTokenizer', 'DatasetBuilder'];
    expect(internal.filter((n) => names.has(n))).toEqual([]);
    expect(names.has('run')).toBe(true);
  });
});
