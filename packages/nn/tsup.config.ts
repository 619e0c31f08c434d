import { defineConfig } from 'tsup';

// ESM only: one copy of the module per program, so there is one tape and `instanceof Tensor`
// holds (a CommonJS build beside it was a second copy; Node >= 20.19 require()s this one).
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  // The maps point at the published src/ instead of embedding it a second time.
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  clean: true,
  // The build resolves sibling packages through their published types, not their sources.
  tsconfig: '../../tsconfig.build.json',
});
