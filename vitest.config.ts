import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against package sources, never a build: these aliases mirror each
// package's "@tapegrad/source" export condition.
const alias = {
  '@tapegrad/core': src('core'),
  '@tapegrad/nn': src('nn'),
  '@tapegrad/cli': src('cli'),
};

const project = (name: string, include: string[]) => ({
  resolve: { alias },
  test: { name, include, testTimeout: 60_000 },
});

// Under CI a JSON report is written too, so .ci/run can print a plain "N passed, N failed" line.
const reporters = process.env['CI'] ? ['default', ['json', { outputFile: 'node_modules/.cache/vitest-results.json' }] as const] : ['default'];

export default defineConfig({
  test: {
    reporters: [...reporters],
    projects: [
      project('core', ['packages/core/src/**/*.test.ts']),
      project('nn', ['packages/nn/src/**/*.test.ts']),
      project('cli', ['packages/cli/src/**/*.test.ts']),
      project('bench', ['packages/bench/src/**/*.test.ts']),
      project('cross-package', ['test/**/*.test.ts']),
      project('playground', ['packages/playground/src/**/*.test.ts']),
      // The playground in a real headless Chromium against the built site: after every other
      // project has finished (groupOrder), one file and one browser at a time (two cores, and
      // the training-speed figure it measures should not compete with unit tests), after a
      // global setup that builds and serves the site once.
      {
        resolve: { alias },
        test: {
          name: 'playground-e2e',
          include: ['packages/playground/e2e/**/*.e2e.test.ts'],
          globalSetup: ['packages/playground/e2e/global-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
