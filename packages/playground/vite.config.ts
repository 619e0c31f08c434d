import { defaultClientConditions, defineConfig } from 'vite';

// The playground runs on the packages' TypeScript sources (the same "@tapegrad/source"
// condition the tests use), so it needs no build of core or nn first. `base: './'` makes
// the built site work from any folder of any static host, or from a file server offline.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  resolve: { conditions: ['@tapegrad/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
