/**
 * Every ```ts block under docs/ is a complete program; this test runs each one and, when
 * the block is followed by an output block (```text or ```dot), asserts that the program
 * prints exactly that. So docs cannot rot: change the library and the docs fail here.
 *
 * To refresh the output blocks after an intended change, run
 *   TAPEGRAD_UPDATE_SNIPPETS=1 npx vitest run test/docs-snippets.test.ts
 * and review the diff: it rewrites only the output blocks with what the code printed.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const docsDir = join(root, 'docs');
// Snippets become modules inside the repository, so vitest resolves `@tapegrad/*` for them
// exactly as for tests. docs/.gitignore ignores the folder; each run writes into its own
// subfolder (several test runs may share the tree) and removes it afterwards.
const scratch = join(docsDir, '.snippets', `run-${process.pid}-${Date.now()}`);
const update = process.env['TAPEGRAD_UPDATE_SNIPPETS'] === '1';

/** A fenced block: its language, body, and where the body sits in the file. */
interface Fence {
  lang: string;
  body: string;
  line: number;
  start: number;
  end: number;
}

/** Fenced blocks in order. Bodies are the exact text between the fence lines. */
function fences(markdown: string): Fence[] {
  const out: Fence[] = [];
  const re = /^```([\w-]*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m = re.exec(markdown); m !== null; m = re.exec(markdown)) {
    const start = m.index + m[0].indexOf('\n') + 1;
    const body = m[2] ?? '';
    out.push({ lang: m[1] ?? '', body, line: markdown.slice(0, m.index).split('\n').length, start, end: start + body.length });
  }
  return out;
}

/** A ```ts block and, when the next block follows it with only blank lines between, its expected output. */
interface Snippet {
  code: Fence;
  output: Fence | null;
}

function snippetsOf(markdown: string): Snippet[] {
  const fs = fences(markdown);
  const out: Snippet[] = [];
  fs.forEach((f, i) => {
    if (f.lang !== 'ts') return;
    const next = fs[i + 1];
    const gap = next === undefined ? '' : markdown.slice(f.end, next.start);
    const adjacent = next !== undefined && (next.lang === 'text' || next.lang === 'dot') && /^```\s*\n\s*```[\w-]*[^\n]*\n$/.test(gap);
    out.push({ code: f, output: adjacent ? next : null });
  });
  return out;
}

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'api') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(p));
    else if (entry.name.endsWith('.md')) out.push(p);
  }
  return out.sort();
}

function dotFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.dot'))
    .map((e) => join(e.parentPath, e.name));
}

/** Trailing spaces and trailing blank lines are not part of what a reader compares. */
const normalize = (s: string): string => s.split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();

/**
 * What must match between the printed output and the output block: everything, except
 * that numbers below 1e-13 in magnitude all count as "rounding noise" (float64 rounding
 * on values of order one is ~1e-16; a change in summation order inside the library moves
 * such a number between 0, 1.1e-16 and 3.5e-18 without anything being wrong), and runs of
 * spaces count as one, since a column padded around such a number changes width.
 */
function comparable(s: string): string {
  return normalize(s)
    .replace(/-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi, (t) => (Math.abs(Number(t)) < 1e-13 ? '≈0' : t))
    .replace(/ +/g, ' ');
}

async function run(code: string, name: string): Promise<string> {
  mkdirSync(scratch, { recursive: true });
  const file = join(scratch, `${name}.ts`);
  writeFileSync(file, code);
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(format(...args));
  });
  try {
    await import(pathToFileURL(file).href);
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

// The READMEs' code blocks are documentation too: they run and typecheck like the pages.
const readmes = ['README.md', 'packages/core/README.md', 'packages/nn/README.md', 'packages/cli/README.md']
  .map((f) => join(root, f))
  .filter((f) => existsSync(f));
const files = [...markdownFiles(docsDir), ...readmes];
const rewrites = new Map<string, { fence: Fence; text: string }[]>();

afterAll(() => {
  for (const [file, edits] of rewrites) {
    let md = readFileSync(file, 'utf8');
    for (const { fence, text } of [...edits].sort((a, b) => b.fence.start - a.fence.start)) {
      md = md.slice(0, fence.start) + (text === '' ? '' : `${text}\n`) + md.slice(fence.end);
    }
    writeFileSync(file, md);
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('docs snippets', () => {
  it('finds the documentation and its code blocks', () => {
    const names = files.map((f) => relative(docsDir, f));
    expect(names).toEqual(expect.arrayContaining(['tutorial.md', 'architecture.md', 'second-derivatives.md', '../README.md']));
    const total = files.reduce((n, f) => n + snippetsOf(readFileSync(f, 'utf8')).length, 0);
    expect(total).toBeGreaterThan(10);
  });

  it('treats numbers below 1e-13 as rounding noise and nothing else', () => {
    expect(comparable('err 1.1102e-16   ok')).toBe(comparable('err 0 ok'));
    expect(comparable('err 3.4694e-18')).toBe(comparable('err -2e-17'));
    expect(comparable('err 1e-12')).not.toBe(comparable('err 0'));
    expect(comparable('rtol 1e-7, value 0.148786')).not.toBe(comparable('rtol 1e-7, value 0.148787'));
  });

  it('pairs a code block with the output block right after it, and only that one', () => {
    const md = ['```ts', 'console.log(1);', '```', '', '```text', '1', '```', '', '```ts', 'const a = 2;', '```', 'prose', '```text', 'x', '```', ''].join('\n');
    const s = snippetsOf(md);
    expect(s.map((x) => x.output?.body ?? null)).toEqual(['1\n', null]);
  });

  it('every committed .dot picture is the printed output of a snippet', () => {
    const dots = dotFiles(docsDir);
    expect(dots.length).toBeGreaterThan(0);
    const printed = files.flatMap((f) => fences(readFileSync(f, 'utf8')).filter((x) => x.lang === 'dot').map((x) => normalize(x.body)));
    for (const d of dots) {
      expect(printed, `${relative(docsDir, d)} differs from every dot output block in docs/; copy the block into the file`).toContain(normalize(readFileSync(d, 'utf8')));
    }
  });

  it('every block typechecks under the repository settings (strict, noUncheckedIndexedAccess, ...)', () => {
    mkdirSync(scratch, { recursive: true });
    const where = new Map<string, string>();
    files.forEach((file) => {
      snippetsOf(readFileSync(file, 'utf8')).forEach(({ code }, i) => {
        const name = join(scratch, `check_${relative(docsDir, file).replace(/[^\w]+/g, '_')}_${i}.ts`);
        writeFileSync(name, code.body);
        where.set(name, `${relative(docsDir, file)}:${code.line}`);
      });
    });
    const base = ts.readConfigFile(join(root, 'tsconfig.base.json'), (p) => ts.sys.readFile(p));
    const { options } = ts.parseJsonConfigFileContent(base.config, ts.sys, root);
    const program = ts.createProgram([...where.keys()], { ...options, composite: false, declaration: false, emitDeclarationOnly: false, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && where.has(d.file.fileName))
      .map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${where.get(d.file!.fileName)} (+${line + 1} lines into the block): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  });

  for (const file of files) {
    const rel = relative(docsDir, file);
    const snippets = snippetsOf(readFileSync(file, 'utf8'));
    // A page without code (an index, prose only) has nothing to run.
    if (snippets.length === 0) continue;
    describe(rel, () => {
      snippets.forEach(({ code, output }, i) => {
        it(`block at line ${code.line} runs${output !== null ? ' and prints its output block' : ''}`, async () => {
          const name = `${rel.replace(/[^\w]+/g, '_')}_${i}_L${code.line}`;
          const printed = await run(code.body, name);
          if (output === null) return;
          if (update) {
            const list = rewrites.get(file) ?? [];
            list.push({ fence: output, text: normalize(printed) });
            rewrites.set(file, list);
            return;
          }
          expect(comparable(printed), `${rel}:${code.line}: the output block after this code is stale. If the new output is intended, refresh the blocks with TAPEGRAD_UPDATE_SNIPPETS=1 npx vitest run test/docs-snippets.test.ts and review the diff`).toBe(
            comparable(output.body),
          );
        });
      });
    });
  }
});
