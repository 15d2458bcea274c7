// The playground: `npm run playground` (vite dev server) or `npx vite build playground`.
// It uses the plugin and the program API straight from this repository's sources, so no build
// of dist/ is needed; an app would write `import elf from 'unplugin-elf/vite'` instead.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import elf from '../src/vite.ts';
import { busyboxId, busyboxModule, shellPrograms } from './shell-config.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // PLAYGROUND_CACHE_DIR: the playground test translates afresh (under vitest the translator's
  // version, part of the cache key, does not change with its sources). busybox (the shell, see
  // shell-config.ts) is translated as the demos' .elf files are.
  plugins: [elf({ cacheDir: process.env.PLAYGROUND_CACHE_DIR, include: [/\.elf$/, busyboxId], programs: shellPrograms })],
  resolve: {
    alias: [
      { find: /^@busybox$/, replacement: busyboxModule },
      // the .elf loader modules import the program API by its package name
      { find: /^unplugin-elf\/program$/, replacement: fileURLToPath(new URL('../src/program/index.ts', import.meta.url)) },
    ],
  },
  server: { fs: { allow: [repo] } },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  optimizeDeps: { include: ['@xterm/xterm', '@xterm/addon-fit'] },
});
