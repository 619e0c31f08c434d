import { defineConfig } from 'tsup';

// ESM only, as core and nn (see their tsup.config.ts). main.ts is the `tapegrad` bin and exports
// nothing, so only index.ts gets declarations.
export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  // The maps point at the published src/ instead of embedding it a second time.
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  clean: true,
  // The build resolves sibling packages through their published types, not their sources.
  tsconfig: '../../tsconfig.build.json',
});
