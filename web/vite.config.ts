import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// No React plugin: Vite's own transform (oxc) compiles TSX with the automatic JSX runtime.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: {
    // The browser-safe entry of the shared library, straight from its sources.
    alias: { '@ensemble/shared/api': fileURLToPath(new URL('../libs/shared/src/api.ts', import.meta.url)) },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', reportCompressedSize: false },
  logLevel: 'warn',
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
