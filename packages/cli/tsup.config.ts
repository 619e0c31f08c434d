import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // The build resolves sibling packages through their published types, not their sources.
  tsconfig: '../../tsconfig.build.json',
});
